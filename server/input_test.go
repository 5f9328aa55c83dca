package server

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestInputGuard(t *testing.T) {
	now := time.Now()
	big := strings.Repeat("x", maxOpenSequence+1)
	for _, tc := range []struct {
		name  string
		input []string // chunks, fed in order
		flood bool
	}{
		{"typing", []string{"hello", "jjjkk", "\x1b[A\x1b[B", "q"}, false},
		{"a finished paste", []string{"\x1b[200~" + strings.Repeat("y", 8000) + "\x1b[201~"}, false},
		{"many finished pastes", repeat("\x1b[200~"+strings.Repeat("y", 30<<10)+"\x1b[201~", 10), false},
		{"an endless paste", []string{"\x1b[200~", big}, true},
		{"an endless paste in pieces", append([]string{"\x1b[2", "00~"}, repeat(strings.Repeat("z", 4096), 17)...), true},
		{"a paste that ends across chunks", []string{"\x1b[200~" + strings.Repeat("y", 60<<10) + "\x1b[20", "1~" + strings.Repeat("k", 60<<10)}, false},
		{"an endless OSC", []string{"\x1b]52;c;", big}, true},
		{"an endless DCS", []string{"\x1bP", big}, true},
		{"an endless 8-bit OSC", []string{"\x9d", big}, true},
		{"OSC ended by BEL", repeat("\x1b]0;"+strings.Repeat("t", 30<<10)+"\x07", 5), false},
		{"OSC ended by ST", repeat("\x1b]0;"+strings.Repeat("t", 30<<10)+"\x1b\\", 5), false},
		{"too much input in a minute", repeat(strings.Repeat("a", 64<<10), 17), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g inputGuard
			flood := false
			for _, c := range tc.input {
				flood = flood || g.feed([]byte(c), now)
			}
			if flood != tc.flood {
				t.Errorf("flood = %v, want %v", flood, tc.flood)
			}
		})
	}
	// The minute window slides: the same input spread over minutes is fine.
	var g inputGuard
	chunk := bytes.Repeat([]byte("a"), 512<<10)
	for i := range 6 {
		if g.feed(chunk, now.Add(time.Duration(i)*61*time.Second)) {
			t.Fatalf("half a MiB a minute flagged as a flood at minute %d", i)
		}
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// TestInputFloodEndsSession: a visitor who opens a bracketed paste (or a
// control string) and streams without end is disconnected with a short
// message once the open sequence passes the cap, instead of the server
// buffering it all and re-scanning it; the server stays up.
func TestInputFloodEndsSession(t *testing.T) {
	t.Parallel()
	for _, start := range []string{"\x1b[200~", "\x1b]52;c;"} {
		t.Run(fmt.Sprintf("%q", start), func(t *testing.T) {
			ts := startServer(t, t.TempDir())
			c, _ := dial(t, ts.addr, "visitor", noAuth())
			tm := openTerm(t, c, 80, 24)
			tm.waitFor(0, waitTimeout, "Pragya Mugale")
			tm.send("4\r") // into the form, where a paste would land
			m := tm.mark()
			tm.send(start)
			chunk := strings.Repeat("A", 16<<10)
			sent := 0
			// Bounded: the session must end long before 4 MiB.
			for sent < 4<<20 {
				if _, err := io.WriteString(tm.stdin, chunk); err != nil {
					break // the server closed the session
				}
				sent += len(chunk)
				select {
				case <-tm.done:
					sent = 1 << 30
				default:
				}
			}
			tm.waitFor(m, waitTimeout, "more input than this app takes")
			// A new visitor still gets the portfolio.
			c2, _ := dial(t, ts.addr, "next", noAuth())
			openTerm(t, c2, 80, 24).waitFor(0, waitTimeout, "Pragya Mugale")
		})
	}
}
