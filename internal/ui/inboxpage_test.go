package ui

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/inbox/inboxtest"
	"github.com/pragyamugale/portfolio/internal/theme"
)

// fakeSource is an owner's inbox in memory. It fails the test if it is
// called outside a tea.Cmd (runCmds opens it for the Cmds it runs), and
// counts what it is asked for.
type fakeSource struct {
	t    testing.TB
	mu   sync.Mutex
	msgs []inbox.Message // newest first
	read map[string]bool
	// archived messages are left out of pages, as filestore.Mailbox does.
	archived map[string]bool
	open     bool // a Cmd is running: I/O is allowed
	// pages and most are how many pages were read, and the largest.
	pages, most int
	marked      []string
	actions     []string  // MarkUnread, Archive, Unarchive in order
	fail        error     // what MarkUnread, Archive and Unarchive return
	others      []tea.Msg // what other Cmds returned (say, a clipboard write)
}

func newFake(t testing.TB, msgs ...inbox.Message) *fakeSource {
	return &fakeSource{t: t, msgs: msgs, read: map[string]bool{}}
}

func (f *fakeSource) check(what string) {
	if !f.open {
		f.t.Errorf("%s called outside a tea.Cmd (disk I/O in Update)", what)
	}
}

func (f *fakeSource) Page(from, n int, keep string) (inbox.Page, error) {
	return f.page(from, n, keep, false)
}

func (f *fakeSource) ArchivedPage(from, n int, keep string) (inbox.Page, error) {
	return f.page(from, n, keep, true)
}

func (f *fakeSource) page(from, n int, keep string, archived bool) (inbox.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check("Page")
	f.pages++
	f.most = max(f.most, n)
	var shown []inbox.Message
	for _, m := range f.msgs {
		if f.archived[m.ID] == archived {
			shown = append(shown, m)
		}
	}
	p := inbox.Page{Total: len(shown), Kept: -1}
	for i, m := range shown {
		if !f.read[m.ID] {
			p.Unread++
		}
		if m.ID == keep && p.Kept < 0 {
			p.Kept = i
		}
	}
	p.From = max(0, min(from, len(shown)-n))
	p.Messages = slices.Clone(shown[p.From:min(p.From+n, len(shown))])
	for _, m := range p.Messages {
		p.Read = append(p.Read, f.read[m.ID])
	}
	return p, nil
}

func (f *fakeSource) MarkRead(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check("MarkRead")
	f.read[id] = true
	f.marked = append(f.marked, id)
	return nil
}

func (f *fakeSource) MarkUnread(id string) error {
	return f.change("MarkUnread", func() { delete(f.read, id) })
}

func (f *fakeSource) Archive(id string) error {
	return f.change("Archive", func() { f.archived[id] = true })
}

func (f *fakeSource) Unarchive(id string) error {
	return f.change("Unarchive", func() { delete(f.archived, id) })
}

// change applies one state change, from a Cmd only, and records it.
func (f *fakeSource) change(what string, do func()) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check(what)
	if f.archived == nil {
		f.archived = map[string]bool{}
	}
	f.actions = append(f.actions, what)
	if f.fail != nil {
		return f.fail
	}
	do()
	return nil
}

func (f *fakeSource) set(msgs ...inbox.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = msgs
}

// runCmds runs cmd as Bubble Tea would, with src open for I/O, and feeds
// the Inbox's messages back into m until no work is left.
func runCmds(t testing.TB, m *Model, src *fakeSource, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		if src != nil {
			src.mu.Lock()
			src.open = true
			src.mu.Unlock()
		}
		msg := c()
		if src != nil {
			src.mu.Lock()
			src.open = false
			src.mu.Unlock()
		}
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case inboxLoadedMsg, inboxMarkedMsg, inboxActedMsg, InboxChangedMsg:
			queue = append(queue, send(t, m, msg))
		default:
			if src != nil && msg != nil {
				src.mu.Lock()
				src.others = append(src.others, msg)
				src.mu.Unlock()
			}
		}
	}
}

// act presses keys, running the work each asks for.
func act(t testing.TB, m *Model, src *fakeSource, keys ...string) {
	t.Helper()
	for _, k := range keys {
		runCmds(t, m, src, press(t, m, k))
	}
}

func msg(id, name string, age time.Duration) inbox.Message {
	return inbox.Message{ID: id, Name: name, ReplyTo: name + "@example.com",
		Message: "hello from " + name, Time: time.Now().Add(-age)}
}

func newOwnerModel(t testing.TB, src *fakeSource) *Model {
	t.Helper()
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Inbox: src})
	runCmds(t, m, src, m.Init())
	runCmds(t, m, src, send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}))
	return m
}

