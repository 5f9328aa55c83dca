package pgstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// dupWindow is how long the same text from the same sender counts as a
// duplicate, as in inbox.Service.
const dupWindow = time.Minute

// dupLock is the advisory lock namespace of the duplicate check ("dupl").
const dupLock = 0x6475706c

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID returns 8 random lowercase base32 characters, like the file
// store's ids; the primary key makes them unique across machines.
func newID() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}

// textHash identifies a message's text: name, reply-to and message.
func textHash(m inbox.Message) []byte {
	h := sha256.New()
	for _, f := range []string{m.Name, m.ReplyTo, m.Message} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// Append stores a message and returns it as stored: ID assigned, Time in
// UTC to the second (now if zero), every text field sanitised, Checksum
// computed. It returns only once the transaction has committed. If the
// same sender (IP or key) sent the same text less than a minute before,
// through any machine, nothing is stored and the error is an
// *inbox.DuplicateError with the stored message. Other errors wrap
// inbox.ErrStorage.
func (s *Store) Append(m inbox.Message) (inbox.Message, error) {
	if err := s.ready(); err != nil {
		return inbox.Message{}, fmt.Errorf("%w: %v", inbox.ErrStorage, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), inbox.WriteTimeout)
	defer cancel()
	if m.Time.IsZero() {
		m.Time = s.now()
	}
	m.Time = m.Time.UTC().Truncate(time.Second)
	m = m.Sanitized()
	hash := textHash(m)
	retried := false
	var tried []string // ids drawn: a retry may find its own earlier commit
	for range 10 {
		m.ID = newID()
		m.Checksum = m.Sum()
		tried = append(tried, m.ID)
		dup, err := s.insert(ctx, m, hash)
		var pgErr *pgconn.PgError
		isPg := errors.As(err, &pgErr)
		switch {
		case isPg && pgErr.Code == "23505" && pgErr.ConstraintName == "messages_pkey":
			continue // another machine took the id: draw again
		case err != nil && deadConn(err) && !retried && ctx.Err() == nil:
			// A pooled connection died with the database (a restart, a
			// failover), and so, likely, did every other idle one: drop
			// them all and try once more on a fresh one. Safe even if the
			// first commit did land: the duplicate check finds it, and
			// its id says it is this message.
			retried = true
			s.suspect.Store(true)
			s.pool.Reset()
			continue
		case err != nil:
			return inbox.Message{}, fmt.Errorf("%w: %v", inbox.ErrStorage, s.wrap(err))
		case dup != nil && slices.Contains(tried, dup.ID):
			// The first attempt's commit landed before its connection
			// died: this message is stored, not a duplicate of another.
			return *dup, nil
		case dup != nil:
			return inbox.Message{}, &inbox.DuplicateError{Stored: *dup}
		}
		s.suspect.Store(false)
		return m, nil
	}
	return inbox.Message{}, fmt.Errorf("%w: no free message id", inbox.ErrStorage)
}

// deadConn reports whether err says the connection is gone rather than
// that the database refused the statement: no answer at all (a network
// error), or the server ending the session (class 57P: "terminating
// connection due to administrator command" when it stops or restarts;
// class 08: connection exceptions). A pooled connection left over from
// before a restart fails its first use with the former.
func deadConn(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return true
	}
	return strings.HasPrefix(pgErr.Code, "57P") || strings.HasPrefix(pgErr.Code, "08")
}

// insert stores m unless it duplicates a recent message, which it returns.
// The advisory lock on the text's hash makes check-then-insert atomic
// across machines; different texts don't wait for each other.
func (s *Store) insert(ctx context.Context, m inbox.Message, hash []byte) (*inbox.Message, error) {
	var dup *inbox.Message
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		key := int32(binary.BigEndian.Uint32(hash))
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", int32(dupLock), key); err != nil {
			return err
		}
		var prev inbox.Message
		err := tx.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages
			WHERE text_hash = $1 AND time > $2 AND time <= $3
			  AND (remote = $4 OR ($5 <> '' AND fingerprint = $5))
			ORDER BY seq DESC LIMIT 1`,
			hash, m.Time.Add(-dupWindow), m.Time, m.Remote, m.Fingerprint).Scan(messageFields(&prev)...)
		if err == nil {
			prev.Time = prev.Time.UTC()
			dup = &prev
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, insertMessage, insertArgs(m, hash)...); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "SELECT pg_notify($1, $2)", channel, m.ID)
		return err
	})
	return dup, err
}

// Import stores a message exactly as given (id, time and checksum kept),
// for moving a file store's history into the database. A message whose id
// is already stored is left alone: importing twice stores nothing twice.
// It reports whether the message was new.
func (s *Store) Import(ctx context.Context, m inbox.Message) (bool, error) {
	m.Time = m.Time.UTC()
	tag, err := s.pool.Exec(ctx, insertMessage+" ON CONFLICT (id) DO NOTHING", insertArgs(m, textHash(m))...)
	if err != nil {
		return false, s.wrap(err)
	}
	return tag.RowsAffected() == 1, nil
}

const insertMessage = `INSERT INTO messages
	(id, time, name, reply_to, message, fingerprint, remote, checksum, text_hash, via, invitation)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

func insertArgs(m inbox.Message, hash []byte) []any {
	return []any{m.ID, m.Time, m.Name, m.ReplyTo, m.Message, m.Fingerprint, m.Remote, m.Checksum, hash, m.Via, m.Invitation}
}

const messageColumns = "id, time, name, reply_to, message, fingerprint, remote, checksum, via, invitation"

func messageFields(m *inbox.Message) []any {
	return []any{&m.ID, &m.Time, &m.Name, &m.ReplyTo, &m.Message, &m.Fingerprint, &m.Remote, &m.Checksum, &m.Via, &m.Invitation}
}
