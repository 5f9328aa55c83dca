// Package pgstore keeps the portfolio's messages, their state (read,
// archived) and the visitor statistics in PostgreSQL, so several machines
// (say, Fly.io regions) share one inbox. It is chosen with --database-url;
// the files in the data directory stay the default.
//
// It keeps the file store's promises: a message is acknowledged only once
// its transaction has committed; the same text from the same sender within
// a minute is stored once, whichever machine it came through (checked
// under an advisory lock); ids are unique across machines (the primary
// key); every field is sanitised before it is stored. A stored message is
// announced with NOTIFY, so an owner's open Inbox on any machine updates.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// channel is the NOTIFY channel of stored messages and changed state.
const channel = "portfolio_inbox"

// connectTimeout bounds one attempt to reach the database, so a database
// that is away fails a visitor's message quickly instead of holding it.
const connectTimeout = 5 * time.Second

// Store is a PostgreSQL-backed store of messages, message state and
// statistics. It is safe for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	connCfg *pgx.ConnConfig // for the listening connection
	secret  string          // the URL, to keep it out of errors
	now     func() time.Time

	changes  inbox.Changes
	up       atomic.Bool // the listening connection is connected
	wasUp    atomic.Bool // it has been connected once: a reconnect follows an outage
	migrated atomic.Bool // the schema is applied
	// suspect: the database may have gone away since the pool's idle
	// connections were made (the listener lost its connection, or a
	// query failed on a dead one): every acquire pings first, until a
	// message is stored again.
	suspect atomic.Bool
	cancel  context.CancelFunc
	done    chan struct{}

	allowNewer bool         // AllowNewerSchema
	newer      atomic.Int64 // the database's schema version, when newer than ours
}

// An Option changes how Open and OpenServing open the store.
type Option func(*Store)

// AllowNewerSchema lets the store use a database whose schema a newer
// portfolio has already migrated past this binary's: during a rolling
// deploy, or after a rollback, when the newer schema is known to be
// compatible (--allow-newer-schema). Without it such a database is
// refused with a *SchemaNewerError.
func AllowNewerSchema(allow bool) Option { return func(s *Store) { s.allowNewer = allow } }

// NewerSchema is the database's schema version when it is newer than
// this binary's and AllowNewerSchema let the store use it, else 0.
func (s *Store) NewerSchema() int { return int(s.newer.Load()) }

// Open connects to the database at rawURL, applies the schema's
// migrations and starts listening for changes made through other
// machines. The database must be reachable now. Errors never contain the
// URL's password.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	s, err := newStore(rawURL, opts)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	s.start()
	return s, nil
}

// OpenServing is Open for a server, which must come up even while the
// database is away (a machine restarting during a failover): when the
// database can't be reached, the store is returned with Available false
// and the error as a warning; it connects and migrates by itself when the
// database returns, and refuses messages (ErrStorage) until then. A
// database that answers with an error (a wrong password, no such
// database) still fails: that is a mistake to fix at deploy time.
func OpenServing(ctx context.Context, rawURL string, opts ...Option) (s *Store, warning, err error) {
	if s, err = newStore(rawURL, opts); err != nil {
		return nil, nil, err
	}
	if err := s.migrate(ctx); err != nil {
		var pgErr *pgconn.PgError
		var newer *SchemaNewerError
		if errors.As(err, &pgErr) || errors.As(err, &newer) {
			s.pool.Close()
			return nil, nil, err
		}
		warning = err
	}
	s.start()
	return s, warning, nil
}

func newStore(rawURL string, opts []Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("database url: %s", Redact(err.Error(), rawURL))
	}
	cfg.ConnConfig.ConnectTimeout = connectTimeout
	s := &Store{connCfg: cfg.ConnConfig.Copy(), secret: rawURL, now: time.Now, done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	// pgxpool pings only connections idle for a second; after an outage
	// a connection used just before it is as dead (see suspect).
	cfg.ShouldPing = func(_ context.Context, p pgxpool.ShouldPingParams) bool {
		return s.suspect.Load() || p.IdleDuration >= time.Second
	}
	if s.pool, err = pgxpool.NewWithConfig(context.Background(), cfg); err != nil {
		return nil, s.wrap(err)
	}
	return s, nil
}

// migrate applies the schema's migrations, once per store.
func (s *Store) migrate(ctx context.Context) error {
	if s.migrated.Load() {
		return nil
	}
	newer, err := migrate(ctx, s.pool, s.allowNewer)
	if err != nil {
		return fmt.Errorf("database schema: %w", s.wrap(err))
	}
	s.newer.Store(int64(newer))
	s.migrated.Store(true)
	return nil
}

// ready fails while the schema could not be applied yet (the database
// has been away since the start).
func (s *Store) ready() error {
	if !s.migrated.Load() {
		return errors.New("the database has not been reachable since the start")
	}
	return nil
}

// start starts listening for changes.
func (s *Store) start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go s.listen(ctx)
}

// Close stops listening and closes the connections.
func (s *Store) Close() error {
	s.cancel()
	<-s.done
	s.pool.Close()
	return nil
}

// Available reports whether the database is reachable, as far as the
// store last saw: false while the connection that listens for changes is
// down (the store keeps reconnecting).
func (s *Store) Available() bool { return s.up.Load() }

// Subscribe returns a channel that receives a value after messages are
// stored or their state changes, through any machine, and the function
// that ends the subscription. Bursts coalesce into one wake-up.
func (s *Store) Subscribe() (<-chan struct{}, func()) { return s.changes.Subscribe() }

// listen keeps a connection LISTENing on the channel, reconnecting with
// backoff while the database is away, and wakes subscribers on every
// notification and after every reconnect (notifications sent meanwhile
// are lost, so subscribers read again).
func (s *Store) listen(ctx context.Context) {
	defer close(s.done)
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, func() { wait = 100 * time.Millisecond })
		s.up.Store(false)
		s.suspect.Store(true)
		if ctx.Err() != nil {
			return
		}
		_ = err // the cause is visible as Available() == false
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, connected func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.connCfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	connected()
	if s.wasUp.Swap(true) {
		// Back after an outage: the pool's idle connections died with
		// the old server; drop them rather than fail a visitor on each.
		s.pool.Reset()
	}
	s.changes.Publish()
	s.up.Store(true) // after the wake-up: a caller who sees Available sees no stale one
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		s.changes.Publish()
	}
}

// wrap returns err with the URL and its password taken out.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	msg := Redact(err.Error(), s.secret)
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

// Redact returns text with the database URL, and the password in it,
// replaced: for errors and logs, which must never show the secret.
func Redact(text, rawURL string) string {
	if rawURL == "" {
		return text
	}
	text = strings.ReplaceAll(text, rawURL, RedactURL(rawURL))
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			text = strings.ReplaceAll(text, pw, "xxxxx")
		}
	}
	for _, kv := range strings.Fields(rawURL) { // key=value form
		if v, ok := strings.CutPrefix(kv, "password="); ok && v != "" {
			text = strings.ReplaceAll(text, v, "xxxxx")
		}
	}
	return text
}

// RedactURL returns the URL with its password (and query, which may hold
// one) replaced, for showing where a store is.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return "(database url)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	return u.Redacted()
}
