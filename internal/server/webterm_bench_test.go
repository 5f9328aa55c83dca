package server

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/coder/websocket"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// benchOut collects a session's output; eof is closed when it ends.
type benchOut struct {
	syncBuffer
	eof chan struct{}
}

// waitFor waits until the output after mark, stripped, holds s. (The
// benchmark's wait: it polls far more often than the tests' waits.)
func (o *benchOut) waitFor(b *testing.B, mark int, s string) {
	b.Helper()
	if !testkit.Eventually(waitTimeout, 200*time.Microsecond, func() bool { return strings.Contains(ansi.Strip(o.since(mark)), s) }) {
		b.Fatalf("never saw %q", s)
	}
}

// benchVisit is one visit over either transport.
type benchVisit struct {
	out  *benchOut
	send func(string)
}

func benchSSH(b *testing.B, ts *testServer) *benchVisit {
	c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{User: "bench", Auth: noAuth(),
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitTimeout})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	v := &benchVisit{out: &benchOut{eof: make(chan struct{})}}
	sess.Stdout = v.out
	stdin, _ := sess.StdinPipe()
	_ = sess.Setenv("COLORTERM", "truecolor")
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		b.Fatal(err)
	}
	go func() { _ = sess.Wait(); close(v.out.eof) }()
	v.send = func(k string) { _, _ = io.WriteString(stdin, k) }
	return v
}

func benchWS(b *testing.B, ts *testServer) *benchVisit {
	ctx := context.Background()
	origin := "http://" + ts.HTTPAddr().String()
	c, _, err := websocket.Dial(ctx, "ws://"+ts.HTTPAddr().String()+"/terminal/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.CloseNow() })
	v := &benchVisit{out: &benchOut{eof: make(chan struct{})}}
	_ = c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`))
	go func() {
		defer close(v.out.eof)
		for {
			_, p, err := c.Read(ctx)
			if err != nil {
				return
			}
			_, _ = v.out.Write(p)
		}
	}()
	v.send = func(k string) { _ = c.Write(ctx, websocket.MessageBinary, []byte(k)) }
	return v
}

// BenchmarkTerminalTransports compares the live terminal's WebSocket with
// SSH on the same server and host, at 100×30 with true colour: the time
// from a cold start (TCP, then the SSH handshake and session requests, or
// the WebSocket upgrade and the size message) to the whole first screen,
// and the bytes each key's frame costs (2, 3, Enter, Esc, 1, then q to
// leave, averaged over the six).
//
//	go test ./server -run x -bench TerminalTransports -benchtime 100x
func BenchmarkTerminalTransports(b *testing.B) {
	pf, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	cfg := config.Default()
	cfg.Addr, cfg.HTTPAddr, cfg.HostKeyDir, cfg.DataDir = "127.0.0.1:0", "127.0.0.1:0", b.TempDir(), b.TempDir()
	cfg.SessionRate, cfg.MaxConnsPerIP = 0, 0
	srv, err := newStack(cfg, pf, log.New(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve() }()
	defer srv.Close()
	ts := &testServer{stack: srv, addr: srv.Addr().String()}
	keys := []struct{ key, marker string }{
		{"2", pf.Skills.Groups[0].Name}, {"3", pf.Projects[0].Summary[:30]},
		{"\r", "System Architecture"}, {"\x1b", pf.Projects[1].Summary[:30]}, {"1", pf.Profile.Tagline[:30]},
	}
	for _, tr := range []struct {
		name string
		open func(*testing.B, *testServer) *benchVisit
	}{{"ssh", benchSSH}, {"websocket", benchWS}} {
		b.Run(tr.name, func(b *testing.B) {
			var first time.Duration
			var firstBytes, keyBytes int
			for b.Loop() {
				start := time.Now()
				v := tr.open(b, ts)
				v.out.waitFor(b, 0, "q quit")
				first += time.Since(start)
				firstBytes += v.out.Len()
				mark := v.out.Len()
				for _, k := range keys {
					m := v.out.Len()
					v.send(k.key)
					v.out.waitFor(b, m, k.marker)
				}
				v.send("q")
				<-v.out.eof
				keyBytes += v.out.Len() - mark
			}
			b.ReportMetric(float64(first.Microseconds())/float64(b.N)/1000, "ms/first-screen")
			b.ReportMetric(float64(firstBytes)/float64(b.N), "B/first-screen")
			b.ReportMetric(float64(keyBytes)/float64(b.N)/float64(len(keys)+1), "B/key")
			b.ReportMetric(0, "ns/op")
		})
	}
}
