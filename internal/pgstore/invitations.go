package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pragyamugale/portfolio/internal/invite"
)

// Invitations is the invitations' part of the store (package invite):
// every machine shares them, and the first open is set by one atomic
// UPDATE, so it is announced once, not once per machine.
func (s *Store) Invitations() invite.Store { return invitations{s} }

type invitations struct{ s *Store }

const invitationColumns = `code, label, greeting, created, revoked, first_opened, first_channel, last_opened, visits, messages`

func scanInvitation(row pgx.Row, inv *invite.Invitation) error {
	var visits, messages int64
	err := row.Scan(&inv.Code, &inv.Label, &inv.Greeting, &inv.Created, &inv.Revoked, &inv.FirstOpened,
		&inv.FirstChannel, &inv.LastOpened, &visits, &messages)
	inv.Visits, inv.Messages = int(visits), int(messages)
	inv.Created = inv.Created.UTC()
	for _, t := range []*time.Time{inv.Revoked, inv.FirstOpened, inv.LastOpened} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return err
}

func (v invitations) Create(ctx context.Context, inv invite.Invitation) error {
	if err := v.s.ready(); err != nil {
		return err
	}
	var n int
	if err := v.s.pool.QueryRow(ctx, "SELECT count(*) FROM invitations").Scan(&n); err != nil {
		return v.s.wrap(err)
	}
	if n >= invite.MaxInvitations {
		return invite.ErrFull
	}
	_, err := v.s.pool.Exec(ctx, `INSERT INTO invitations (code, label, greeting, created) VALUES ($1, $2, $3, $4)`,
		inv.Code, inv.Label, inv.Greeting, inv.Created)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return invite.ErrExists
	}
	return v.s.wrap(err)
}

func (v invitations) List(ctx context.Context) ([]invite.Invitation, error) {
	if err := v.s.ready(); err != nil {
		return nil, err
	}
	rows, err := v.s.pool.Query(ctx, `SELECT `+invitationColumns+` FROM invitations ORDER BY created, code LIMIT $1`, invite.MaxInvitations)
	if err != nil {
		return nil, v.s.wrap(err)
	}
	var all []invite.Invitation
	idx := map[string]int{}
	for rows.Next() {
		var inv invite.Invitation
		if err := scanInvitation(rows, &inv); err != nil {
			rows.Close()
			return nil, v.s.wrap(err)
		}
		idx[inv.Code] = len(all)
		all = append(all, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, v.s.wrap(err)
	}
	rows, err = v.s.pool.Query(ctx, `SELECT code, page, seconds, views FROM invitation_reads ORDER BY code, page`)
	if err != nil {
		return nil, v.s.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var r invite.Read
		var secs, views int64
		if err := rows.Scan(&code, &r.Page, &secs, &views); err != nil {
			return nil, v.s.wrap(err)
		}
		r.Seconds, r.Views = secs, int(views)
		if i, ok := idx[code]; ok {
			all[i].Reads = append(all[i].Reads, r)
		}
	}
	return all, v.s.wrap(rows.Err())
}

func (v invitations) Lookup(ctx context.Context, code string) (invite.Invitation, bool, error) {
	if err := v.s.ready(); err != nil {
		return invite.Invitation{}, false, err
	}
	var inv invite.Invitation
	err := scanInvitation(v.s.pool.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE code = $1`, code), &inv)
	if errors.Is(err, pgx.ErrNoRows) {
		return invite.Invitation{}, false, nil
	}
	if err != nil {
		return invite.Invitation{}, false, v.s.wrap(err)
	}
	return inv, true, nil
}

func (v invitations) Revoke(ctx context.Context, code string, at time.Time) (invite.Invitation, error) {
	if err := v.s.ready(); err != nil {
		return invite.Invitation{}, err
	}
	var inv invite.Invitation
	err := scanInvitation(v.s.pool.QueryRow(ctx, `UPDATE invitations SET revoked = coalesce(revoked, $2)
		WHERE code = $1 RETURNING `+invitationColumns, code, at.UTC().Truncate(time.Second)), &inv)
	if errors.Is(err, pgx.ErrNoRows) {
		return inv, invite.ErrNotFound
	}
	return inv, v.s.wrap(err)
}

// Opened counts the visit and sets the first opening with UPDATE …
// WHERE first_opened IS NULL RETURNING: of machines opening the same
// invitation at once, the row lock orders them and the later ones find
// first_opened set when their WHERE is checked again, so exactly one is
// told it was first.
func (v invitations) Opened(ctx context.Context, code, channel string, at time.Time) (bool, error) {
	if err := v.s.ready(); err != nil {
		return false, err
	}
	at = at.UTC().Truncate(time.Second)
	first := false
	err := pgx.BeginFunc(ctx, v.s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE invitations SET first_opened = $2, first_channel = $3
			WHERE code = $1 AND revoked IS NULL AND first_opened IS NULL RETURNING true`, code, at, channel).Scan(&first)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE invitations SET visits = visits + 1, last_opened = greatest(last_opened, $2)
			WHERE code = $1 AND revoked IS NULL`, code, at)
		return err
	})
	if err != nil {
		return false, v.s.wrap(err)
	}
	return first, nil
}

func (v invitations) Read(ctx context.Context, code, page string, d time.Duration) error {
	if err := v.s.ready(); err != nil {
		return err
	}
	secs := int64(d.Round(time.Second) / time.Second)
	_, err := v.s.pool.Exec(ctx, `INSERT INTO invitation_reads (code, page, seconds, views)
		SELECT $1, $2, $3, 1 FROM invitations i
		WHERE i.code = $1 AND i.revoked IS NULL
		  AND (SELECT count(*) FROM invitation_reads WHERE code = $1) < $4
		ON CONFLICT (code, page) DO UPDATE SET
			seconds = invitation_reads.seconds + EXCLUDED.seconds,
			views = invitation_reads.views + 1`, code, page, secs, invite.MaxPages)
	return v.s.wrap(err)
}

func (v invitations) Messaged(ctx context.Context, code string) error {
	if err := v.s.ready(); err != nil {
		return err
	}
	_, err := v.s.pool.Exec(ctx, `UPDATE invitations SET messages = messages + 1 WHERE code = $1 AND revoked IS NULL`, code)
	return v.s.wrap(err)
}
