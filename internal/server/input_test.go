package server

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestMultibyteInputKeepsSession is the regression test for the byte-level
// input guard that read UTF-8 continuation bytes (0x90, 0x98, 0x9d–0x9f)
// as 8-bit control-string starts: a visitor who typed "語", "Đặng" or an
// emoji was disconnected with "more input than this app takes" after
// about 64 KiB of ordinary input. Over a real SSH connection: multibyte
// typing into the form, then closed pastes and a mouse-wheel stream well
// past 64 KiB in all; the session lives on and answers keys.
func TestMultibyteInputKeepsSession(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())
	vt := openVTerm(t, ts, noAuth())
	vt.send("4")
	vt.waitScreen("Contact")
	vt.send("\r")
	vt.waitScreen("Name")
	for _, s := range []string{"語", "Đặng", "🙂"} {
		vt.send(s) // one key each, as a terminal sends typed text
	}
	vt.waitScreen("語Đặng🙂")
	vt.send("\x1b") // out of the form: what follows is ignored by the page
	vt.waitScreen("enter write a message")

	text := strings.Repeat("語Đặng🙂 ", 40<<10/16) // ~40 KB of multibyte text
	sent := 0
	for range 3 {
		vt.send(paste(text))
		sent += len(text)
	}
	for range 3 {
		vt.send(strings.Repeat("\x1b[<65;10;10M\x1b[<64;10;10M", 500)) // wheel down and up
		sent += 500 * 24
	}
	if sent < 2*64<<10 {
		t.Fatalf("sent only %d bytes", sent)
	}
	vt.send("2")
	vt.waitScreen("Programming Languages")
	if out := vt.out.String(); strings.Contains(out, "more input than this app takes") {
		t.Fatalf("disconnected after %d bytes of ordinary input", sent)
	}
	vt.send("q") // the form holds a draft: q asks first
	vt.waitScreen("Not sent yet: q again quits")
	vt.quit()
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
