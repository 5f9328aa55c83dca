package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/pgstore"
)

// openTimeout bounds connecting to the database and migrating when the
// server starts.
const openTimeout = 30 * time.Second

// dbStore is PostgreSQL: pgstore's Store, with the owner's lookups in the
// shape of Store.
type dbStore struct{ *pgstore.Store }

// OpenDatabase opens the PostgreSQL database of o.DatabaseURL. The server serves even if it can't be
// reached right now (a failover: messages wait for it); a database that
// refuses us stops the start, so the owner learns at deploy time, not
// from a visitor whose message was refused.
func OpenDatabase(ctx context.Context, o Options) (Store, error) {
	if !o.Serving {
		pg, err := pgstore.Open(ctx, o.DatabaseURL, pgstore.AllowNewerSchema(o.AllowNewerSchema))
		if err != nil {
			return nil, fmt.Errorf("--database-url: %w", err)
		}
		if v := pg.NewerSchema(); v != 0 {
			o.warn(fmt.Sprintf("the database's schema is version %d, newer than this binary's %d; using it (--allow-newer-schema)", v, pgstore.SchemaVersion()))
		}
		return dbStore{pg}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	pg, warning, err := pgstore.OpenServing(ctx, o.DatabaseURL, pgstore.AllowNewerSchema(o.AllowNewerSchema))
	if err != nil {
		return nil, fmt.Errorf("--database-url: %w", err)
	}
	if o.Logger != nil {
		if warning != nil {
			o.Logger.Warn("database unreachable: serving, refusing messages until it returns", "err", warning)
		}
		if v := pg.NewerSchema(); v != 0 {
			o.Logger.Warn("the database's schema is newer than this binary's; using it (--allow-newer-schema)", "database_version", v, "binary_version", pgstore.SchemaVersion())
		}
		o.Logger.Info("storing messages and statistics in PostgreSQL", "database", pgstore.RedactURL(o.DatabaseURL))
	}
	return dbStore{pg}, nil
}

func (d dbStore) Find(ctx context.Context, id string) (inbox.Message, inbox.MessageState, error) {
	m, ok, err := d.Store.Find(ctx, id)
	if err != nil {
		return m, inbox.MessageState{}, err
	}
	if !ok {
		return m, inbox.MessageState{}, fmt.Errorf("no message with id %q (or the prefix matches several)", inbox.Sanitize(id, false))
	}
	st, err := d.StateOf(m.ID)
	return m, st, err
}

// allBatch is how many messages All reads at a time.
const allBatch = 1024

func (d dbStore) All(_ context.Context, fn func(inbox.Message, inbox.MessageState) error) error {
	type stated struct {
		m  inbox.Message
		st inbox.MessageState
	}
	var all []stated
	for _, archived := range []bool{false, true} {
		page := d.Page
		if archived {
			page = d.ArchivedPage
		}
		for from := 0; ; from += allBatch {
			p, err := page(from, allBatch, "")
			if err != nil {
				return err
			}
			// The last window slides back to stay full: skip what was had.
			for i := from - p.From; i >= 0 && i < len(p.Messages); i++ {
				all = append(all, stated{p.Messages[i], inbox.MessageState{Read: p.Read[i], Archived: archived}})
			}
			if from+allBatch >= p.Total {
				break
			}
		}
	}
	slices.SortStableFunc(all, func(a, b stated) int { return a.m.Time.Compare(b.m.Time) })
	for _, e := range all {
		if err := fn(e.m, e.st); err != nil {
			return err
		}
	}
	return nil
}
