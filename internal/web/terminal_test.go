package web

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// withTerminal serves a stand-in socket handler, as the server passes the
// real one.
func withTerminal(o *Options) {
	o.Terminal = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
}

// TestTerminalPage: with a terminal, /terminal is the xterm.js page (every
// asset embedded and hashed), its socket is routed, and the web page
// links to it near the top; without one, none of it exists.
func TestTerminalPage(t *testing.T) {
	e := newEnv(t, 5, withTerminal)
	rec := e.get(t, "/terminal")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /terminal = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{"/assets/xterm.", "/assets/addon-fit.", "/assets/addon-web-links.", "/assets/terminal.", `id="terminal"`, `data-key="tab"`, "wants a keyboard"} {
		if !strings.Contains(body, want) {
			t.Errorf("terminal page lacks %q", want)
		}
	}
	for _, m := range regexp.MustCompile(`"(/assets/[^"]+)"`).FindAllStringSubmatch(body, -1) {
		if rec := e.get(t, m[1]); rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s = %d", m[1], rec.Code)
		}
	}
	if rec := e.get(t, "/terminal/ws"); rec.Code != http.StatusTeapot {
		t.Errorf("GET /terminal/ws = %d, want the socket handler", rec.Code)
	}
	home := html.UnescapeString(e.get(t, "/").Body.String())
	inOrder(t, home, "<h1>", `<a href="/terminal">Try the terminal version</a>`, `<section id="skills">`)
	project := e.get(t, "/projects/notelytix").Body.String()
	if !strings.Contains(project, `href="/terminal#projects/notelytix"`) {
		t.Error("case study page has no deep link into the terminal")
	}

	e = newEnv(t, 5, nil)
	for _, p := range []string{"/terminal", "/terminal/ws"} {
		if rec := e.get(t, p); rec.Code != http.StatusNotFound {
			t.Errorf("no terminal: GET %s = %d, want 404", p, rec.Code)
		}
	}
	if strings.Contains(e.get(t, "/").Body.String(), `href="/terminal"`) {
		t.Error("no terminal, but the page links to it")
	}
}

// TestVendoredFiles checks the embedded xterm.js files against the
// checksums update.sh recorded when it fetched them from npm.
func TestVendoredFiles(t *testing.T) {
	f, err := os.Open(filepath.Join("vendor", "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, sum, ok := strings.Cut(sc.Text(), "  ")
		if !ok || strings.HasPrefix(name, "#") || strings.HasPrefix(name, "@") {
			continue
		}
		b, err := staticFS.ReadFile("vendor/" + name)
		if err != nil {
			if strings.HasPrefix(name, "LICENSE") {
				continue // kept in the repository, not embedded
			}
			t.Fatalf("%s: %v", name, err)
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != sum {
			t.Errorf("%s: sha256 %s, MANIFEST says %s (run web/vendor/update.sh)", name, got, sum)
		}
		files++
	}
	if files != 4 {
		t.Errorf("checked %d vendored files, want 4", files)
	}
	for _, pkg := range []string{"@xterm/xterm@6.", "@xterm/addon-fit@", "@xterm/addon-web-links@"} {
		b, _ := os.ReadFile(filepath.Join("vendor", "MANIFEST"))
		if !regexp.MustCompile(regexp.QuoteMeta(pkg) + `[0-9.]+  sha512-`).Match(b) {
			t.Errorf("MANIFEST pins no %s with its integrity", pkg)
		}
	}
}
