package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// A database whose schema a newer portfolio migrated (the version row
// bumped by hand here) is refused, by Open and OpenServing alike, with an
// error naming both versions and the flag; AllowNewerSchema uses it. (On
// main the older binary served it silently.)
func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.URL(t)
	s := open(t, url)
	ours := SchemaVersion()
	if ours < 1 {
		t.Fatalf("SchemaVersion = %d", ours)
	}
	if _, err := s.pool.Exec(context.Background(), "INSERT INTO schema_migrations (version) VALUES ($1)", ours+1); err != nil {
		t.Fatal(err)
	}
	s.Close()

	want := fmt.Sprintf("schema is version %d, newer than this binary's version %d", ours+1, ours)
	check := func(what string, err error) {
		t.Helper()
		var newer *SchemaNewerError
		if !errors.As(err, &newer) || newer.Database != ours+1 || newer.Binary != ours ||
			!strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--allow-newer-schema") {
			t.Errorf("%s on a newer schema = %v; want a refusal naming both versions and the flag", what, err)
		}
	}
	if s, err := Open(context.Background(), url); err == nil {
		s.Close()
		t.Error("Open used a newer schema")
	} else {
		check("Open", err)
	}
	if s, _, err := OpenServing(context.Background(), url); err == nil {
		s.Close()
		t.Error("OpenServing used a newer schema")
	} else {
		check("OpenServing", err)
	}

	allowed, err := Open(context.Background(), url, AllowNewerSchema(true))
	if err != nil {
		t.Fatalf("Open with AllowNewerSchema = %v", err)
	}
	defer allowed.Close()
	if allowed.NewerSchema() != ours+1 {
		t.Errorf("NewerSchema = %d; want %d", allowed.NewerSchema(), ours+1)
	}
	if n := count(t, allowed, "SELECT count(*) FROM schema_migrations"); n != ours+1 {
		t.Errorf("schema_migrations has %d rows; want %d (nothing re-applied)", n, ours+1)
	}
	// The same binary on its own schema is not "newer".
	same := open(t, pgtest.URL(t))
	if same.NewerSchema() != 0 {
		t.Errorf("NewerSchema on our own schema = %d", same.NewerSchema())
	}
}
