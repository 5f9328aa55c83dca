package web

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// testOptions is a page whose every field holds markup, as a hostile or
// merely unlucky portfolio text might.
func testOptions(healthy *atomic.Bool) Options {
	return Options{
		Healthy: healthy.Load,
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "# metrics here\nfake_total 1\n")
		}),
		Name:        "Pragya <b>Mugale</b>",
		SSHCommand:  "ssh portfolio.example.com",
		Fingerprint: "SHA256:abc+def/ghi",
		KnownHosts:  "portfolio.example.com ssh-ed25519 AAAAC3Nza<x>",
		SSHFP:       []string{"portfolio.example.com. IN SSHFP 4 2 00ff", "second <record>"},
		Text:        "System Architecture\n<script>alert(1)</script>\nA & B \"quoted\"",
	}
}

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestHealthz(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	h := Handler(testOptions(&healthy))

	rec := get(t, h, http.MethodGet, "/healthz")
	if rec.Code != http.StatusOK {
		t.Errorf("healthy: GET /healthz = %d, want 200", rec.Code)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}

	// The answer follows Healthy on every request, not once at start.
	healthy.Store(false)
	rec = get(t, h, http.MethodGet, "/healthz")
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("stopping: GET /healthz = %d, want 503", rec.Code)
	}
	healthy.Store(true)
	if rec = get(t, h, http.MethodGet, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthy again: GET /healthz = %d, want 200", rec.Code)
	}
}

func TestMetricsMounted(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	rec := get(t, Handler(testOptions(&healthy)), http.MethodGet, "/metrics")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "fake_total 1") {
		t.Errorf("GET /metrics = %d %q, want the Metrics handler's output", rec.Code, rec.Body.String())
	}

	// Without a Metrics handler there is no /metrics (and no panic).
	o := testOptions(&healthy)
	o.Metrics = nil
	if rec := get(t, Handler(o), http.MethodGet, "/metrics"); rec.Code != http.StatusNotFound {
		t.Errorf("no Metrics handler: GET /metrics = %d, want 404", rec.Code)
	}
}

func TestPageEscapesEverything(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	o := testOptions(&healthy)
	rec := get(t, Handler(o), http.MethodGet, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", rec.Code)
	}
	body := rec.Body.String()

	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(ct, "utf-8") {
		t.Errorf("Content-Type = %q, want text/html; charset=utf-8", ct)
	}
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'none' and no scripts", csp)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}

	for _, raw := range []string{"<script", "<b>Mugale", "<x>", "<record>"} {
		if strings.Contains(body, raw) {
			t.Errorf("page holds raw %q:\n%s", raw, body)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "A &amp; B"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	// Every field is on the page (escaped: html/template also escapes
	// "+" and quotes, so compare after unescaping).
	plain := html.UnescapeString(body)
	for _, want := range append([]string{o.Name, o.SSHCommand, o.Fingerprint, o.KnownHosts}, o.SSHFP...) {
		if !strings.Contains(plain, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	// The text block, unescaped, is exactly the text given.
	_, after, ok := strings.Cut(body, "<h2>The portfolio, as text</h2>\n<pre>")
	text, _, ok2 := strings.Cut(after, "</pre>")
	if !ok || !ok2 {
		t.Fatalf("no text block in the page:\n%s", body)
	}
	if got := html.UnescapeString(text); got != o.Text {
		t.Errorf("text block = %q, want %q", got, o.Text)
	}
}

func TestUnknownPathAndMethods(t *testing.T) {
	var healthy atomic.Bool
	healthy.Store(true)
	h := Handler(testOptions(&healthy))
	for _, p := range []string{"/nope", "/index.html", "/healthz/x", "/metrics/x"} {
		if rec := get(t, h, http.MethodGet, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	for _, p := range []string{"/", "/healthz", "/metrics"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			rec := get(t, h, m, p)
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s = %d, want 405", m, p, rec.Code)
			}
			if allow := rec.Header().Get("Allow"); !strings.Contains(allow, "GET") {
				t.Errorf("%s %s: Allow = %q, want GET", m, p, allow)
			}
		}
		// HEAD comes with GET in net/http's mux; it must not be refused.
		if rec := get(t, h, http.MethodHead, p); rec.Code != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", p, rec.Code)
		}
	}
}
