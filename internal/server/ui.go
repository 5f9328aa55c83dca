package server

import (
	"fmt"
	"strings"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/host"
	"github.com/pragyamugale/portfolio/internal/ui"
)

// uiHandler runs the Bubble Tea UI for a session the command middleware
// passed on (see uiRequest): the visit itself is package visit's, as for
// the browser's terminal; this is the SSH side of it. A panic in the UI
// gets the visitor an apology.
func (s *Server) uiHandler(sess ssh.Session) {
	req, ok := s.uiRequest(sess)
	if !ok { // (the command middleware only passes sessions that get one)
		_ = sess.Exit(1)
		return
	}
	term := newSSHTerminal(sess)
	req.Term = term
	res := s.runner.Run(sess.Context(), req)
	close(term.ended)
	if res.Quit {
		// The visitor left (the screen is restored): two lines in their
		// scrollback say how to come back and how to get in touch.
		fmt.Fprint(sess, strings.ReplaceAll(ui.Farewell(s.content.Load(), s.sshCommand()), "\n", "\r\n")+"\r\n")
	}
	if res.Panic {
		// Bubble Tea has restored the terminal and written the stack to
		// the server's stderr; the visitor gets an apology only.
		fmt.Fprint(sess, "\r\nSorry, something went wrong on our side. Please try again later.\r\n")
		_ = sess.Exit(1)
	}
}

// sshTerminal is a visitor's SSH session with a pty, as the host's
// Terminal: the channel's bytes, the pty's size and window changes, the
// session's environment with the pty's TERM.
type sshTerminal struct {
	ssh.Session
	env     []string
	size    host.Size
	resizes chan host.Size
	ended   chan struct{} // closed when the visit is over
}

func newSSHTerminal(sess ssh.Session) *sshTerminal {
	pty, windows, _ := sess.Pty()
	t := &sshTerminal{
		Session: sess,
		env:     append(sess.Environ(), "TERM="+pty.Term),
		size:    host.Size{Width: pty.Window.Width, Height: pty.Window.Height},
		resizes: make(chan host.Size),
		ended:   make(chan struct{}),
	}
	go func() {
		defer close(t.resizes)
		for w := range windows {
			select {
			case t.resizes <- host.Size{Width: w.Width, Height: w.Height}:
			case <-t.ended:
				for range windows {
					// Keep the session's requests flowing until it closes.
				}
				return
			}
		}
	}()
	return t
}

func (t *sshTerminal) Environ() []string         { return t.env }
func (t *sshTerminal) Size() host.Size           { return t.size }
func (t *sshTerminal) Resizes() <-chan host.Size { return t.resizes }
func (t *sshTerminal) Done() <-chan struct{}     { return t.Context().Done() }

// Close drops the visitor's connection: the host calls it only when their
// client has stopped reading (output is stuck), and then closing the
// channel alone could wait behind the same full buffers. (A connection
// carries one session at a time.)
func (t *sshTerminal) Close() error {
	if conn, ok := t.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
		return conn.Close()
	}
	return t.Session.Close()
}
