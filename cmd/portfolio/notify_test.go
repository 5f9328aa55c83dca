package main

import (
	"strings"
	"testing"
)

// TestHelpHidesNotifyURLSecrets: --help shows the environment's values as
// defaults, but never a notify URL's token.
func TestHelpHidesNotifyURLSecrets(t *testing.T) {
	clearEnv(t)
	t.Setenv("PORTFOLIO_NOTIFY_URL", "https://hooks.example.com/T0/s3cr3t,ntfy://user:s3cr3t@ntfy.example.com/topic")
	help := runCLI(t, "--help")
	if strings.Contains(help, "s3cr3t") || !strings.Contains(help, "https://hooks.example.com/…,ntfy://…") {
		t.Errorf("--help shows a secret or no redacted default:\n%s", help)
	}
}