// TestInboxNoIOInUpdate: loading the inbox and marking a message read run
// as tea.Cmds; Update itself never calls the source.
func TestInboxNoIOInUpdate(t *testing.T) {
	src := newFake(t, msg("bbbb", "Bob", time.Hour), msg("aaaa", "Ann", 2*time.Hour))
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Inbox: src})
	if src.pages != 0 {
		t.Fatal("New read the inbox")
	}
	runCmds(t, m, src, m.Init())
	if src.pages == 0 {
		t.Fatal("Init asked for no page: the tab has no unread count")
	}
	runCmds(t, m, src, send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}))
	requireText(t, m, "5 Inbox (2)")
	before := src.pages
	act(t, m, src, "5", "down", "enter")
	if src.pages <= before {
		t.Error("opening the Inbox didn't read it again")
	}
	requireText(t, m, "From:     Ann")
	if !slices.Equal(src.marked, []string{"aaaa"}) {
		t.Errorf("marked %v, want [aaaa]", src.marked)
	}
	requireText(t, m, "5 Inbox (1)")
}

// TestInboxReloadKeepsTheOpenMessage: the message list is read again each
// time the Inbox is shown; a message that arrived meanwhile must not swap
// the one on screen, and one that vanished must not crash the session.
func TestInboxReloadKeepsTheOpenMessage(t *testing.T) {
	src := newFake(t, msg("bbbb", "Bob", time.Hour), msg("aaaa", "Ann", 2*time.Hour))
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "down", "enter")
	requireText(t, m, "From:     Ann")

	// A new message arrives (newest first: indexes shift), the owner
	// switches away and back.
	src.set(append([]inbox.Message{msg("cccc", "Cat", time.Minute)}, src.msgs...)...)
	act(t, m, src, "1", "5")
	if out := plain(m); strings.Contains(out, "From:") && !strings.Contains(out, "From:     Ann") {
		t.Errorf("a new arrival swapped the open message:\n%s", out)
	}
	act(t, m, src, "esc")
	requireText(t, m, "▌   Ann") // still selected, now third

	// The file goes away while a message is open.
	act(t, m, src, "enter")
	src.set()
	act(t, m, src, "1", "5") // panicked: index out of range
	requireText(t, m, "No messages yet")
}

// TestInboxLive: a message stored while the Inbox is open shows up, in
// the list and the unread count, on InboxChangedMsg alone (no key).
func TestInboxLive(t *testing.T) {
	src := newFake(t, msg("bbbb", "Bob", time.Hour))
	m := newOwnerModel(t, src)
	act(t, m, src, "5")
	requireText(t, m, "1 message, 1 unread")
	src.set(msg("cccc", "Chloé 語 🎉", time.Minute), msg("bbbb", "Bob", time.Hour))
	cmd := send(t, m, InboxChangedMsg{})
	if cmd == nil {
		t.Fatal("InboxChangedMsg asked for no reload")
	}
	runCmds(t, m, src, cmd)
	requireText(t, m, "2 messages, 2 unread")
	requireText(t, m, "Chloé 語 🎉")
	requireText(t, m, "5 Inbox (2)")
	// The selection stays on the message it was on.
	requireText(t, m, "▌ ● Bob")

	// Elsewhere in the UI, the tab's count still follows.
	act(t, m, src, "1")
	src.set(msg("dddd", "Dan", 0), msg("cccc", "Chloé 語 🎉", time.Minute), msg("bbbb", "Bob", time.Hour))
	runCmds(t, m, src, send(t, m, InboxChangedMsg{}))
	requireText(t, m, "5 Inbox (3)")
}

// manyMessages is n messages, newest first.
func manyMessages(n int) []inbox.Message {
	msgs := make([]inbox.Message, n)
	for i := range msgs {
		msgs[i] = msg(fmt.Sprintf("m%06d", i), fmt.Sprintf("Visitor %d", i), time.Duration(i)*time.Second)
	}
	return msgs
}

