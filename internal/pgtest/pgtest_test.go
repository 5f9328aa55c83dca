package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// The server starts, hands out separate databases, and comes back after a
// stop.
func TestServer(t *testing.T) {
	ctx := context.Background()
	a, b := URL(t), URL(t)
	if a == b {
		t.Fatalf("two tests got the same database %s", a)
	}
	query := func() error {
		conn, err := pgx.Connect(ctx, a)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		var v string
		return conn.QueryRow(ctx, "SHOW server_version").Scan(&v)
	}
	if err := query(); err != nil {
		t.Fatal(err)
	}
	s := Shared(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := query(); err == nil {
		t.Fatal("query succeeded with the server stopped")
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := query(); err != nil {
		t.Fatal(err)
	}
}
