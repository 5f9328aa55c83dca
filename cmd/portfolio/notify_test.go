package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestHelpHidesNotifyURLSecrets: --help shows the environment's values as
// defaults, but never a notify URL's token.
func TestHelpHidesNotifyURLSecrets(t *testing.T) {
	clearEnv(t)
	t.Setenv("PORTFOLIO_NOTIFY_URL", "https://hooks.example.com/T0/s3cr3t,ntfy://user:s3cr3t@ntfy.example.com/topic")
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	if strings.Contains(help, "s3cr3t") || !strings.Contains(help, "https://hooks.example.com/…,ntfy://…") {
		t.Errorf("--help shows a secret or no redacted default:\n%s", help)
	}
}
