package browsertest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestVendoredAxe checks the embedded axe-core against the checksum
// update.sh recorded when it fetched it from npm, with its integrity.
func TestVendoredAxe(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("vendor", "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^axe-core@[0-9.]+  sha512-`).Match(b) {
		t.Error("MANIFEST pins no axe-core with its integrity")
	}
	checked := false
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		name, sum, ok := strings.Cut(sc.Text(), "  ")
		if ok && name == "axe.min.js" {
			h := sha256.Sum256([]byte(axeSource))
			if got := hex.EncodeToString(h[:]); got != sum {
				t.Errorf("axe.min.js: sha256 %s, MANIFEST says %s (run vendor/update.sh)", got, sum)
			}
			checked = true
		}
	}
	if !checked {
		t.Error("MANIFEST lists no axe.min.js")
	}
}

// TestAxeFindsViolations: axe-core runs under a strict CSP and reports
// what it should (an image without a text alternative), and nothing on a
// clean page.
func TestAxeFindsViolations(t *testing.T) {
	ctx := New(t, 800, 600)
	bad := `data:text/html,<!doctype html><html lang="en"><head><title>t</title><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head><body><main><h1>t</h1><img src="x.png"></main></body></html>`
	if err := chromedp.Do(ctx, chromedp.Navigate(bad)); err != nil {
		t.Fatal(err)
	}
	vs, err := AxeViolations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 || !strings.HasPrefix(strings.Join(vs, "\n"), "image-alt") {
		t.Errorf("violations %q, want image-alt", vs)
	}
	good := `data:text/html,<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1><p>ok</p></main></body></html>`
	if err := chromedp.Do(ctx, chromedp.Navigate(good)); err != nil {
		t.Fatal(err)
	}
	NoAxeViolations(t, ctx, "a clean page")
}
