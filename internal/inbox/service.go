package inbox

import (
	"crypto/sha256"
	"errors"
	"io"
	"sync"
	"time"

	"charm.land/log/v2"
)

const (
	dupWindow  = time.Minute
	maxRecents = 10_000
)

// ServiceOptions configures a Service.
type ServiceOptions struct {
	PerHour  int              // messages per sender per hour; <= 0 unlimited
	Logger   *log.Logger      // nil discards logs
	Notifier Notifier         // nil: no notifications
	Now      func() time.Time // nil: time.Now

	// TotalPerHour caps the messages from everyone together each hour;
	// <= 0 unlimited.
	TotalPerHour int
	// Elsewhere lists the owner's other ways to be reached, offered when
	// the inbox is busy (see BusyError).
	Elsewhere []string
}

// Notifier tells the owner about each stored message (package notify's
// Notifier). Send must not block.
type Notifier interface {
	Send(Message)
}

// Service is what the contact form calls: it validates, de-duplicates,
// rate-limits, stores and notifies. It is safe for concurrent use.
type Service struct {
	store  Appender
	limit  *Limiter
	log    *log.Logger
	notify Notifier
	now    func() time.Time
	// elsewhere is ServiceOptions.Elsewhere.
	elsewhere []string

	mu      sync.Mutex // held for a whole Submit, so checks and writes agree
	recents []recent   // oldest first
}

// recent is a message stored less than dupWindow ago.
type recent struct {
	remote, fingerprint string
	text                [sha256.Size]byte // of name, reply-to and message
	receipt             Receipt
	at                  time.Time
}

// NewService returns a service storing to store (a *filestore.Store, or a shared
// database's store).
func NewService(store Appender, opts ServiceOptions) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = log.New(io.Discard)
	}
	return &Service{
		store:  store,
		limit:  NewLimiter(opts.PerHour, opts.Now).WithTotal(opts.TotalPerHour),
		log:    opts.Logger,
		notify: opts.Notifier,
		now:    opts.Now,

		elsewhere: opts.Elsewhere,
	}
}

// Submit validates and stores a visitor's message. Errors are a
// ValidationError, a *RateLimitError (the sender's own limit), a
// *BusyError (a limit shared with others), or an error wrapping
// ErrStorage.
// Sending the same text again from the same IP or key within a minute
// returns the first receipt with Duplicate set and stores nothing.
func (s *Service) Submit(sub Submission) (Receipt, error) {
	sub, err := Validate(sub)
	if err != nil {
		return Receipt{}, err
	}
	text := textHash(sub)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.pruneRecents(now)
	if r, ok := s.findDuplicate(sub, text); ok {
		r.Duplicate = true
		s.log.Info("duplicate message ignored", "id", r.ID, "remote", sub.Remote, "fingerprint", sub.Fingerprint)
		return r, nil
	}
	if wait, ok := s.limit.Allow(sub.Remote, sub.Fingerprint); !ok {
		s.log.Warn("message rate limited", "remote", sub.Remote, "fingerprint", sub.Fingerprint, "retry_after", wait)
		return Receipt{}, &RateLimitError{RetryAfter: wait}
	}
	if s.limit.Busy(sub.Remote) {
		s.log.Warn("message refused: inbox busy", "remote", sub.Remote, "fingerprint", sub.Fingerprint)
		return Receipt{}, &BusyError{Elsewhere: s.elsewhere}
	}
	stored := Message{
		Time:        now,
		Name:        sub.Name,
		ReplyTo:     sub.ReplyTo,
		Message:     sub.Message,
		Fingerprint: sub.Fingerprint,
		Remote:      sub.Remote,
		Via:         sub.Via,
		Invitation:  sub.Invitation,
	}
	if sub.Invitation != "" {
		// A visitor who came through an invitation is known to the
		// owner by it alone: no address or key is kept.
		stored.Remote, stored.Fingerprint = "", ""
	}
	m, err := s.store.Append(stored)
	if dup := (*DuplicateError)(nil); errors.As(err, &dup) {
		// Stored moments ago through another machine of a shared store.
		s.log.Info("duplicate message ignored", "id", dup.Stored.ID, "remote", sub.Remote, "fingerprint", sub.Fingerprint)
		return Receipt{ID: dup.Stored.ID, Time: dup.Stored.Time, Duplicate: true}, nil
	}
	if err != nil {
		if !errors.Is(err, ErrStorage) {
			err = storageErr(err)
		}
		s.log.Error("storing message failed", "remote", sub.Remote, "fingerprint", sub.Fingerprint, "err", err)
		return Receipt{}, err
	}
	s.limit.Record(sub.Remote, sub.Fingerprint)
	if s.notify != nil {
		s.notify.Send(m)
	}
	r := Receipt{ID: m.ID, Time: m.Time}
	s.recents = append(s.recents, recent{
		remote: sub.Remote, fingerprint: sub.Fingerprint,
		text: text, receipt: r, at: now,
	})
	if len(s.recents) > maxRecents {
		s.recents = append([]recent(nil), s.recents[len(s.recents)-maxRecents:]...)
	}
	s.log.Info("message stored", "id", m.ID, "remote", sub.Remote, "fingerprint", sub.Fingerprint, "via", sub.Via)
	return r, nil
}

func textHash(sub Submission) [sha256.Size]byte {
	h := sha256.New()
	for _, f := range []string{sub.Name, sub.ReplyTo, sub.Message} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

func (s *Service) pruneRecents(now time.Time) {
	i := 0
	for i < len(s.recents) && now.Sub(s.recents[i].at) >= dupWindow {
		i++
	}
	if i > 0 {
		s.recents = append(s.recents[:0], s.recents[i:]...)
	}
}

func (s *Service) findDuplicate(sub Submission, text [sha256.Size]byte) (Receipt, bool) {
	for i := len(s.recents) - 1; i >= 0; i-- {
		r := s.recents[i]
		sameSender := r.remote == sub.Remote || (sub.Fingerprint != "" && r.fingerprint == sub.Fingerprint)
		if sameSender && r.text == text {
			return r.receipt, true
		}
	}
	return Receipt{}, false
}
