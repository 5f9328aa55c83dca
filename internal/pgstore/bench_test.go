package pgstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// BenchmarkAppend compares storing a message in the file store (write and
// fsync) with PostgreSQL (a committed transaction, fsync on) on this
// machine, one sender at a time and 8 at once. It reports messages stored
// per second and the 99th percentile latency of one Append.
//
//	go test -run '^$' -bench Append -benchtime 2000x ./pgstore/
func BenchmarkAppend(b *testing.B) {
	pg, err := pgtest.StartDurable()
	if err != nil {
		if pgtest.Required() {
			b.Fatal(err)
		}
		b.Skipf("no PostgreSQL: %v", err)
	}
	defer pg.Close()
	stores := map[string]func(b *testing.B) inbox.Appender{
		"file": func(b *testing.B) inbox.Appender {
			s, err := filestore.OpenStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(b *testing.B) inbox.Appender {
			url, err := pg.NewDatabase()
			if err != nil {
				b.Fatal(err)
			}
			s, err := Open(context.Background(), url)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, name := range []string{"file", "postgres"} {
		for _, senders := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/senders=%d", name, senders), func(b *testing.B) {
				st := stores[name](b)
				lat := make([]time.Duration, b.N)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for range senders {
					wg.Go(func() {
						for {
							i := int(next.Add(1)) - 1
							if i >= b.N {
								return
							}
							t0 := time.Now()
							_, err := st.Append(inbox.Message{Name: "Zoë", ReplyTo: "z@example.com", Message: fmt.Sprintf("bonjour %d 🎉", i), Remote: "192.0.2.1"})
							lat[i] = time.Since(t0)
							if err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
