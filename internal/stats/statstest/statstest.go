// Package statstest helps tests check the privacy of statistics files.
package statstest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// RequireAbsent fails the test if any file under dir contains any of the
// needles (compared case-insensitively), or if there are no files at all
// to look in.
func RequireAbsent(t testing.TB, dir string, needles ...string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, n := range needles {
			if n != "" && bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(n))) {
				t.Errorf("%s holds %q", path, n)
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("no statistics files under %s (%v)", dir, err)
	}
}
