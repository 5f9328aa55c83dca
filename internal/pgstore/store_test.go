package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/pgtest"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// open opens a store on url, closed when the test ends.
func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// eventually waits for cond, failing after a generous bound (a guard
// against hanging, not a timing assertion).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.Wait(t, 30*time.Second, what, cond)
}

func count(t *testing.T, s *Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Machines starting together apply the schema once, under the lock.
func TestMigrationsOnceUnderLock(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	stores := make([]*Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	if n := count(t, stores[0], "SELECT count(*) FROM schema_migrations"); n != len(files) {
		t.Fatalf("schema_migrations has %d rows, want %d (one per migration)", n, len(files))
	}
}

// What a visitor typed is stored sanitised, with an id, the time to the
// second and a valid checksum, and the owner's page shows it.
func TestAppendSanitisesAndLists(t *testing.T) {
	s := open(t, pgtest.URL(t))
	svc := inbox.NewService(s, inbox.ServiceOptions{})
	r, err := svc.Submit(inbox.Submission{
		Name: "Zoë 山田 🚀", ReplyTo: "zoe@example.com",
		Message: "héllo\x1b[31m red\u202e reversed 你好", Remote: "192.0.2.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Page(0, 10, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 1 || p.Unread != 1 || p.Kept != 0 || len(p.Messages) != 1 {
		t.Fatalf("page = %+v", p)
	}
	m := p.Messages[0]
	if m.ID != r.ID || m.Name != "Zoë 山田 🚀" || !m.Valid() || !m.Time.Equal(r.Time) {
		t.Fatalf("stored %+v, receipt %+v", m, r)
	}
	if strings.ContainsAny(m.Message, "\x1b\u202e") || !strings.Contains(m.Message, "你好") {
		t.Fatalf("message not sanitised: %q", m.Message)
	}
	var raw string
	if err := s.pool.QueryRow(context.Background(), "SELECT message FROM messages").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(raw, "\x1b\u202e") {
		t.Fatalf("stored unsanitised: %q", raw)
	}
}

// The same text from the same sender within a minute is stored once, even
// when it arrives through two machines at the same moment; ids never
// collide.
func TestDuplicatesOnceAcrossMachines(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	svcs := []*inbox.Service{inbox.NewService(a, inbox.ServiceOptions{}), inbox.NewService(b, inbox.ServiceOptions{})}
	sub := inbox.Submission{Name: "Ana", ReplyTo: "ana@example.com", Message: "hola ¿qué tal?", Remote: "198.51.100.7"}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			r, err := svcs[i%2].Submit(sub)
			if err != nil {
				t.Error(err)
			}
			ids[i] = r.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("receipts name different messages: %v", ids)
		}
	}
	if n := count(t, a, "SELECT count(*) FROM messages"); n != 1 {
		t.Fatalf("%d messages stored, want 1", n)
	}
	// Another sender, or other text, is not a duplicate.
	other := sub
	other.Remote = "203.0.113.9"
	if r, err := svcs[1].Submit(other); err != nil || r.Duplicate {
		t.Fatalf("another sender: %+v, %v", r, err)
	}
	// Many messages through both machines: every id distinct.
	seen := map[string]bool{}
	var mu sync.Mutex
	for i := range 40 {
		wg.Go(func() {
			m, err := []*Store{a, b}[i%2].Append(inbox.Message{Name: "n", Message: fmt.Sprint("m", i), Remote: "r"})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if seen[m.ID] {
				t.Errorf("id %s given twice", m.ID)
			}
			seen[m.ID] = true
		})
	}
	wg.Wait()
	if n := count(t, a, "SELECT count(DISTINCT id) FROM messages"); n != 42 {
		t.Fatalf("%d messages, want 42", n)
	}
}

// Read and archived marks live beside the message, and every machine
// hears of a change.
func TestStateAndLiveAcrossMachines(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	eventually(t, "b listening", b.Available)
	changed, stop := b.Subscribe()
	defer stop()
	drain(changed)

	m, err := a.Append(inbox.Message{Name: "Jo", Message: "through a", Remote: "192.0.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	waitWake(t, changed, "the message stored through a")
	p, err := b.Page(0, 5, "")
	if err != nil || p.Total != 1 || p.Messages[0].ID != m.ID {
		t.Fatalf("b's page: %+v, %v", p, err)
	}

	if err := a.MarkRead(m.ID); err != nil {
		t.Fatal(err)
	}
	waitWake(t, changed, "the read mark")
	if err := a.Archive(m.ID); err != nil {
		t.Fatal(err)
	}
	if st, err := b.StateOf(m.ID); err != nil || st != (inbox.MessageState{Read: true, Archived: true}) {
		t.Fatalf("state = %+v, %v", st, err)
	}
	if p, _ := b.Page(0, 5, ""); p.Total != 0 || len(p.Messages) != 0 {
		t.Fatalf("the inbox after Archive: %+v", p)
	}
	if p, _ := b.ArchivedPage(0, 5, ""); p.Total != 1 || p.Unread != 0 || len(p.Read) != 1 || !p.Read[0] || p.Messages[0].ID != m.ID {
		t.Fatalf("the archived page after MarkRead and Archive: %+v", p)
	}
	if err := b.MarkUnread(m.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Unarchive(m.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.StateOf(m.ID); st != (inbox.MessageState{}) {
		t.Fatalf("state = %+v", st)
	}
	if err := a.MarkRead("nosuchid"); !errors.Is(err, ErrNoMessage) {
		t.Fatalf("MarkRead of a missing id: %v", err)
	}
}

func drain(ch <-chan struct{}) {
	select {
	case <-ch:
	default:
	}
}

func waitWake(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("no notification for %s", what)
	}
}

// Pages come newest first and slide as the file Mailbox's do.
func TestPageOrderAndWindow(t *testing.T) {
	s := open(t, pgtest.URL(t))
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var ids []string
	for i := range 5 {
		m, err := s.Append(inbox.Message{Time: base.Add(time.Duration(i) * time.Hour), Name: "n", Message: fmt.Sprint(i), Remote: "r"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	p, err := s.Page(4, 2, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.From != 3 || p.Kept != 4 || len(p.Messages) != 2 || p.Messages[0].ID != ids[1] || p.Messages[1].ID != ids[0] {
		t.Fatalf("page = %+v", p)
	}
}

// Statistics from two machines add up, per counter, and prune by day.
func TestStatsAddUpAcrossMachines(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	day := func(date string) *stats.Day {
		var h stats.Histogram
		h.Observe(42 * time.Second)
		return &stats.Day{
			Date: date, Visits: 3, UniqueVisitors: 2, Messages: 1,
			ByChannel: map[string]int64{"tui": 2, "text": 1}, Views: map[string]int64{"projects/café": 4},
			Clients: map[string]int64{"OpenSSH": 3}, Terminals: map[string]int64{"80-119x24-39": 2},
			Colors:    map[string]int64{"256": 2},
			StudyTime: map[string]stats.Histogram{"projects/café": h},
		}
	}
	ctx := context.Background()
	for _, s := range []*Store{a, b} {
		if err := s.Stats().Add(ctx, []*stats.Day{day("2026-11-28"), day("2026-11-29")}); err != nil {
			t.Fatal(err)
		}
	}
	days, err := b.Stats().Days(ctx, "2026-11-29", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	want := day("2026-11-29")
	want.Add(day("2026-11-29"))
	if len(days) != 1 || fmt.Sprint(*days[0]) != fmt.Sprint(*want) {
		t.Fatalf("days = %+v, want %+v", days, want)
	}
	if err := a.Stats().Prune(ctx, "2026-11-29"); err != nil {
		t.Fatal(err)
	}
	if days, _ := a.Stats().Days(ctx, "2000-01-01", "2100-01-01"); len(days) != 1 || days[0].Date != "2026-11-29" {
		t.Fatalf("after prune: %+v", days)
	}
	if err := a.Stats().Add(ctx, []*stats.Day{{Date: "29/11/2026", Visits: 1}}); err == nil {
		t.Fatal("a bad date was accepted")
	}
}

// Errors never show the URL's password.
func TestErrorsHideThePassword(t *testing.T) {
	url := "postgres://owner:s3cr3t-pw@127.0.0.1:1/db?sslmode=disable"
	_, err := Open(context.Background(), url)
	if err == nil {
		t.Fatal("opened a database at port 1")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Fatalf("error shows the password: %v", err)
	}
	_, err = Open(context.Background(), "postgres://owner:s3cr3t-pw@127.0.0.1:notaport/db")
	if err == nil || strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Fatalf("bad URL: %v", err)
	}
	if got := RedactURL(url); strings.Contains(got, "s3cr3t") || !strings.Contains(got, "127.0.0.1") {
		t.Fatalf("RedactURL = %q", got)
	}
}
