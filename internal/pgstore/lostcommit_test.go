package pgstore

import (
	"bytes"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// commitDropper is a TCP proxy to the database at dbURL. Once armed, the
// first connection that sends a COMMIT has it reach the database, and is
// cut as soon as the database answers: the commit has landed, but the
// client never hears so. It returns the proxy's URL and the arming func.
func commitDropper(t *testing.T, dbURL string) (string, func()) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		armed atomic.Bool
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			wg.Go(func() { // database → client
				io.Copy(c, s)
				c.Close()
			})
			wg.Go(func() { // client → database
				defer s.Close()
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						cut := bytes.Contains(bytes.ToLower(buf[:n]), []byte("commit")) && armed.CompareAndSwap(true, false)
						if cut {
							// Hold the answer back: close the client's
							// side first, then let the commit through.
							c.Close()
						}
						if _, werr := s.Write(buf[:n]); werr != nil {
							return
						}
						if cut {
							var one [1]byte
							s.Read(one[:]) // the database has answered: it committed
							return
						}
					}
					if err != nil {
						return
					}
				}
			})
		}
	})
	u.Host = ln.Addr().String()
	return u.String(), func() { armed.Store(true) }
}

// A commit that lands while the connection dies is retried on a fresh
// one; the retry must recognise the message as its own and acknowledge
// it as stored, not as a duplicate of an earlier send (which skips the
// owner's notification and tells the visitor "Already received").
func TestLostCommitIsStoredNotDuplicate(t *testing.T) {
	proxied, arm := commitDropper(t, pgtest.URL(t))
	s := open(t, proxied)
	arm()
	m, err := s.Append(inbox.Message{Name: "Zoë Nguyễn", ReplyTo: "zoe@example.com", Message: "こんにちは, ça va? 👋", Remote: "198.51.100.9"})
	if err != nil {
		t.Fatalf("Append after a lost commit: %v", err)
	}
	if n := count(t, s, "SELECT count(*) FROM messages WHERE id = $1", m.ID); n != 1 {
		t.Errorf("%d rows with the acknowledged id %s, want 1", n, m.ID)
	}
	if n := count(t, s, "SELECT count(*) FROM messages"); n != 1 {
		t.Errorf("%d messages stored, want 1", n)
	}
}
