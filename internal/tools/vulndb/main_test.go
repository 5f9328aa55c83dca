package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/testkit"
)

// TestBuildLayout: the index govulncheck's v1 client reads, with the fixed
// versions its own index would compute, and each record kept as it is but
// for a "modified" time where it had none.
func TestBuildLayout(t *testing.T) {
	out := t.TempDir()
	when := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
	n, err := build("testdata/osv", out, when)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("build counted %d records, want 2", n)
	}

	var db dbMeta
	readJSON(t, filepath.Join(out, "index", "db.json"), &db)
	if want := time.Date(2099, 1, 2, 3, 4, 5, 0, time.UTC); !db.Modified.Equal(want) {
		t.Errorf("db modified %v, want the newest record's %v", db.Modified, want)
	}

	var modules []moduleMeta
	readJSON(t, filepath.Join(out, "index", "modules.json"), &modules)
	got := map[string]moduleVuln{}
	var paths []string
	for _, m := range modules {
		paths = append(paths, m.Path)
		for _, v := range m.Vulns {
			got[m.Path+" "+v.ID] = v
		}
	}
	if strings.Join(paths, ",") != "example.com/fixed,example.com/reopened,stdlib" {
		t.Errorf("modules %v, want sorted example.com/fixed, example.com/reopened, stdlib", paths)
	}
	for key, fixed := range map[string]string{
		"example.com/fixed GO-2099-0001":    "1.3.4",
		"example.com/reopened GO-2099-0001": "", // reintroduced after its fix: open
		"stdlib GO-2099-0002":               "1.27.3",
	} {
		v, ok := got[key]
		if !ok {
			t.Errorf("index lacks %s", key)
			continue
		}
		if v.Fixed != fixed {
			t.Errorf("%s fixed %q, want %q", key, v.Fixed, fixed)
		}
	}
	if v := got["example.com/fixed GO-2099-0001"]; !v.Modified.Equal(when) {
		t.Errorf("a record without a time got %v, want -modified's %v", v.Modified, when)
	}

	var rec map[string]any
	readJSON(t, filepath.Join(out, "ID", "GO-2099-0001.json"), &rec)
	if rec["modified"] != "2026-11-05T23:49:57Z" || rec["summary"] != "A made-up record for the layout test" {
		t.Errorf("record rewritten wrongly: modified %v, summary %v", rec["modified"], rec["summary"])
	}
	kept, err := os.ReadFile(filepath.Join(out, "ID", "GO-2099-0002.json"))
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile("testdata/osv/GO-2099-0002.json")
	if string(kept) != string(orig) {
		t.Error("a record that had its own time was not copied byte for byte")
	}
}

// TestBuildRefusesMismatchedName: a file whose name isn't its record's id
// would be looked up under the wrong name; refuse it.
func TestBuildRefusesMismatchedName(t *testing.T) {
	src := t.TempDir()
	data, err := os.ReadFile("testdata/osv/GO-2099-0001.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "GO-2099-9999.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := build(src, t.TempDir(), time.Now()); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("build = %v, want a mismatch error", err)
	}
}

// TestVulncheckFailsOnVulnerableModule: scripts/vulncheck fails a binary
// that reaches a known vulnerability (goldmark v1.7.8's HTML renderer,
// GO-2026-5320), so the check in .ci/run can fail. It downloads govulncheck,
// the database module and goldmark v1.7.8 from the module proxy: a slow
// test, run by .ci/run.
func TestVulncheckFailsOnVulnerableModule(t *testing.T) {
	testkit.Slow(t, "downloads govulncheck, the vulnerability database and an old goldmark from the module proxy")
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/vulnerable\n\ngo 1.27\n\nrequire github.com/yuin/goldmark v1.7.8\n")
	write("main.go", `package main

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark"
)

func main() {
	var out bytes.Buffer
	_ = goldmark.Convert([]byte("[a link](https://example.com) <https://example.com> ![img](x.png)"), &out)
	fmt.Print(out.String())
}
`)
	env := append(os.Environ(), "GOTOOLCHAIN=go1.27.3", "GOFLAGS=-mod=mod")
	run := func(dir string, name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(mod, "go", "mod", "tidy"); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	bin := filepath.Join(mod, "vulnerable")
	if out, err := run(mod, "go", "build", "-o", bin, "."); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := run(root, filepath.Join(root, "scripts", "vulncheck"), bin)
	if err == nil {
		t.Fatalf("scripts/vulncheck passed a binary with goldmark v1.7.8:\n%s", out)
	}
	if !strings.Contains(out, "GO-2026-5320") {
		t.Fatalf("scripts/vulncheck failed without naming GO-2026-5320:\n%s", out)
	}
	t.Logf("scripts/vulncheck refused the vulnerable binary as it should:\n%s", lastLines(out, 12))
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
