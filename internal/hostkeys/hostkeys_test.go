package hostkeys

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateReusesKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	first, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created {
		t.Error("first start should create the key")
	}
	fi, err := os.Stat(first.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key mode = %o, want 600", got)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("dir mode = %o, want 700", got)
	}

	second, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if second.Created {
		t.Error("second start must reuse the key")
	}
	if first.Fingerprint != second.Fingerprint {
		t.Errorf("fingerprint changed across starts: %s vs %s", first.Fingerprint, second.Fingerprint)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("key dir holds %d files, want only the key", len(entries))
	}
}

func TestLoadOrCreateRejectsGarbage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(dir); err == nil {
		t.Fatal("want an error for a corrupt key file")
	}
}
