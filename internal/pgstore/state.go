package pgstore

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// readTimeout bounds one read or state change for the owner.
const readTimeout = 10 * time.Second

// Page returns up to n messages from the from-th newest on (the window
// slides back to hold n at the end), with their read marks and the
// totals, as filestore.Mailbox.Page does for the files. If keep is the ID of a
// stored message, Kept is its index now. Messages are sanitised for
// display.
func (s *Store) Page(from, n int, keep string) (inbox.Page, error) {
	return s.page(from, n, keep, false)
}

// ArchivedPage is Page over the archived messages instead.
func (s *Store) ArchivedPage(from, n int, keep string) (inbox.Page, error) {
	return s.page(from, n, keep, true)
}

// page is a page of the messages whose archived mark is archived: the
// owner's inbox, or what they set aside.
func (s *Store) page(from, n int, keep string, archived bool) (inbox.Page, error) {
	if err := s.ready(); err != nil {
		return inbox.Page{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	p := inbox.Page{Kept: -1}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE NOT coalesce(st.read, false))
			FROM messages m LEFT JOIN message_state st USING (id)
			WHERE coalesce(st.archived, false) = $1`, archived).Scan(&p.Total, &p.Unread); err != nil {
			return err
		}
		if keep != "" {
			var kept int
			err := tx.QueryRow(ctx, `SELECT count(*) FROM messages m LEFT JOIN message_state st USING (id), messages k
				WHERE k.id = $1 AND (m.time, m.seq) > (k.time, k.seq)
				AND coalesce(st.archived, false) = $2`, keep, archived).Scan(&kept)
			if err != nil {
				return err
			}
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM messages m LEFT JOIN message_state st USING (id)
				WHERE m.id = $1 AND coalesce(st.archived, false) = $2)`, keep, archived).Scan(&exists); err != nil {
				return err
			}
			if exists {
				p.Kept = kept
			}
		}
		p.From = max(0, min(from, p.Total-n))
		rows, err := tx.Query(ctx, `SELECT `+prefixed("m.", messageColumns)+`, coalesce(st.read, false)
			FROM messages m LEFT JOIN message_state st USING (id)
			WHERE coalesce(st.archived, false) = $3
			ORDER BY m.time DESC, m.seq DESC OFFSET $1 LIMIT $2`, p.From, max(n, 0), archived)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m inbox.Message
			var read bool
			if err := rows.Scan(append(messageFields(&m), &read)...); err != nil {
				return err
			}
			m.Time = m.Time.UTC()
			p.Messages = append(p.Messages, m.Sanitized())
			p.Read = append(p.Read, read)
		}
		return rows.Err()
	})
	if err != nil {
		return inbox.Page{}, s.wrap(err)
	}
	return p, nil
}

// MarkRead records that the owner opened a message.
func (s *Store) MarkRead(id string) error { return s.setState(id, "read", true) }

// MarkUnread takes the read mark off a message.
func (s *Store) MarkUnread(id string) error { return s.setState(id, "read", false) }

// Archive sets a message aside; the message itself stays as stored.
func (s *Store) Archive(id string) error { return s.setState(id, "archived", true) }

// Unarchive brings an archived message back.
func (s *Store) Unarchive(id string) error { return s.setState(id, "archived", false) }

// ErrNoMessage is returned for a state change of an id that isn't stored.
var ErrNoMessage = errors.New("no such message")

// setState sets one column of a message's state, and tells every machine.
func (s *Store) setState(id, column string, v bool) error {
	if err := s.ready(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	// column is one of two constants above, never input.
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO message_state (id, `+column+`)
			SELECT id, $2 FROM messages WHERE id = $1
			ON CONFLICT (id) DO UPDATE SET `+column+` = EXCLUDED.`+column+`, updated = now()`, id, v)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNoMessage
		}
		_, err = tx.Exec(ctx, "SELECT pg_notify($1, $2)", channel, id)
		return err
	})
	return s.wrap(err)
}

// StateOf returns the owner's marks on a message (zero if it has none).
func (s *Store) StateOf(id string) (inbox.MessageState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	var st inbox.MessageState
	err := s.pool.QueryRow(ctx, "SELECT read, archived FROM message_state WHERE id = $1", id).Scan(&st.Read, &st.Archived)
	if errors.Is(err, pgx.ErrNoRows) {
		return inbox.MessageState{}, nil
	}
	return st, s.wrap(err)
}

func prefixed(prefix, columns string) string {
	return prefix + strings.ReplaceAll(columns, ", ", ", "+prefix)
}

// Find returns the message whose id is, or uniquely starts with, prefix;
// ok is false when none or several match. The message is sanitised for
// display.
func (s *Store) Find(ctx context.Context, prefix string) (m inbox.Message, ok bool, err error) {
	rows, err := s.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE starts_with(id, $1) ORDER BY id = $1 DESC LIMIT 2`, prefix)
	if err != nil {
		return inbox.Message{}, false, s.wrap(err)
	}
	defer rows.Close()
	var found []inbox.Message
	for rows.Next() {
		var m inbox.Message
		if err := rows.Scan(messageFields(&m)...); err != nil {
			return inbox.Message{}, false, s.wrap(err)
		}
		m.Time = m.Time.UTC()
		found = append(found, m.Sanitized())
	}
	if err := rows.Err(); err != nil {
		return inbox.Message{}, false, s.wrap(err)
	}
	if len(found) == 0 || (len(found) == 2 && found[0].ID != prefix) {
		return inbox.Message{}, false, nil
	}
	return found[0], true, nil
}
