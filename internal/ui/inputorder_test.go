package ui

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/host"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// waitTimeout bounds every wait of the input-order test.
const waitTimeout = 15 * time.Second

// slowInbox is an owner's inbox in memory whose pages take a moment to
// read, as a disk's do, so keys meet loads in flight. Every message is
// read (MarkRead changes nothing), so what a view shows depends only on
// the keys and the loads.
type slowInbox struct{ msgs []inbox.Message }

func (s *slowInbox) Page(from, n int, keep string) (inbox.Page, error) {
	time.Sleep(2 * time.Millisecond) // the disk, inside the tea.Cmd
	p := inbox.Page{Total: len(s.msgs), Kept: -1}
	for i, m := range s.msgs {
		if m.ID == keep {
			p.Kept = i
		}
	}
	p.From = max(0, min(from, len(s.msgs)-n))
	p.Messages = slices.Clone(s.msgs[p.From:min(p.From+n, len(s.msgs))])
	for range p.Messages {
		p.Read = append(p.Read, true)
	}
	return p, nil
}
func (s *slowInbox) ArchivedPage(int, int, string) (inbox.Page, error) {
	time.Sleep(2 * time.Millisecond)
	return inbox.Page{Kept: -1}, nil
}
func (s *slowInbox) MarkRead(string) error   { return nil }
func (s *slowInbox) MarkUnread(string) error { return nil }
func (s *slowInbox) Archive(string) error    { return nil }
func (s *slowInbox) Unarchive(string) error  { return nil }

// pipeTerm is a visitor's terminal for a host: keys written to in are
// read by the visit; output is dropped.
type pipeTerm struct {
	r    *io.PipeReader
	in   *io.PipeWriter
	done chan struct{}
	once sync.Once
}

func newPipeTerm() *pipeTerm {
	r, w := io.Pipe()
	return &pipeTerm{r: r, in: w, done: make(chan struct{})}
}

func (p *pipeTerm) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeTerm) Write(b []byte) (int, error) { return len(b), nil }
func (p *pipeTerm) Environ() []string           { return []string{"TERM=xterm-256color"} }
func (p *pipeTerm) Size() host.Size             { return host.Size{Width: 80, Height: 30} }
func (p *pipeTerm) Resizes() <-chan host.Size   { return nil }
func (p *pipeTerm) Done() <-chan struct{}       { return p.done }
func (p *pipeTerm) Close() error {
	p.once.Do(func() { close(p.done); p.r.Close() })
	return nil
}

// probe is the model under the host: it counts the keys it is given and
// keeps the screen after every message, for the test to read.
type probe struct {
	*Model
	mu   sync.Mutex
	keys int
	view string
}

func (p *probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	view := p.Model.View().Content
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := msg.(tea.KeyPressMsg); ok {
		p.keys++
	}
	p.view = view
	return p, cmd
}

func (p *probe) state() (int, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys, p.view
}

