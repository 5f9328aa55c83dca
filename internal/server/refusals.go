package server

import (
	"errors"
	"fmt"

	"charm.land/ssh"

	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/commands"
)

// maxCommandBytes caps the command line a session may send. Real commands
// are a few dozen bytes; splitting one into words costs time that grows
// with the square of a word's length (120 KB took seconds of CPU).
const maxCommandBytes = 4 << 10

var errCommandTooLong = fmt.Errorf("command too long (the limit is %d bytes)", maxCommandBytes)

// refuseCommand ends a session whose command line can't be read, with a
// short message and the usage exit status.
func (s *Server) refuseCommand(sess ssh.Session, err error) {
	if errors.Is(err, errCommandTooLong) {
		fmt.Fprintf(sess.Stderr(), "portfolio: %s\n", err)
	} else {
		fmt.Fprintf(sess.Stderr(), "portfolio: can't read the command (%s)\nRun '%s help' to see the commands.\n", err, s.sshCommand())
	}
	_ = sess.Exit(commands.ExitUsage)
}

// exitTempFail is the exit status of a session refused because the server
// is restarting: EX_TEMPFAIL from sysexits.h, "try again later".
const exitTempFail = 75

// restarting is what a session started during a shutdown is told.
const restarting = admit.Restarting

// refuseWhileStopping ends a session that began after the shutdown started
// (on a connection that was already open, as OpenSSH's connection sharing
// keeps them): nothing runs, nothing is stored, the notice goes to stderr
// so it never passes for a command's output, and the exit status says the
// failure is temporary, so `… | ssh host contact … && echo sent` doesn't
// report a lost message as sent.
func refuseWhileStopping(sess ssh.Session) {
	fmt.Fprint(sess.Stderr(), lineFor(sess, restarting))
	_ = sess.Exit(exitTempFail)
}

// sayGoodbye tells a visitor whose UI the shutdown ended why it ended. A
// command that ran to its end gets nothing added to its output.
func sayGoodbye(sess ssh.Session) {
	if _, _, tty := sess.Pty(); tty {
		fmt.Fprint(sess, lineFor(sess, restarting))
	}
}

// lineFor is text as one line on the session: set apart with CRLFs on a
// terminal (whose line discipline is the visitor's, raw here), a plain
// line otherwise.
func lineFor(sess ssh.Session, text string) string {
	if _, _, tty := sess.Pty(); tty {
		return "\r\n" + text + "\r\n"
	}
	return text + "\n"
}
