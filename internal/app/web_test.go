package app

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/stats/statstest"
)

// TestWebContactStored posts the web page's form to a running server: the
// message goes through the same inbox as the SSH form, its record says it
// came from the web, and the metrics count it.
func TestWebContactStored(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })

	form := url.Values{"name": {"Lê Thị 語"}, "reply_to": {"le@example.com"}, "message": {"Xin chào 👋 from the web"}}
	req, err := http.NewRequest(http.MethodPost, ts.url("/contact"), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+ts.HTTPAddr().String())
	client := &http.Client{Transport: httpClient.Transport, Timeout: httpClient.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/contact/sent?id=") {
		t.Fatalf("POST /contact = %d, Location %q; want a redirect to the thank-you page", resp.StatusCode, resp.Header.Get("Location"))
	}
	msgs, _, err := filestore.ReadAll(dataDir)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("stored %d messages (%v), want 1", len(msgs), err)
	}
	m := msgs[0]
	if m.Via != inbox.ViaWeb || m.Remote != "127.0.0.1" || m.Name != "Lê Thị 語" || m.Message != "Xin chào 👋 from the web" || !m.Valid() {
		t.Errorf("stored %+v", m)
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_messages_stored_total"); v != 1 {
		t.Errorf("portfolio_messages_stored_total = %v, want 1", v)
	}
}

// TestWebVisitStatistics: pages of the web portfolio and the live terminal
// count in the visitor statistics, each on its own channel; assets,
// health checks and metrics don't.
func TestWebVisitStatistics(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	for _, p := range []string{"/", "/projects/notelytix", "/healthz", "/contact"} {
		if code, _, _ := ts.httpGet(t, p); code != http.StatusOK {
			t.Fatalf("GET %s = %d", p, code)
		}
	}
	c := dialTerminal(t, ts, "")
	// The visit is counted once it starts, after the socket's admission
	// on the server's goroutine: wait for it (closing at once raced it,
	// and an active count of 0 held before the socket was admitted).
	if !eventually(waitTimeout, func() bool { return today(t, ts).ByChannel["web_terminal"] == 1 }) {
		t.Fatal("the terminal's visit was never counted")
	}
	c.CloseNow()
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 0 })
	d := today(t, ts)
	if d.ByChannel["web"] != 2 || d.ByChannel["web_terminal"] != 1 || d.Views["projects/notelytix"] != 1 {
		t.Errorf("by channel %v, views %v; want 2 web visits, 1 in the terminal, 1 view of the case study", d.ByChannel, d.Views)
	}
}

// TestCountWebVisit: a web page view counts once per request as a web
// visit, one unique visitor for one address and browser, with no client
// bucket; neither the address nor the User-Agent reaches the files.
func TestCountWebVisit(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })
	for range 2 {
		req, err := http.NewRequest("GET", ts.url("/"), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", "Mozilla/5.0")
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / = %d", resp.StatusCode)
		}
	}
	if d := today(t, ts); d.ByChannel["web"] != 2 || d.UniqueVisitors != 1 || len(d.Clients) != 0 {
		t.Errorf("web visits %v unique %d clients %v; want 2, 1, none", d.ByChannel, d.UniqueVisitors, d.Clients)
	}
	if err := ts.stats.Flush(); err != nil {
		t.Fatal(err)
	}
	statstest.RequireAbsent(t, filepath.Join(dataDir, stats.DirName), "127.0.0.1", "Mozilla")
}

// TestUniqueVisitorsIgnoreUserAgent: 5,000 GETs of the page from one
// address, each with another User-Agent, are one unique visitor (on main,
// portfolio_unique_visitors_total rose by 5,000): visitors are told apart
// by address, the client software is no part of it.
func TestUniqueVisitorsIgnoreUserAgent(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, withHTTP)
	client := &http.Client{Timeout: 5 * time.Second} // keep-alive: one connection for the lot
	defer client.CloseIdleConnections()
	const n = 5000
	deadline := time.Now().Add(2 * time.Minute)
	for i := range n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d GETs within 2 minutes", i, n)
		}
		req, err := http.NewRequest("GET", ts.url("/"), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d) Gecko/20100101 Firefox/%d", i, i))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %d = %d", i, resp.StatusCode)
		}
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_unique_visitors_total"); v != 1 {
		t.Errorf("portfolio_unique_visitors_total = %v after %d GETs with different User-Agents from one address; want 1", v, n)
	}
	if d := today(t, ts); d.ByChannel["web"] != n || d.UniqueVisitors != 1 {
		t.Errorf("web visits %d, unique %d; want %d, 1", d.ByChannel["web"], d.UniqueVisitors, n)
	}
}
