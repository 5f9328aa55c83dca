package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's versions, NNNN_name.sql, applied in order.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the advisory lock key that serialises migrations ("port"
// in ASCII).
const migrateLock = 0x706f7274

// migrate applies the migrations not yet applied, in one transaction under
// a transaction-scoped advisory lock: machines starting together take
// turns, and the later ones find nothing left to do.
//
// Why not goose or golang-migrate: both work through database/sql (a
// second driver stack beside pgxpool) and bring their own lock tables or
// session locks; this schema needs only ordered SQL files, and
// PostgreSQL's transactional DDL with pg_advisory_xact_lock already gives
// all-or-nothing, one-at-a-time migrations in forty lines.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(files)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for _, f := range files {
			v, err := strconv.Atoi(strings.SplitN(path.Base(f), "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: no version number", f)
			}
			var done bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", v).Scan(&done); err != nil {
				return err
			}
			if done {
				continue
			}
			sql, err := migrations.ReadFile(f)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("migration %s: %w", path.Base(f), err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", v); err != nil {
				return err
			}
		}
		return nil
	})
}
