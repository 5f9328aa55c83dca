package app

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/pragyamugale/portfolio/internal/pgtest"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// lockMessages holds the messages table locked (as a long migration or a
// stuck query would) until the returned function is called.
func lockMessages(t *testing.T, dbURL string) (unlock func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE messages IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			_ = tx.Rollback(ctx)
			_ = conn.Close(ctx)
		})
	}
	t.Cleanup(unlock)
	return unlock
}

// TestSlowStoreAlwaysAnswers: with the store slow (the messages table
// locked), the web form's POST gets a page, not an empty reply: "couldn't
// be saved, please try again" with the text kept in the form; the web
// terminal's form says the same and keeps the text. Once the store is
// back, sending again stores each message once. (The HTTP write timeout
// equalled the store's, and the POST got nothing at 10 s.)
func TestSlowStoreAlwaysAnswers(t *testing.T) {
	dbURL := pgtest.URL(t)
	const wait = 300 * time.Millisecond
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.DatabaseURL, c.SessionRate = dbURL, 0
	})
	ts.core.Submit.SetWait(wait)
	unlock := lockMessages(t, dbURL)

	// The web form.
	text := "Bonjour, ça va ? 👋 <b>not bold</b>"
	post := func() (int, string, error) {
		form := url.Values{"name": {"Zoë"}, "reply_to": {"zoe@example.com"}, "message": {text}}
		req, err := http.NewRequest(http.MethodPost, ts.url("/contact"), strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+ts.HTTPAddr().String())
		client := &http.Client{Transport: httpClient.Transport, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), err
	}
	code, body, err := post()
	if err != nil {
		t.Fatalf("POST /contact with the store slow: no page: %v", err)
	}
	body = html.UnescapeString(body)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "couldn't be saved") || !strings.Contains(body, "try again") {
		t.Errorf("POST /contact with the store slow = %d, want 503 with \"couldn't be saved … try again\":\n%s", code, body)
	}
	if !strings.Contains(body, text) {
		t.Errorf("the page lost the visitor's text %q:\n%s", text, body)
	}

	// The web terminal's form.
	c := dialTerminal(t, ts, "?open=contact")
	var mu sync.Mutex
	var out strings.Builder
	go func() {
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				return
			}
			mu.Lock()
			out.Write(b)
			mu.Unlock()
		}
	}()
	screen := func() string {
		mu.Lock()
		defer mu.Unlock()
		// The page's xterm.js turns a bare line feed into a new line.
		raw := strings.ReplaceAll(strings.ReplaceAll(out.String(), "\r\n", "\n"), "\n", "\r\n")
		return testkit.Emulate(raw, 100, 30)
	}
	waitFor := func(what string) string {
		t.Helper()
		var scr string
		if !eventually(waitTimeout, func() bool { scr = screen(); return strings.Contains(scr, what) }) {
			t.Fatalf("the web terminal never showed %q:\n%s", what, scr)
		}
		return scr
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	typeKeys := func(keys ...string) {
		for _, k := range keys {
			if err := c.Write(ctx, websocket.MessageBinary, []byte(k)); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitFor("Press Enter to write")
	typeKeys("\r")
	waitFor("tab next field")
	typeKeys("Zoë", "\t", "zoe@example.com", "\t", "From the browser's terminal 🖥")
	waitFor("From the browser's terminal")
	typeKeys("\x13")
	scr := waitFor("Couldn't save your message")
	if !strings.Contains(scr, "From the browser's terminal") {
		t.Errorf("the web terminal's form lost the text:\n%s", scr)
	}

	// The store is back: sending again stores each message once (the
	// abandoned writes may have landed meanwhile; the duplicate check
	// finds them).
	unlock()
	typeKeys("\x13")
	waitFor("Thanks, Zoë!") // "✓ Sent", or "✓ Already received" when the abandoned write landed
	if code, _, err := post(); err != nil || code != http.StatusSeeOther {
		t.Errorf("POST /contact with the store back = %d, %v; want the redirect to the thank-you page", code, err)
	}
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM messages").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d messages stored, want 2 (each once)", n)
	}
}
