package invite

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/log/v2"
)

// recordTimeout bounds one recording write.
const recordTimeout = 10 * time.Second

// Notify tells the owner something in one title and body (package
// notify's Notifier.SendNote). It must not block.
type Notify func(title, body string)

// Tracker resolves codes for the doors and records visits through
// invitations. Every recording runs off the visitor's path, so a known
// code and an unknown one take the same time to answer, and a slow store
// never holds a visitor up. A nil *Tracker resolves nothing.
type Tracker struct {
	store  Store
	notify Notify
	log    *log.Logger
	now    func() time.Time
	wg     sync.WaitGroup
}

// NewTracker records in st and tells the owner through notify (nil: no
// one). The logger hears failures, never codes.
func NewTracker(st Store, notify Notify, logger *log.Logger) *Tracker {
	if logger == nil {
		logger = log.New(io.Discard)
	}
	return &Tracker{store: st, notify: notify, log: logger, now: time.Now}
}

// SetClock replaces the tracker's clock (tests: time on a page without
// waiting for it).
func (t *Tracker) SetClock(now func() time.Time) { t.now = now }

// Now is the tracker's clock.
func (t *Tracker) Now() time.Time { return t.now() }

// Resolve returns the active invitation with code, or nil for an unknown,
// revoked or malformed code, or a store that can't answer: the visitor
// then gets the ordinary portfolio. Every code, known or not, takes the
// same path: one lookup by the code in the store (a map or an index),
// whose answer is compared in constant time.
func (t *Tracker) Resolve(ctx context.Context, code string) *Invitation {
	if t == nil || code == "" {
		return nil
	}
	// A name without a code's shape ("visitor", most SSH users) is no
	// code: the shape is public, so skipping the lookup tells nothing, and
	// ordinary visits cost the store nothing.
	if !ValidCode(code) {
		return nil
	}
	key := code
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	inv, ok, err := t.store.Lookup(ctx, key)
	if err != nil {
		t.log.Warn("invitation lookup failed", "err", err)
		return nil
	}
	if !ok || !inv.Active() || !Equal(inv.Code, code) {
		return nil
	}
	return &inv
}

// List lists the invitations, for the owner's Stats page.
func (t *Tracker) List() ([]Invitation, error) {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	return t.store.List(ctx)
}

// Annotate calls send, off the caller's path, with what was read
// through the active invitation labelled label ("read NoteLytix 3 min"),
// "" if nothing or no such invitation: for the notification of a message
// that came through it.
func (t *Tracker) Annotate(label string, title func(page string) string, send func(summary string)) {
	if t == nil {
		send("")
		return
	}
	t.record(func(ctx context.Context) error {
		all, err := t.store.List(ctx)
		summary := ""
		for _, inv := range all {
			if inv.Label == label && inv.Active() {
				summary = Summary(inv.Reads, title)
			}
		}
		send(summary)
		return err
	})
}

// Begin starts a visit through inv (nil: an ordinary visit, recorded
// nowhere) by channel: the visit is counted, and the first one of the
// invitation, on whichever machine, tells the owner.
func (t *Tracker) Begin(inv *Invitation, channel string) *Visit {
	if t == nil || inv == nil {
		return nil
	}
	v := &Visit{t: t, inv: *inv, channel: channel}
	at := t.now()
	t.record(func(ctx context.Context) error {
		first, err := t.store.Opened(ctx, inv.Code, channel, at)
		if err == nil && first && t.notify != nil {
			t.notify(OpenedTitle(inv.Label, channel), "First opened "+at.UTC().Format("2006-01-02 15:04 MST")+".")
		}
		return err
	})
	return v
}

// OpenedTitle is the first open's notification: "Acme — Staff Backend
// opened your portfolio over SSH".
func OpenedTitle(label, channel string) string {
	return label + " opened your portfolio " + ChannelName(channel)
}

// record runs fn in the background, bounded in time.
func (t *Tracker) record(fn func(ctx context.Context) error) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
		defer cancel()
		if err := fn(ctx); err != nil {
			t.log.Warn("invitation: recording a visit failed", "err", err)
		}
	}()
}

// Wait waits for the recordings under way (tests, and the shutdown).
func (t *Tracker) Wait() {
	if t != nil {
		t.wg.Wait()
	}
}

// Visit is one visit through an invitation. Every method of a nil *Visit
// does nothing, so the doors call them for every visitor alike.
type Visit struct {
	t       *Tracker
	inv     Invitation
	channel string

	mu    sync.Mutex
	page  string
	since time.Time
	ended bool
}

// Invitation is the visit's invitation (nil for an ordinary visit).
func (v *Visit) Invitation() *Invitation {
	if v == nil {
		return nil
	}
	inv := v.inv
	return &inv
}

// Label is the invitation's label, "" for an ordinary visit.
func (v *Visit) Label() string {
	if v == nil {
		return ""
	}
	return v.inv.Label
}

// View records that page came on screen; the time on the page before it
// is counted (from MinRead on).
func (v *Visit) View(page string) {
	if v == nil || page == "" {
		return
	}
	if len(page) > 128 {
		page = page[:128]
	}
	now := v.t.now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ended || page == v.page {
		return
	}
	v.leave(now)
	v.page, v.since = page, now
}

// End ends the visit, counting the page on screen.
func (v *Visit) End() {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.ended {
		v.leave(v.t.now())
		v.ended = true
	}
}

// Abandon ends the visit without counting the page on screen (a web
// visit left idle: how long it was read is unknown).
func (v *Visit) Abandon() {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.page, v.ended = "", true
}

// leave counts the time on the page on screen; the caller holds v.mu.
func (v *Visit) leave(now time.Time) {
	page, d := v.page, now.Sub(v.since)
	v.page = ""
	if page == "" || d < MinRead {
		return
	}
	code := v.inv.Code
	v.t.record(func(ctx context.Context) error { return v.t.store.Read(ctx, code, page, d) })
}

// Messaged counts a message sent through the invitation (its notification
// is the message's own, which carries the invitation's label).
func (v *Visit) Messaged() {
	if v == nil {
		return
	}
	code := v.inv.Code
	v.t.record(func(ctx context.Context) error { return v.t.store.Messaged(ctx, code) })
}

// Summary is what was read, for people: "read NoteLytix 3 min, about
// 20 s": the case studies first, then the sections, longest first.
func Summary(reads []Read, title func(page string) string) string {
	reads = slices.Clone(reads)
	slices.SortStableFunc(reads, func(a, b Read) int {
		if ca, cb := strings.HasPrefix(a.Page, "projects/"), strings.HasPrefix(b.Page, "projects/"); ca != cb {
			if ca {
				return -1
			}
			return 1
		}
		return int(b.Seconds - a.Seconds)
	})
	var parts []string
	for _, r := range reads {
		parts = append(parts, title(r.Page)+" "+Duration(time.Duration(r.Seconds)*time.Second))
	}
	if len(parts) == 0 {
		return ""
	}
	return "read " + strings.Join(parts, ", ")
}

// Duration is a short duration for people: "40 s", "3 min", "1 h 5 min".
func Duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int((d+30*time.Second)/time.Minute))
	}
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
