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
//
// A database whose schema is newer than the newest migration built in (a
// newer portfolio migrated it: a rolling deploy, a rollback) is refused
// with a *SchemaNewerError naming both versions, unless allowNewer: then
// it is used as it is, and its version returned.
func migrate(ctx context.Context, pool *pgxpool.Pool, allowNewer bool) (newer int, err error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	slices.Sort(files)
	versions := make([]int, len(files))
	for i, f := range files {
		if versions[i], err = strconv.Atoi(strings.SplitN(path.Base(f), "_", 2)[0]); err != nil {
			return 0, fmt.Errorf("migration %s: no version number", f)
		}
	}
	ours := SchemaVersion()
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var theirs int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM schema_migrations").Scan(&theirs); err != nil {
			return err
		}
		if theirs > ours {
			if !allowNewer {
				return &SchemaNewerError{Database: theirs, Binary: ours}
			}
			newer = theirs
		}
		for i, f := range files {
			v := versions[i]
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
	return newer, err
}

// SchemaVersion is the newest schema version this binary knows: its last
// migration's number.
func SchemaVersion() int {
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	v := 0
	for _, f := range files {
		if n, err := strconv.Atoi(strings.SplitN(path.Base(f), "_", 2)[0]); err == nil && n > v {
			v = n
		}
	}
	return v
}

// SchemaNewerError is a database whose schema is newer than this
// binary's: a newer portfolio migrated it.
type SchemaNewerError struct {
	Database, Binary int // the schema versions
}

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("the database's schema is version %d, newer than this binary's version %d: a newer portfolio migrated it. "+
		"Run that version, or, if its schema is known to work with this one (a rolling deploy, a rollback), "+
		"start with --allow-newer-schema (PORTFOLIO_ALLOW_NEWER_SCHEMA=true)", e.Database, e.Binary)
}
