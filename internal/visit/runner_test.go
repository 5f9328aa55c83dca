package visit

import (
	"io"
	"testing"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/ui"
)

// testRunner is a runner over a file store in a scratch directory.
func testRunner(t *testing.T) (*Runner, string) {
	t.Helper()
	dir := t.TempDir()
	store, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	fs, err := stats.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := stats.New(stats.Options{Store: fs, FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pf, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	state, err := filestore.LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	logger := log.New(io.Discard)
	service := inbox.NewService(store, inbox.ServiceOptions{Logger: logger})
	return New(Config{
		Content: content.NewLive(pf),
		Logger:  logger,
		Submit:  NewSubmitter(service, st, prometheus.NewRegistry(), logger),
		Stats:   st,
		Owner:   filestore.NewMailbox(store, state),
	}), dir
}

// TestOneRunnerForBothDoors: a door tells the runner what it knows (the
// terminal type, the page, who is sending) and gets the same UI options
// either way: the form stores through the one submit path with the
// door's facts on the record, the owner alone gets the owner's pages, and
// only a visitor on the shared first screen gets the cached first frame.
func TestOneRunnerForBothDoors(t *testing.T) {
	r, dir := testRunner(t)
	about, _ := r.PageOf(nil)
	contact, ok := r.PageOf([]string{"contact"})
	if !ok || contact.Section != ui.SectionContact {
		t.Fatalf("PageOf(contact) = %+v, %v", contact, ok)
	}
	if _, ok := r.PageOf([]string{"nonsense"}); ok {
		t.Error("PageOf(nonsense) is a page")
	}

	ssh := Request{Env: []string{"COLORTERM=truecolor"}, TERM: "xterm-256color", Page: about, Remote: "192.0.2.1", Fingerprint: "SHA256:abc"}
	web := Request{TERM: "xterm-256color", Page: about, Remote: "198.51.100.2", Via: inbox.ViaWebTerminal}
	owner := ssh
	owner.Owner = true
	deep := web
	deep.Page = contact

	for name, req := range map[string]Request{"ssh": ssh, "web": web} {
		o := r.Options(req)
		if o.Submit == nil || o.Inbox != nil || o.Stats != nil {
			t.Errorf("%s: form %v, owner's pages %v %v; want the form alone", name, o.Submit != nil, o.Inbox, o.Stats)
		}
		if _, err := o.Submit(inbox.Submission{Name: "Zoë " + name, ReplyTo: "@zoe", Message: "hello from " + name}); err != nil {
			t.Fatalf("%s: submit: %v", name, err)
		}
	}
	if o := r.Options(owner); o.Inbox == nil || o.Stats == nil {
		t.Error("the owner's visit has no Inbox or Stats page")
	}
	msgs, _, err := filestore.ReadAll(dir)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("stored %d messages (%v), want 2", len(msgs), err)
	}
	got := map[string]inbox.Message{}
	for _, m := range msgs {
		got[m.Name] = m
	}
	if m := got["Zoë ssh"]; m.Remote != "192.0.2.1" || m.Fingerprint != "SHA256:abc" || m.Via != "" {
		t.Errorf("SSH message stored as %+v", m)
	}
	if m := got["Zoë web"]; m.Remote != "198.51.100.2" || m.Fingerprint != "" || m.Via != inbox.ViaWebTerminal {
		t.Errorf("web message stored as %+v", m)
	}

	key := func(req Request) any { return firstScreen(r.cfg.Content.Load(), r.Options(req)) }
	if key(ssh) == nil || key(ssh) != key(web) {
		t.Error("two visitors on the About page with the same terminal don't share a first frame")
	}
	if key(deep) != nil || key(owner) != nil {
		t.Error("a deep link or the owner's visit shares a first frame")
	}
}
