// Package pgtest starts a private PostgreSQL server for tests: initdb into
// a temporary directory, a socket directory of its own, 127.0.0.1 at a
// free port, and a fresh database for every test that asks. One server
// serves a whole test package (start it from TestMain with Main).
//
// When no PostgreSQL can be started (no initdb on the machine), tests that
// need it are skipped with a message saying why — except under CI=true,
// where they fail: CI must never skip them silently.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a private PostgreSQL server.
type Server struct {
	bin     string // the directory of initdb and pg_ctl
	dir     string // holds data/, sock/ and the log
	port    int
	runAs   *user.User // nil: run as ourselves
	durable bool       // fsync on (benchmarks); tests run with -F
	counter atomic.Int64
}

var (
	shared    *Server
	sharedErr error
	once      sync.Once
)

// Main runs a test package's tests with a shared server, started on first
// use and stopped afterwards. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	return code
}

// URL returns the URL of a new, empty database on the package's server,
// skipping the test when no PostgreSQL can be started (failing it under
// CI=true).
func URL(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	u, err := s.NewDatabase()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return u
}

// Shared returns the package's server, starting it on first use; it skips
// (or under CI=true fails) the test when none can be started.
func Shared(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		if Required() {
			t.Fatalf("pgtest: PostgreSQL is required in CI: %v", sharedErr)
		}
		t.Skipf("pgtest: no PostgreSQL to test against (%v); install the postgresql package to run this test", sharedErr)
	}
	return shared
}

// Required reports whether tests must not skip for want of PostgreSQL:
// under CI=true.
func Required() bool { return os.Getenv("CI") == "true" }

// findBin returns the directory holding initdb: $PGTEST_BIN, the newest
// /usr/lib/postgresql/*/bin, or initdb on the PATH.
func findBin() (string, error) {
	if d := os.Getenv("PGTEST_BIN"); d != "" {
		return d, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("initdb not found in /usr/lib/postgresql/*/bin or on the PATH")
}

func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Start initialises and starts a new server without fsync (-F), fast for
// tests. PostgreSQL refuses to run as root, so as root it runs as the
// postgres user, in a directory it owns.
func Start() (*Server, error) { return start(false) }

// StartDurable is Start with fsync on, as in production: for benchmarks
// of what a commit costs.
func StartDurable() (*Server, error) { return start(true) }

func start(durable bool) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, durable: durable}
	if os.Geteuid() == 0 {
		if s.runAs, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root and no postgres user: %w", err)
		}
	}
	if s.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(s.dir, "sock"), 0o700); err != nil {
		return nil, s.fail(err)
	}
	if s.runAs != nil {
		uid, _ := strconv.Atoi(s.runAs.Uid)
		gid, _ := strconv.Atoi(s.runAs.Gid)
		for _, p := range []string{s.dir, filepath.Join(s.dir, "sock")} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, s.fail(err)
			}
		}
	}
	if s.port, err = freePort(); err != nil {
		return nil, s.fail(err)
	}
	if out, err := s.run("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		return nil, s.fail(fmt.Errorf("initdb: %v: %s", err, out))
	}
	if err := s.Restart(); err != nil {
		return nil, s.fail(err)
	}
	return s, nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func (s *Server) fail(err error) error {
	os.RemoveAll(s.dir)
	return err
}

// run runs one of PostgreSQL's programs, as the postgres user if needed.
func (s *Server) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.runAs != nil {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

// Restart starts the server (again, after Stop) on the same port.
func (s *Server) Restart() error {
	opts := fmt.Sprintf("-k %s -h 127.0.0.1 -p %d -c max_connections=200", filepath.Join(s.dir, "sock"), s.port)
	if !s.durable {
		opts += " -F"
	}
	if out, err := s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	return nil
}

// Stop stops the server at once (fast shutdown: sessions are ended), as a
// database going away would.
func (s *Server) Stop() error {
	if out, err := s.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", s.data()); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Close stops the server and deletes its files.
func (s *Server) Close() {
	_ = s.Stop()
	os.RemoveAll(s.dir)
}

// AdminURL is the URL of the server's postgres database.
func (s *Server) AdminURL() string { return s.url("postgres") }

func (s *Server) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.AdminURL())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), s.counter.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return s.url(name), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Away stops the package's server, as a database going away would, and
// returns the function that brings it back; if the test ends first, the
// server is brought back then, for the tests that follow.
func Away(t testing.TB) (back func()) {
	t.Helper()
	s := Shared(t)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	restart := func() error {
		err := errors.New("already restarted")
		once.Do(func() { err = s.Restart() })
		return err
	}
	t.Cleanup(func() { _ = restart() })
	return func() {
		t.Helper()
		if err := restart(); err != nil {
			t.Fatal(err)
		}
	}
}
