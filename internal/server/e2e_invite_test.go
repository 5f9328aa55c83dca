package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/internal/browsertest"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
)

// hookRecorder is a --notify-url webhook stand-in that keeps every body.
type hookRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func newHookRecorder(t *testing.T) (*hookRecorder, string) {
	h := &hookRecorder{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return h, "http://" + ln.Addr().String() + "/hook"
}

// count is how many bodies contain every one of substrs.
func (h *hookRecorder) count(substrs ...string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
next:
	for _, b := range h.bodies {
		for _, s := range substrs {
			if !strings.Contains(b, s) {
				continue next
			}
		}
		n++
	}
	return n
}

// stepClock is a clock that moves on by step at every reading: every page
// seen is read for step, with no test waiting for it.
func stepClock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(step)
		return t
	}
}

// showInvitation is `portfolio invite show CODE --json`, the command both
// the machine and the owner's SSH run, on the server's store.
func showInvitation(t *testing.T, ts *testServer, code string) invite.JSONView {
	t.Helper()
	var out, errOut bytes.Buffer
	if rc := invite.Command(context.Background(), invite.Env{Store: ts.core.Store().Invitations(), Stdout: &out, Stderr: &errOut},
		[]string{"show", code, "--json"}); rc != 0 {
		t.Fatalf("invite show: exit %d: %s", rc, errOut.String())
	}
	var v invite.JSONView
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("invite show --json: %v\n%s", err, out.String())
	}
	return v
}

