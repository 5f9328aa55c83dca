package server

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	gossh "golang.org/x/crypto/ssh"
)

// TestCommandScripts runs the scripts in testdata/commands: the SSH
// command surface as a visitor's shell session would show it. Each script
// gets:
//
//	ssh [-stdin FILE] [-env K=V]... [WORDS...]
//	    runs WORDS as one command line (joined by spaces, as OpenSSH does)
//	    in a session without a pty, as `ssh -T host WORDS...` (no words: a
//	    shell request, as `ssh -T host`); stdin from FILE. Fails unless the
//	    exit status is 0.
//	status N
//	    the last ssh command's exit status was N.
//
// and $SSHCMD (how help texts name the server: ssh -p PORT 127.0.0.1),
// $DATA (the server's --data-dir). One server, without message or session
// rate limits, serves every script.
func TestCommandScripts(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "commands"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SSHCMD", ts.sshCommand())
			env.Setenv("DATA", ts.cfg.DataDir)
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"ssh":    func(s *testscript.TestScript, neg bool, args []string) { scriptSSH(s, neg, args, ts.addr) },
			"status": scriptStatus,
		},
	})
}

// scriptSSH is the scripts' ssh command.
func scriptSSH(s *testscript.TestScript, neg bool, args []string, addr string) {
	var stdin string
	env := map[string]string{}
	for len(args) >= 2 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-stdin":
			stdin = s.ReadFile(args[1])
		case "-env":
			k, v, ok := strings.Cut(args[1], "=")
			if !ok {
				s.Fatalf("usage: -env K=V")
			}
			env[k] = v
		default:
			s.Fatalf("ssh: unknown option %s", args[0])
		}
		args = args[2:]
	}
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "visitor",
		Auth:            noAuth(),
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         waitTimeout,
	})
	s.Check(err)
	defer c.Close()
	sess, err := c.NewSession()
	s.Check(err)
	defer sess.Close()
	for k, v := range env {
		s.Check(sess.Setenv(k, v))
	}
	sess.Stdin = strings.NewReader(stdin)
	sess.Stdout, sess.Stderr = s.Stdout(), s.Stderr()
	res := make(chan error, 1)
	go func() {
		if len(args) == 0 { // ssh -T host: a shell request, no command
			res <- errors.Join(sess.Shell(), sess.Wait())
			return
		}
		res <- sess.Run(strings.Join(args, " "))
	}()
	select {
	case err = <-res:
	case <-time.After(waitTimeout):
		_ = c.Close()
		s.Fatalf("ssh %s: still running after %s", strings.Join(args, " "), waitTimeout)
	}
	code := 0
	var exit *gossh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitStatus()
	default:
		s.Fatalf("ssh %s: %v, want an exit status", strings.Join(args, " "), err)
	}
	s.Setenv("SSH_STATUS", strconv.Itoa(code))
	if (code != 0) != neg {
		s.Fatalf("ssh %s: exit status %d", strings.Join(args, " "), code)
	}
}

// scriptStatus is the scripts' status command.
func scriptStatus(s *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		s.Fatalf("usage: status N")
	}
	if got := s.Getenv("SSH_STATUS"); got != args[0] {
		s.Fatalf("exit status %s, want %s", got, args[0])
	}
}
