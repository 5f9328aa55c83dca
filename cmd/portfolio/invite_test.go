package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// TestInviteCommand: portfolio invite add|list|show|revoke on the data
// directory and on PostgreSQL (--database-url): the links use
// --public-addr, the paste block has both links and the host key's
// fingerprint, and --json reports what was seen.
func TestInviteCommand(t *testing.T) {
	for name, store := range map[string]func(t *testing.T) []string{
		"data-dir":     func(t *testing.T) []string { return []string{"--data-dir", t.TempDir()} },
		"database-url": func(t *testing.T) []string { return []string{"--database-url", pgtest.URL(t)} },
	} {
		t.Run(name, func(t *testing.T) {
			st := append(store(t), "--public-addr", "portfolio.example.com:2222", "--host-key-dir", t.TempDir())
			run := func(args ...string) string {
				t.Helper()
				out, errOut, err := runInbox(t, append(append([]string{"invite"}, args...), st...)...)
				if err != nil {
					t.Fatalf("portfolio invite %s: %v\n%s", strings.Join(args, " "), err, errOut)
				}
				return out
			}
			out := run("add", "Acme — Staff Backend", "--greeting", "Hello Acme team")
			for _, want := range []string{"ssh -p 2222 ", "@portfolio.example.com", "https://portfolio.example.com/i/", "To paste (HTML)", "<a href="} {
				if !strings.Contains(out, want) {
					t.Errorf("invite add: no %q in\n%s", want, out)
				}
			}
			var list []invite.JSONView
			if err := json.Unmarshal([]byte(run("list", "--json")), &list); err != nil || len(list) != 1 {
				t.Fatalf("invite list --json: %v %+v", err, list)
			}
			code := list[0].Code
			var shown invite.JSONView
			if err := json.Unmarshal([]byte(run("show", "acme — staff backend", "--json")), &shown); err != nil ||
				shown.Code != code || shown.Greeting != "Hello Acme team" || shown.SSH != "ssh -p 2222 "+code+"@portfolio.example.com" {
				t.Errorf("invite show --json: %v %+v", err, shown)
			}
			if out := run("revoke", code[:6]); !strings.Contains(out, "revoked") {
				t.Errorf("invite revoke: %s", out)
			}
			if out := run("list"); !strings.Contains(out, "revoked") {
				t.Errorf("invite list after revoking: %s", out)
			}
		})
	}
}