// TestInvitationEndToEnd: the owner creates an invitation over SSH with
// their key (a visitor's key is refused); it is opened with the real
// OpenSSH client (the code as the user name: the greeting and the
// personal-link line show, a case study is read) and in chromium (the
// code in the path through the visit: a case study, the contact form, a
// message); `invite show --json` reports both channels, the visits, the
// reads with their time and the message; the owner is notified once of
// the first open and once of the message, which carries the label; and
// nothing about the visitor (address, key) is stored, nor the code
// logged or in /metrics. An unknown code and a revoked one get the
// ordinary portfolio, with nothing recorded.
func TestInvitationEndToEnd(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	hook, hookURL := newHookRecorder(t)
	ownerAuth, ownerPub := keyAuth(t)
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.SessionRate = 0
		c.NotifyURL = hookURL
		c.OwnerKeys = writeOwnerKeys(t, ownerPub)
	})
	ts.core.Invites.SetClock(stepClock(90 * time.Second))
	const label = "Acme — Staff Backend"

	// Created over SSH by the owner; refused to anyone else.
	visitor, _ := dial(t, ts.addr, "visitor", noAuth())
	if r := execCmd(t, visitor, `invite list`, cmdOpts{}); r.code != 1 || !strings.Contains(r.stderr, "only the owner") {
		t.Errorf("a visitor's invite list: exit %d, stderr %q", r.code, r.stderr)
	}
	owner, _ := dial(t, ts.addr, "owner", ownerAuth)
	r := execCmd(t, owner, `invite add "`+label+`" --greeting "Hello Acme team" --json`, cmdOpts{})
	if r.code != 0 {
		t.Fatalf("invite add: exit %d, stderr %q", r.code, r.stderr)
	}
	var created struct {
		invite.JSONView
		PasteText string `json:"paste_text"`
		PasteHTML string `json:"paste_html"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil {
		t.Fatalf("invite add --json: %v\n%s", err, r.stdout)
	}
	code := created.Code
	if !invite.ValidCode(code) || !strings.Contains(created.SSH, code+"@") || !strings.HasSuffix(created.Web, "/i/"+code) ||
		!strings.Contains(created.PasteText, ts.core.HostKey.Fingerprint) || !strings.Contains(created.PasteHTML, `href="`+created.Web+`"`) {
		t.Fatalf("invite add printed %+v", created)
	}

	// Over SSH, the code as the user name.
	x, waitExit := visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 100, height: 30, user: code})
	x.waitScreen("Hello Acme team", "This link is personal")
	x.keys("3")
	x.waitScreen("[3 Projects]", "NoteLytix")
	x.keys("Enter")
	x.waitScreen("Goal", "System Architecture")
	x.keys("2")
	x.waitScreen("Programming Languages")
	x.keys("q")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Errorf("ssh: %s", exit)
	}
	if !eventually(waitTimeout, func() bool { return hook.count("invitation_opened", "over SSH") == 1 }) {
		t.Fatalf("no notification of the first open; got %q", hook.bodies)
	}
	ts.core.Invites.Wait()
	v := showInvitation(t, ts, code)
	if v.FirstOpened == nil || v.FirstChannel != invite.ChannelSSH || v.Visits != 1 {
		t.Errorf("after the SSH visit: %+v", v.Invitation)
	}
	if read := readOf(v.Reads, "projects/notelytix"); read.Seconds != 90 {
		t.Errorf("NoteLytix read for %d s over SSH, want 90 (reads %+v)", read.Seconds, v.Reads)
	}

	// In chromium, the code in the path through the visit.
	ctx := browsertest.New(t, 1024, 900)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url("/i/"+code)), chromedp.WaitVisible("p.greeting")); err != nil {
		t.Fatal(err)
	}
	greeting, err := chromedp.Run(ctx, chromedp.Text("p.greeting"))
	if err != nil || greeting != "Hello Acme team" {
		t.Errorf("web greeting %q (%v)", greeting, err)
	}
	if personal, err := chromedp.Run(ctx, chromedp.Text("p.personal")); err != nil || !strings.Contains(personal, "This link is personal") {
		t.Errorf("web personal line %q (%v)", personal, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`a[href="/i/`+code+`/projects/notelytix"]`),
		chromedp.WaitVisible("h1"),
		chromedp.Click(`a[href="/i/`+code+`/contact"]`),
		chromedp.WaitVisible("#f-name"),
		chromedp.SendKeys("#f-name", "Ana Recruiter"),
		chromedp.SendKeys("#f-reply", "ana@acme.example"),
		chromedp.SendKeys("#f-message", "Loved the NoteLytix write-up — shall we talk?"),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible(`[role="status"]`),
	); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || loc != "/i/"+code+"/contact/sent" {
		t.Errorf("the thank-you page is at %q (%v), want under the invitation", loc, err)
	}
	if !eventually(waitTimeout, func() bool {
		return hook.count(`"invitation":"`+label+`"`, "Ana Recruiter", `"read":"read NoteLytix - Real-time AI Meeting Assistant `) == 1
	}) {
		t.Fatalf("no notification of the message with its label; got %q", hook.bodies)
	}
	ts.core.Invites.Wait()
	v = showInvitation(t, ts, code)
	if v.Visits != 2 || v.Messages != 1 || v.FirstChannel != invite.ChannelSSH {
		t.Errorf("after the web visit: %+v", v.Invitation)
	}
	if read := readOf(v.Reads, "projects/notelytix"); read.Views != 2 || read.Seconds != 180 {
		t.Errorf("NoteLytix over both channels: %+v, want 2 views, 180 s", read)
	}
	if n := hook.count("invitation_opened"); n != 1 {
		t.Errorf("%d notifications of a first open, want 1", n)
	}

	// Nothing about the visitor is stored: the message keeps no address
	// or key, the invitations' file neither.
	var m struct{ Remote, Fingerprint, Invitation string }
	if err := ts.core.Store().All(context.Background(), func(msg inboxMessage, _ inboxState) error {
		m.Remote, m.Fingerprint, m.Invitation = msg.Remote, msg.Fingerprint, msg.Invitation
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if m.Invitation != label || m.Remote != "" || m.Fingerprint != "" {
		t.Errorf("the stored message: %+v, want the label and no address or key", m)
	}
	raw, err := os.ReadFile(filepath.Join(ts.core.Config.DataDir, invite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("127.0.0.1")) || bytes.Contains(raw, []byte("SHA256:")) {
		t.Errorf("the invitations' file holds an address or a key:\n%s", raw)
	}

	// An unknown code and a revoked one: the ordinary portfolio, nothing
	// recorded.
	if r := execCmd(t, owner, `invite revoke `+code, cmdOpts{}); r.code != 0 {
		t.Fatalf("invite revoke: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, c := range []string{code, strings.Repeat("a", invite.CodeLen)} {
		x, waitExit := visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 100, height: 30, user: c})
		screen := x.waitScreen("1 About", "4 Contact")
		if strings.Contains(screen, "Hello Acme team") || strings.Contains(screen, "personal") {
			t.Errorf("code %s… got the invitation's screen:\n%s", c[:4], screen)
		}
		x.keys("q")
		waitExit()
		_, _, body := ts.httpGet(t, "/i/"+c)
		if strings.Contains(body, "Hello Acme team") || strings.Contains(body, "This link is personal") {
			t.Errorf("web /i/%s… shows the invitation", c[:4])
		}
	}
	ts.core.Invites.Wait()
	if after := showInvitation(t, ts, code); after.Visits != 2 {
		t.Errorf("a revoked code was counted: %d visits", after.Visits)
	}

	// The code is in no log line and no metric.
	_, _, metrics := ts.httpGet(t, "/metrics")
	if strings.Contains(metrics, code) {
		t.Error("/metrics holds the code")
	}
	if logs := ts.logs.String(); strings.Contains(logs, code) {
		t.Errorf("the log holds the code:\n%s", logLine(logs, code))
	}
}

func readOf(reads []invite.Read, page string) invite.Read {
	for _, r := range reads {
		if r.Page == page {
			return r
		}
	}
	return invite.Read{}
}

type (
	inboxMessage = inbox.Message
	inboxState   = inbox.MessageState
)
