package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An --owner-keys file over its cap (a 2 GB sparse file) is refused at
// start with the file and the cap named, found by its size, not by
// reading it.
func TestLoadOwnerKeysOversize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 2<<30); err != nil {
		t.Fatal(err)
	}
	_, err := loadOwnerKeys(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "over its cap of 1 MiB") {
		t.Fatalf("loadOwnerKeys(2 GB) = %v; want a refusal naming the file and the cap", err)
	}
}
