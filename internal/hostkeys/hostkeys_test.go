package hostkeys

import (
	"os"
	"path/filepath"
	"strings"
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

// A key file over MaxKeyFile (a 2 GB sparse file) is refused at once, by
// its size, with an error naming the file and the cap: the server doesn't
// start on it, and doesn't read 2 GB to find out.
func TestLoadOrCreateRefusesOversize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 2<<30); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOrCreate(dir)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "over its cap of 64 KiB") {
		t.Fatalf("LoadOrCreate(2 GB key file) = %v; want a refusal naming the file and the cap", err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != 2<<30 {
		t.Errorf("the owner's file was touched: %v, %v", st, err)
	}
}
