package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/content"
)

// TestThemeInCSS: the content's own accents (theme.yaml) are the web
// page's, as they are the terminal's: the stylesheet is filled from the
// content's palette.
func TestThemeInCSS(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"profile.md", "skills.yaml", "contact.md", "projects/lighthouse.md"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "content", "testdata", "other-owner", name))
		if err != nil {
			t.Fatal(err)
		}
		_ = os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	theme := "accent:\n  dark: \"#FF8800\"\n  light: \"#A03000\"\n"
	if err := os.WriteFile(filepath.Join(dir, "theme.yaml"), []byte(theme), 0o644); err != nil {
		t.Fatal(err)
	}
	pf, err := content.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, 5, func(o *Options) { o.Portfolio = pf })
	css := regexp.MustCompile(`"(/assets/site\.[^"]+\.css)"`).FindStringSubmatch(e.get(t, "/").Body.String())
	if css == nil {
		t.Fatal("no stylesheet on the page")
	}
	body := e.get(t, css[1]).Body.String()
	for _, want := range []string{"--accent:#A03000;", "--accent:#FF8800;"} {
		if !strings.Contains(body, want) {
			t.Errorf("stylesheet lacks %q", want)
		}
	}
	if strings.Contains(body, "#B794F6") || strings.Contains(body, "#6B32C8") {
		t.Error("stylesheet still has the built-in accent")
	}
}
