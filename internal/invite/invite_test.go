package invite

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := NewCode()
		if !ValidCode(c) {
			t.Fatalf("NewCode() = %q: not a valid code", c)
		}
		if strings.ContainsAny(c, "01ilo") {
			t.Fatalf("NewCode() = %q has an ambiguous character", c)
		}
		if seen[c] {
			t.Fatalf("NewCode() repeated %q", c)
		}
		seen[c] = true
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", CodeLen-1), strings.Repeat("A", CodeLen), strings.Repeat("0", CodeLen), "visitor"} {
		if ValidCode(bad) {
			t.Errorf("ValidCode(%q) = true", bad)
		}
	}
}

func TestNewCleansLabel(t *testing.T) {
	inv, err := New("  Acme\x1b[31m —\tStaff  Backend ", "Hello\x07 Acme team", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(inv.Label+inv.Greeting, "\x1b\x07\t") || !strings.Contains(inv.Label, "Staff Backend") {
		t.Errorf("label %q, greeting %q", inv.Label, inv.Greeting)
	}
	if _, err := New(" ", "", time.Now()); err == nil {
		t.Error("an empty label was accepted")
	}
	if _, err := New(strings.Repeat("x", MaxLabel+1), "", time.Now()); err == nil {
		t.Error("a long label was accepted")
	}
}

// TestFileStoreFirstOpenOnce: two processes' stores of one data directory
// (the server's and an owner's command) agree: of many concurrent opens,
// exactly one is first, and every visit is counted.
func TestFileStoreFirstOpenOnce(t *testing.T) {
	dir := t.TempDir()
	a, b := NewFileStore(dir), NewFileStore(dir)
	ctx := context.Background()
	inv, _ := New("Acme", "", time.Now())
	if err := a.Create(ctx, inv); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	firsts := 0
	var wg sync.WaitGroup
	for i := range 20 {
		st := []*FileStore{a, b}[i%2]
		wg.Go(func() {
			first, err := st.Opened(ctx, inv.Code, ChannelSSH, time.Now())
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	got, ok, err := b.Lookup(ctx, inv.Code)
	if firsts != 1 || !ok || err != nil || got.Visits != 20 || got.FirstChannel != ChannelSSH {
		t.Errorf("firsts %d; %+v %v %v", firsts, got, ok, err)
	}
	if _, err := a.Revoke(ctx, inv.Code, time.Now()); err != nil {
		t.Fatal(err)
	}
	if first, err := b.Opened(ctx, inv.Code, ChannelWeb, time.Now()); first || err != nil {
		t.Errorf("a revoked invitation opened: %v %v", first, err)
	}
	if got, _, _ := b.Lookup(ctx, inv.Code); got.Visits != 20 || got.Active() {
		t.Errorf("after revoking: %+v", got)
	}
}

// TestTrackerResolve: a known code resolves; unknown, revoked and
// malformed ones resolve to nothing and record nothing.
func TestTrackerResolve(t *testing.T) {
	st := NewFileStore(t.TempDir())
	ctx := context.Background()
	live, _ := New("Live", "Hi", time.Now())
	gone, _ := New("Gone", "", time.Now())
	for _, inv := range []Invitation{live, gone} {
		if err := st.Create(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Revoke(ctx, gone.Code, time.Now()); err != nil {
		t.Fatal(err)
	}
	var notes []string
	tr := NewTracker(st, func(title, _ string) { notes = append(notes, title) }, nil)
	if got := tr.Resolve(ctx, live.Code); got == nil || got.Greeting != "Hi" {
		t.Fatalf("Resolve(live) = %+v", got)
	}
	for _, code := range []string{gone.Code, NewCode(), "visitor", "", strings.Repeat("-", CodeLen), live.Code[:CodeLen-1]} {
		if got := tr.Resolve(ctx, code); got != nil {
			t.Errorf("Resolve(%q) = %+v, want nil", code, got)
		}
		v := tr.Begin(tr.Resolve(ctx, code), ChannelSSH)
		v.View("about")
		v.Messaged()
		v.End()
	}
	tr.Wait()
	all, _ := st.List(ctx)
	for _, inv := range all {
		if inv.Visits != 0 || inv.Messages != 0 || len(inv.Reads) != 0 {
			t.Errorf("recorded without a valid code: %+v", inv)
		}
	}
	if len(notes) != 0 {
		t.Errorf("notified: %q", notes)
	}
}

// TestVisitReads: the time on each page is counted when the visitor moves
// on or leaves; a page flicked past (under MinRead) is not.
func TestVisitReads(t *testing.T) {
	st := NewFileStore(t.TempDir())
	ctx := context.Background()
	inv, _ := New("Acme", "", time.Now())
	_ = st.Create(ctx, inv)
	var notes []string
	tr := NewTracker(st, func(title, _ string) { notes = append(notes, title) }, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tr.SetClock(func() time.Time { return now })
	v := tr.Begin(tr.Resolve(ctx, inv.Code), ChannelWeb)
	v.View("about")
	now = now.Add(500 * time.Millisecond)
	v.View("skills")
	now = now.Add(20 * time.Second)
	v.View("projects/notelytix")
	now = now.Add(3 * time.Minute)
	v.End()
	v.View("contact") // after the end: nothing
	tr.Wait()
	got, _, _ := st.Lookup(ctx, inv.Code)
	want := []Read{{Page: "projects/notelytix", Seconds: 180, Views: 1}, {Page: "skills", Seconds: 20, Views: 1}}
	gj, _ := json.Marshal(got.Reads)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Errorf("reads %s, want %s", gj, wj)
	}
	if len(notes) != 1 || notes[0] != "Acme opened your portfolio on the web" {
		t.Errorf("notes %q", notes)
	}
	if s := Summary(got.Reads, func(p string) string { return strings.TrimPrefix(p, "projects/") }); s != "read notelytix 3 min, skills 20 s" {
		t.Errorf("Summary = %q", s)
	}
}

func TestFind(t *testing.T) {
	a, _ := New("Acme — Staff Backend", "", time.Now())
	b, _ := New("Globex", "", time.Now())
	all := []Invitation{a, b}
	for key, want := range map[string]string{a.Code: a.Code, a.Code[:6]: a.Code, "acme — staff backend": a.Code, "GLOBEX": b.Code} {
		if got, err := Find(all, key); err != nil || got.Code != want {
			t.Errorf("Find(%q) = %s, %v", key, got.Code, err)
		}
	}
	if _, err := Find(all, "nobody"); err == nil {
		t.Error("Find(nobody) found one")
	}
}

// TestCommand: the owner's command, as both doors run it.
func TestCommand(t *testing.T) {
	st := NewFileStore(t.TempDir())
	links := Links{Host: "portfolio.example.com", Port: 22, WebBase: "https://portfolio.example.com", Fingerprint: "SHA256:abc"}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		rc := Command(context.Background(), Env{Store: st, Links: links, Stdout: &out, Stderr: &errOut}, args)
		return rc, out.String(), errOut.String()
	}
	rc, out, _ := run("add", "Acme — Staff Backend", "--greeting", "Hello Acme team")
	if rc != 0 || !strings.Contains(out, "ssh ") || !strings.Contains(out, "@portfolio.example.com") ||
		!strings.Contains(out, "https://portfolio.example.com/i/") || !strings.Contains(out, "SHA256:abc") || !strings.Contains(out, "<a href=") {
		t.Fatalf("add: %d\n%s", rc, out)
	}
	rc, out, _ = run("list", "--json")
	var list []JSONView
	if rc != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 || list[0].Greeting != "Hello Acme team" {
		t.Fatalf("list --json: %d %s", rc, out)
	}
	if rc, _, errOut := run("show", "nobody"); rc != 1 || !strings.Contains(errOut, "no such invitation") {
		t.Errorf("show nobody: %d %q", rc, errOut)
	}
	if rc, _, errOut := run("frobnicate"); rc != 2 || !strings.Contains(errOut, "Usage") {
		t.Errorf("unknown subcommand: %d %q", rc, errOut)
	}
	if rc, out, _ := run("revoke", "Acme — Staff Backend", "--json"); rc != 0 || !strings.Contains(out, `"revoked"`) {
		t.Errorf("revoke: %d %s", rc, out)
	}
	if l := links.SSH("abc"); l != "ssh abc@portfolio.example.com" {
		t.Errorf("SSH link %q", l)
	}
	if l := (Links{Host: "h", Port: 2222}).SSH("abc"); l != "ssh -p 2222 abc@h" {
		t.Errorf("SSH link off 22 %q", l)
	}
}
