package web

import (
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWebDoesNotDependOnUI: the web page takes its colours from package
// theme and depends on no part of the terminal UI, directly or through
// another of the module's packages (what `go list -deps ./web | grep /ui`
// checks).
func TestWebDoesNotDependOnUI(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var mod string
	for _, l := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "module" {
			mod = strings.Trim(f[1], `"`)
		}
	}
	if mod == "" {
		t.Fatal("go.mod names no module")
	}
	ui := mod + "/internal/ui"
	// Depth first over the module's own packages, with the path that led
	// to each, so a failure says how web reaches ui.
	via := map[string]string{mod + "/internal/web": ""}
	stack := []string{mod + "/internal/web"}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pkg, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(p, mod)), 0)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, imp := range pkg.Imports {
			if imp != mod && !strings.HasPrefix(imp, mod+"/") {
				continue
			}
			if _, seen := via[imp]; seen {
				continue
			}
			via[imp] = p
			if imp == ui {
				chain := []string{imp}
				for q := p; q != ""; q = via[q] {
					chain = append([]string{q}, chain...)
				}
				t.Fatalf("web depends on the terminal UI: %s", strings.Join(chain, " → "))
			}
			stack = append(stack, imp)
		}
	}
}
