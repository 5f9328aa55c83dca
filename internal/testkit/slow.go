package testkit

import (
	"os"
	"testing"
)

// SlowEnv names the environment variable that turns on the slow tests:
// soak, load, image-build and vulnerability-database tests. The README's
// `go test ./...` leaves them out; .ci/run sets it and runs them, so they
// never go unrun.
const SlowEnv = "PORTFOLIO_SLOW_TESTS"

// RequireSlow skips t unless SlowEnv is set to a non-empty value.
func RequireSlow(t testing.TB) {
	t.Helper()
	if os.Getenv(SlowEnv) == "" {
		t.Skipf("a slow test: set %s=1 to run it (.ci/run does)", SlowEnv)
	}
}
