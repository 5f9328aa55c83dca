package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
)

// TestLoadContentRunsCheck: at start the server runs `portfolio check`'s
// checks: errors refuse the content, each at its file and line; warnings
// are logged, each once.
func TestLoadContentRunsCheck(t *testing.T) {
	dir := t.TempDir()
	if _, err := content.Init(dir, content.InitValues{Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	pf, err := LoadContent(dir, log.New(&logs))
	if err != nil || pf.Profile.Name != "Ada" {
		t.Fatalf("LoadContent = %v, %v", pf, err)
	}
	r := content.Check(dir)
	if len(r.Warnings) == 0 {
		t.Fatal("init's folder has no warnings to log")
	}
	for _, w := range r.Warnings {
		if n := strings.Count(logs.String(), w.String()); n != 1 {
			t.Errorf("warning %q logged %d times:\n%s", w, n, logs.String())
		}
	}

	if err := os.WriteFile(filepath.Join(dir, "skills.yaml"), []byte("areas: [A]\ngroups:\n  - name: G\n    areas: [B]\n    items: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadContent(dir, log.New(&logs))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "skills.yaml")+":4: ") {
		t.Errorf("bad content: %v, want an error at skills.yaml:4", err)
	}
}