// settle applies cmd and everything it leads to before returning: the
// model that never sleeps and whose every command finishes at once.
func settle(m *Model, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// propKeys are the keys the property test presses: every page's, by name
// (for the model that never sleeps) and as a terminal sends them. Keys
// that leave (q), write (the form) or change the store (archive) are left
// out: the sources here are read-only.
var propKeys = [][2]string{
	{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5"}, {"6", "6"},
	{"tab", "\t"}, {"shift+tab", "\x1b[Z"}, {"j", "j"}, {"k", "k"},
	{"up", "\x1b[A"}, {"down", "\x1b[B"}, {"g", "g"}, {"G", "G"},
	{"enter", "\r"}, {"backspace", "\x7f"}, {"n", "n"}, {"p", "p"},
	{"f", "f"}, {"F", "F"}, {"pgdown", "\x1b[6~"}, {"?", "?"},
	// The lists' keys, and the Inbox, more often.
	{"5", "5"}, {"j", "j"}, {"k", "k"}, {"up", "\x1b[A"}, {"down", "\x1b[B"},
	{"j", "j"}, {"down", "\x1b[B"},
}

// TestEveryKeyLandsOnceInOrder: random keys with random pauses, across
// the host putting the program to sleep, waking it (the owner's Inbox
// reloads on wake) and pages loading in commands, on every page, end on
// the same screen as the same keys given to a model that never sleeps and
// whose commands finish at once; and the model gets each key exactly once.
// (The first ↑/↓/j/k in the Inbox after a sleep used to be undone by the
// reload on wake.)
func TestEveryKeyLandsOnceInOrder(t *testing.T) {
	pf := portfolio(t)
	msgs := make([]inbox.Message, 40)
	for i := range msgs {
		msgs[i] = inbox.Message{
			ID: fmt.Sprintf("m%02d", i), Name: fmt.Sprintf("Visitor %d", i),
			Time:    time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC).Add(-time.Duration(i) * time.Hour),
			ReplyTo: fmt.Sprintf("v%d@example.com", i), Message: fmt.Sprintf("Message number %d.", i),
		}
	}
	opts := func() Options {
		return Options{Profile: colorprofile.ANSI256, Inbox: &slowInbox{msgs}, Stats: &fakeStats{}, Section: SectionInbox}
	}
	const seeds, presses = 5, 50
	for seed := range uint64(seeds) {
		rng := rand.New(rand.NewPCG(seed, 20))
		h := host.New(host.Config{Sleep: 15 * time.Millisecond})
		term := newPipeTerm()
		m := &probe{Model: New(pf, opts())}
		ended := make(chan error, 1)
		go func() { ended <- h.NewVisit(term, m, host.Options{Profile: colorprofile.ANSI256}).Run() }()

		ref := New(pf, opts())
		ref.Update(tea.WindowSizeMsg{Width: 80, Height: 30})
		settle(ref, ref.Init())

		var pressed []string
		asleep := func() bool { return h.Programs() == 0 }
		for range presses {
			k := propKeys[rng.IntN(len(propKeys))]
			pressed = append(pressed, k[0])
			if _, err := io.WriteString(term.in, k[1]); err != nil {
				t.Fatalf("seed %d: writing a key: %v", seed, err)
			}
			_, cmd := ref.Update(keyMsg(t, k[0]))
			settle(ref, cmd)
			switch rng.IntN(10) {
			case 0, 1, 2, 3:
				// The visitor stops until the program has been put to
				// sleep (the next key wakes it: a reload in the Inbox),
				// and the screens agree.
				var got string
				if !testkit.Eventually(waitTimeout, time.Millisecond, func() bool {
					n, view := m.state()
					got = view
					return n == len(pressed) && asleep()
				}) {
					t.Fatalf("seed %d: the program never slept after %v", seed, pressed)
				}
				if want := ref.View().Content; got != want {
					t.Fatalf("seed %d: keys %s\nend on\n%s\nwant (a model that never sleeps)\n%s", seed, strings.Join(pressed, " "), got, want)
				}
			case 4, 5:
				// A short pause: the key may meet a load in flight.
				time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
			}
		}
		// The end state is every page's: the one on screen, then each in
		// turn, the Inbox last.
		for i, k := range []string{"", "1", "2", "3", "4", "6", "5"} {
			if k != "" {
				if _, err := io.WriteString(term.in, k); err != nil {
					t.Fatalf("seed %d: writing a key: %v", seed, err)
				}
				_, cmd := ref.Update(keyMsg(t, k))
				settle(ref, cmd)
			}
			var got string
			if !testkit.Eventually(waitTimeout, time.Millisecond, func() bool {
				n, view := m.state()
				got = view
				return n >= presses+i && asleep()
			}) {
				n, _ := m.state()
				t.Fatalf("seed %d: %d of %d keys reached the model", seed, n, presses+i)
			}
			if n, _ := m.state(); n != presses+i {
				t.Errorf("seed %d: the model got %d keys for %d pressed", seed, n, presses+i)
			}
			if want := ref.View().Content; got != want {
				t.Errorf("seed %d: keys %s, then %s\nend on\n%s\nwant (a model that never sleeps)\n%s", seed, strings.Join(pressed, " "), k, got, want)
				break
			}
		}
		term.Close()
		h.Shutdown()
		select {
		case <-ended:
		case <-time.After(waitTimeout):
			t.Fatalf("seed %d: the visit did not end", seed)
		}
	}
}
