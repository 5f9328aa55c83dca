package server

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// The text of these tests: a family emoji (a ZWJ sequence) and a Persian
// word written with a ZERO WIDTH NON-JOINER. Both come apart if the
// joiners are dropped.
const (
	e2eFamily  = "👨\u200d👩\u200d👧"
	e2ePersian = "کتاب\u200cها"
)

// TestEndToEndTextArrivesAsWritten: a message piped to `ssh host contact`
// by the real OpenSSH client is stored as the visitor wrote it.
func TestEndToEndTextArrivesAsWritten(t *testing.T) {
	requireTools(t, "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	body := e2ePersian + " " + e2eFamily + "\nसंयुक्त क्\u200dष"
	_, stderr, code := runOpenSSH(t, port, knownHosts, strings.NewReader(body+"\n"), nil,
		"contact", "--name", "'"+e2eFamily+" Fam'", "--reply-to", "@fam")
	if code != 0 {
		t.Fatalf("exit %d; stderr %q", code, stderr)
	}
	msgs := storedMessages(t, ts)
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored, want 1", len(msgs))
	}
	if m := msgs[0]; m.Name != e2eFamily+" Fam" || m.Message != body {
		t.Errorf("stored name %q, message %q; want %q, %q", m.Name, m.Message, e2eFamily+" Fam", body)
	}
}

// TestWebContactTextArrivesAsWritten: the same through the web form.
func TestWebContactTextArrivesAsWritten(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })
	body := e2ePersian + " " + e2eFamily
	form := url.Values{"name": {e2eFamily + " Fam"}, "reply_to": {"@fam"}, "message": {body}}
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
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /contact = %d, want a redirect to the thank-you page", resp.StatusCode)
	}
	msgs, _, err := filestore.ReadAll(dataDir)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("stored %d messages (%v), want 1", len(msgs), err)
	}
	if m := msgs[0]; m.Name != e2eFamily+" Fam" || m.Message != body {
		t.Errorf("stored name %q, message %q; want %q, %q", m.Name, m.Message, e2eFamily+" Fam", body)
	}
}

// TestEndToEndReplyToRule: over the real OpenSSH client, piped contact
// refuses a reply-to the owner can't reply to, saying what was expected,
// and stores nothing.
func TestEndToEndReplyToRule(t *testing.T) {
	requireTools(t, "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	for bad, reason := range map[string]string{
		"x":                     "expected an email address, an @handle or an https:// link",
		"jane@gmail":            "the email address needs a full domain",
		"'javascript:alert(1)'": "expected an email address, an @handle or an https:// link",
		"'<script>'":            "expected an email address, an @handle or an https:// link",
	} {
		out, stderr, code := runOpenSSH(t, port, knownHosts, strings.NewReader("hi\n"), nil,
			"contact", "--name", "Jane", "--reply-to", bad)
		if code == 0 || out != "" || !strings.Contains(stderr, "--reply-to: "+reason) {
			t.Errorf("reply-to %s: exit %d, stdout %q, stderr %q; want a refusal saying %q", bad, code, out, stderr, reason)
		}
	}
	if msgs := storedMessages(t, ts); len(msgs) != 0 {
		t.Errorf("%d messages stored, want none", len(msgs))
	}
}

// TestContactFormTextArrivesAsWritten: typed into the terminal form over
// SSH (the server's own input decoder, the form, the inbox), a family
// emoji and a Persian word with a ZWNJ are stored as written.
func TestContactFormTextArrivesAsWritten(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	body := e2ePersian + " " + e2eFamily
	vt.fill(e2eFamily+" Fam", "@fam", body)
	vt.waitScreen("┃ @fam")
	vt.send(keyCtrlS)
	vt.waitScreen("✓ Sent: message")
	msgs := readMessages(t, ts.cfg.DataDir)
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored, want 1", len(msgs))
	}
	if m := msgs[0]; m.Name != e2eFamily+" Fam" || m.Message != body {
		t.Errorf("stored name %q, message %q; want %q, %q", m.Name, m.Message, e2eFamily+" Fam", body)
	}
}
