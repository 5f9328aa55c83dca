package app

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// floodChildEnv runs TestHTTPFloodChild as the server of a flood test,
// with this many open files; floodTrustEnv puts it behind "Fly's proxy".
const (
	floodChildEnv = "PORTFOLIO_TEST_FLOOD_FILES"
	floodTrustEnv = "PORTFOLIO_TEST_FLOOD_TRUST"
	floodFiles    = 400
)

// TestHTTPFloodChild is the server of TestHTTPIdleFlood, in a process of
// its own whose open-file limit is low (floodFiles), as a small machine's
// is: it prints its addresses and serves until its input closes.
func TestHTTPFloodChild(t *testing.T) {
	files, _ := strconv.Atoi(os.Getenv(floodChildEnv))
	if files == 0 {
		t.Skip("the server of TestHTTPIdleFlood")
	}
	lim := syscall.Rlimit{Cur: uint64(files), Max: uint64(files)}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.MetricsAddr = ""
		c.SessionRate = 0
		c.TrustFlyClientIP = os.Getenv(floodTrustEnv) != ""
	})
	fmt.Printf("FLOOD-ADDRS %s %s\n", ts.Addr(), ts.HTTPAddr())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// floodServer starts TestHTTPFloodChild and returns its SSH and HTTP
// addresses; it is stopped when the test ends.
func floodServer(t *testing.T, trust bool) (sshAddr, httpAddr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPFloodChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), floodChildEnv+"="+strconv.Itoa(floodFiles))
	if trust {
		cmd.Env = append(cmd.Env, floodTrustEnv+"=1")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(waitTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	addrs := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "FLOOD-ADDRS" {
				addrs <- f[1:]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addrs:
		return a[0], a[1]
	case <-exited:
		t.Fatal("the flood test's server exited before serving")
	case <-time.After(3 * waitTimeout):
		t.Fatal("the flood test's server did not start")
	}
	return "", ""
}

// holdIdle opens up to n connections from ip, each sending one GET
// /healthz (with header) and reading the reply, then sitting idle (kept
// alive), 16 at a time; it stops early after 32 failures in a row (the
// server refusing or saturated). It returns the connections it still
// holds, closed when the test ends.
func holdIdle(t testing.TB, addr, ip, header string, n int) (held int) {
	t.Helper()
	var (
		mu    sync.Mutex
		conns []net.Conn
		fails atomic.Int64
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) && fails.Load() < 32 && time.Now().Before(deadline) {
				c, _, ok := rawGet(addr, ip, "/healthz", header)
				if !ok {
					if c != nil {
						c.Close()
					}
					fails.Add(1)
					continue
				}
				fails.Store(0)
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Connections the server closed to make room are not held. The server
	// closes them as the next ones arrive, so the last few may still be on
	// their way out: count until two counts agree (each a bounded wait).
	count := func() (held int) {
		for _, c := range conns {
			_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); err != nil && !os.IsTimeout(err) {
				continue
			}
			held++
		}
		return held
	}
	held = count()
	testkit.Eventually(3*time.Second, 100*time.Millisecond, func() bool {
		prev := held
		held = count()
		return held == prev
	})
	return held
}

// TestHTTPIdleFlood (issue 22 §1): one address holding as many idle
// keep-alive connections as it can, on a server whose open-file limit is
// low (400), takes neither /healthz nor an SSH first frame away from
// another address; behind Fly's proxy (every connection from the proxy's
// address, the visitor's in Fly-Client-IP), one busy visitor doesn't lock
// the others out.
func TestHTTPIdleFlood(t *testing.T) {
	if os.Getenv(floodChildEnv) != "" {
		t.Skip("in the child")
	}
	t.Parallel()
	for _, tc := range []struct {
		name          string
		trust         bool
		flood, header string // the busy one's address and header
		probe         string // another visitor's address
		probeHeader   http.Header
	}{
		{name: "direct", flood: "127.0.0.2", probe: "127.0.0.3"},
		{name: "behind Fly's proxy", trust: true, flood: "127.0.0.2", header: "Fly-Client-IP: 203.0.113.9\r\n",
			probe: "127.0.0.2", probeHeader: http.Header{"Fly-Client-Ip": {"198.51.100.7"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sshAddr, httpAddr := floodServer(t, tc.trust)
			held := holdIdle(t, httpAddr, tc.flood, tc.header, 3*floodFiles/2)
			t.Logf("%s holds %d idle connections", tc.flood, held)
			// Directly, one address holds its cap at most; behind the proxy,
			// the web door's share of the open files.
			d := config.Default()
			limit := d.MaxHTTPConnsPerIP
			if tc.trust {
				limit = admit.Plan(floodFiles, d.MaxConns, d.MaxHTTPConns).HTTP
			}
			if held > limit {
				t.Errorf("%s holds %d idle connections, over its cap of %d", tc.flood, held, limit)
			}
			resp, err := clientFrom(tc.probe, tc.probeHeader).Get("http://" + httpAddr + "/healthz")
			if err != nil {
				t.Fatalf("another visitor's /healthz: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("another visitor's /healthz = %d", resp.StatusCode)
			}
			if _, err := firstFrame(sshAddr, "127.0.0.4"); err != nil {
				t.Errorf("another address's SSH first frame: %v", err)
			}
		})
	}
}
