package host

import (
	"time"

	"github.com/pragyamugale/portfolio/internal/testkit"
)

// waitTimeout bounds every wait in the host's tests.
const waitTimeout = 10 * time.Second

// eventually polls cond until it holds or timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	return testkit.Eventually(timeout, 5*time.Millisecond, cond)
}
