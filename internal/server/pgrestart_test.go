package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// TestFirstSendAfterRestartThroughEveryChannel: two servers on one
// PostgreSQL; the database restarts (pg_ctl -w: ready when it returns);
// the first message through the server that was idle all along is stored,
// through the terminal form, a piped contact and the web form alike. (Its
// pooled connections had died with the old database, and the first send
// after each restart was refused with "try again later".)
func TestFirstSendAfterRestartThroughEveryChannel(t *testing.T) {
	url0 := pgtest.URL(t)
	start := func() *testServer {
		return startCmdServer(t, func(c *Config) { c.DatabaseURL, c.HTTPAddr = url0, "127.0.0.1:0" })
	}
	busy, idle := start(), start()
	piped := func(ts *testServer, text string) cmdResult {
		c, _ := dial(t, ts.addr, "visitor", noAuth())
		return execCmd(t, c, "contact --name Zoë --reply-to zoe@example.com", cmdOpts{stdin: strings.NewReader(text + "\n")})
	}
	web := func(ts *testServer, text string) (int, string) {
		form := url.Values{"name": {"Zoë"}, "reply_to": {"zoe@example.com"}, "message": {text}}
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
		return resp.StatusCode, resp.Header.Get("Location")
	}
	// Both servers have pooled connections, then the idle one rests.
	for i, ts := range []*testServer{busy, idle, busy, idle} {
		if r := piped(ts, "before "+string(rune('a'+i))); r.code != 0 {
			t.Fatalf("contact before the restart: exit %d, %q", r.code, r.stderr)
		}
	}
	vt := openVTerm(t, idle, noAuth()) // the form's session, open through the restart
	vt.openForm()

	restart := func() { pgtest.Away(t)() }

	restart()
	if r := piped(idle, "piped, first after the restart"); r.code != 0 {
		t.Errorf("piped contact, first after the restart: exit %d, %q", r.code, r.stderr)
	}

	restart()
	vt.fill("Zoë", "zoe@example.com", "terminal form, first after the restart")
	vt.send(keyCtrlS)
	var scr string
	eventually(waitTimeout, func() bool {
		scr = vt.screen()
		return strings.Contains(scr, "✓ Sent") || strings.Contains(scr, "try again")
	})
	if !strings.Contains(scr, "✓ Sent") {
		t.Errorf("terminal form, first after the restart:\n%s", scr)
	}

	restart()
	if code, loc := web(idle, "web form, first after the restart"); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/contact/sent?id=") {
		t.Errorf("web form, first after the restart: %d, Location %q", code, loc)
	}
}
