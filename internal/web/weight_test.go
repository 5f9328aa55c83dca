package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// maxPageWeight is the budget for / (HTML and CSS, gzipped, without the
// terminal's assets): issue 14's target.
const maxPageWeight = 30 << 10

// TestPageWeight measures / as a browser fetches it (gzip accepted) and
// holds it to the budget. Run with -v for the table in BENCHMARKS.md.
func TestPageWeight(t *testing.T) {
	e := newEnv(t, 5, nil)
	fetch := func(path string) (raw, gz int) {
		raw = e.get(t, path).Body.Len()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := e.do(t, req)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s with gzip = %d, Content-Encoding %q", path, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		return raw, rec.Body.Len()
	}
	home := e.get(t, "/").Body.String()
	css := regexp.MustCompile(`href="(/assets/site\.[0-9a-f]+\.css)"`).FindStringSubmatch(home)
	js := regexp.MustCompile(`src="(/assets/copy\.[0-9a-f]+\.js)"`).FindStringSubmatch(home)
	if css == nil || js == nil {
		t.Fatal("page names no stylesheet or script")
	}
	htmlRaw, htmlGz := fetch("/")
	cssRaw, cssGz := fetch(css[1])
	jsRaw, jsGz := fetch(js[1])
	t.Logf("| / (HTML) | %d | %d |", htmlRaw, htmlGz)
	t.Logf("| stylesheet | %d | %d |", cssRaw, cssGz)
	t.Logf("| HTML + CSS | %d | %d |", htmlRaw+cssRaw, htmlGz+cssGz)
	t.Logf("| copy script (optional) | %d | %d |", jsRaw, jsGz)
	if total := htmlGz + cssGz; total > maxPageWeight {
		t.Errorf("/ weighs %d bytes gzipped (HTML + CSS), over the %d-byte budget", total, maxPageWeight)
	}
}

// BenchmarkHome serves / (pre-rendered and pre-gzipped at start-up).
func BenchmarkHome(b *testing.B) {
	e := newEnv(b, 5, nil)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for b.Loop() {
		e.h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
