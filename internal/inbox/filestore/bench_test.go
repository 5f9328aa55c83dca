package filestore_test

import (
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/inbox/inboxtest"
)

// BenchmarkReadListing100k: indexing a 100,000-message log (81 MB) from
// scratch, as `portfolio inbox` and a server start do.
func BenchmarkReadListing100k(b *testing.B) {
	dir := b.TempDir()
	inboxtest.WriteLog(b, dir, 100_000)
	for b.Loop() {
		if _, err := filestore.ReadListing(dir); err != nil {
			b.Fatal(err)
		}
	}
}