// TestInboxReadsOnlyAWindow: with many messages the page asks only for a
// window around the screen, and moves it as the selection moves.
func TestInboxReadsOnlyAWindow(t *testing.T) {
	src := newFake(t, manyMessages(5000)...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5")
	requireText(t, m, "5000 messages, 5000 unread · 1–4")
	act(t, m, src, "end")
	requireText(t, m, "Visitor 4999")
	requireText(t, m, "· 4997–5000")
	for range 12 {
		act(t, m, src, "up")
	}
	requireText(t, m, "Visitor 4987")
	act(t, m, src, "home", "down", "enter")
	requireText(t, m, "From:     Visitor 1")
	if src.most > 3*4+minLoad {
		t.Errorf("a load asked for %d messages", src.most)
	}
	if out := plain(m); strings.Count(out, "\n") != 23 {
		t.Errorf("frame is not 24 lines:\n%s", out)
	}
}

// benchInbox opens the Inbox on a real store of n messages, as the
// server does, and returns the model and its source.
func benchInbox(b *testing.B, n int) (*Model, *filestore.Mailbox) {
	dir := b.TempDir()
	inboxtest.WriteLog(b, dir, n)
	store, err := filestore.OpenStore(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	state, err := filestore.LoadReadState(dir)
	if err != nil {
		b.Fatal(err)
	}
	src := filestore.NewMailbox(store, state)
	m := New(portfolio(b), Options{Profile: colorprofile.TrueColor, Inbox: src})
	runAll(b, m, m.Init())
	runAll(b, m, send(b, m, tea.WindowSizeMsg{Width: 120, Height: 40}))
	runAll(b, m, press(b, m, "5"))
	return m, src
}

// runAll runs Cmds against a real source (no fake to open).
func runAll(b testing.TB, m *Model, cmd tea.Cmd) { runCmds(b, m, nil, cmd) }

// BenchmarkInbox100k: the owner's Inbox on 100,000 stored messages (about
// 70 MB): opening the tab, a key in the list, a new message arriving.
func BenchmarkInbox100k(b *testing.B) {
	const n = 100_000
	m, _ := benchInbox(b, n)
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			runAll(b, m, press(b, m, "1"))
			runAll(b, m, press(b, m, "5"))
			_ = m.View()
		}
	})
	b.Run("key", func(b *testing.B) {
		keys := []string{"down", "down", "down", "up", "pgdown", "home"}
		i := 0
		for b.Loop() {
			runAll(b, m, press(b, m, keys[i%len(keys)]))
			_ = m.View()
			i++
		}
	})
	b.Run("end", func(b *testing.B) {
		for b.Loop() {
			runAll(b, m, press(b, m, "end"))
			_ = m.View()
			runAll(b, m, press(b, m, "home"))
			_ = m.View()
		}
	})
	if !strings.Contains(plain(m), fmt.Sprintf("%d messages", n)) {
		b.Fatalf("inbox not shown:\n%s", plain(m))
	}
}

// BenchmarkInbox100kStart: what a server start costs with 100,000 stored
// messages (opening the store indexes the log) and what the store and an
// owner's open Inbox hold on the heap afterwards (heap-MB).
func BenchmarkInbox100kStart(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	inboxtest.WriteLog(b, dir, n)
	var heap float64
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		store, err := filestore.OpenStore(dir)
		if err != nil {
			b.Fatal(err)
		}
		state, err := filestore.LoadReadState(dir)
		if err != nil {
			b.Fatal(err)
		}
		m := New(portfolio(b), Options{Profile: colorprofile.TrueColor, Inbox: filestore.NewMailbox(store, state)})
		runAll(b, m, m.Init())
		runAll(b, m, send(b, m, tea.WindowSizeMsg{Width: 120, Height: 40}))
		runAll(b, m, press(b, m, "5"))
		_ = m.View()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		heap = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
		runtime.KeepAlive(m)
		store.Close()
	}
	b.ReportMetric(heap, "heap-MB")
}

// TestInboxGolden snapshots the owner's list and an open message with
// accents, CJK and emoji, at three sizes. Regenerate with
//
//	go test ./ui -run TestInboxGolden -update
func TestInboxGolden(t *testing.T) {
	t0 := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	msgs := []inbox.Message{
		{ID: "c3c3c3c3", Name: "山田 太郎", ReplyTo: "taro@example.jp", Message: "こんにちは！ポートフォリオを拝見しました 🎉\nsecond line", Time: t0, Remote: "192.0.2.3"},
		{ID: "b2b2b2b2", Name: "Nguyễn Đặng Zoë", ReplyTo: "@zoe", Message: "Xin chào — a long first line that has to be cut at the edge of the list on narrow terminals", Time: t0.Add(-time.Hour), Remote: "192.0.2.2", Fingerprint: "SHA256:abc"},
		{ID: "a1a1a1a1", Name: "Ann", ReplyTo: "ann@example.com", Message: "Short.", Time: t0.Add(-2 * time.Hour), Remote: "192.0.2.1"},
	}
	for _, sz := range snapshotSizes {
		w, h := sz[0], sz[1]
		for _, view := range []struct {
			name string
			keys []string
		}{{"list", []string{"5", "down"}}, {"message", []string{"5", "enter"}}} {
			t.Run(fmt.Sprintf("%s-%dx%d", view.name, w, h), func(t *testing.T) {
				src := newFake(t, msgs...)
				src.read["a1a1a1a1"] = true
				m := New(portfolio(t), Options{Profile: colorprofile.ANSI256, Background: theme.Dark, Inbox: src})
				runCmds(t, m, src, m.Init())
				runCmds(t, m, src, send(t, m, tea.WindowSizeMsg{Width: w, Height: h}))
				act(t, m, src, view.keys...)
				out := output(t, m, colorprofile.ANSI256)
				checkFits(t, out, w, h, true)
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}
