package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/coder/websocket"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

const module = "github.com/pragyamugale/portfolio/"

// goTool is the go command that runs this test (go env GOROOT, as the
// go command sets GOROOT for the tests it runs), else the one on PATH.
func goTool(t *testing.T) string {
	t.Helper()
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	return p
}

// deps is what `go list -deps` says pkg imports, directly or not.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command(goTool(t), "list", "-deps", module+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestOnlyTheRootKnowsEveryDoorAndStore: the doors (server/ for SSH,
// internal/webdoor for HTTP, with the page in web/) and what they share (the visit runner, the admission,
// the config) know no store and no other door; the composition root
// knows them all.
func TestOnlyTheRootKnowsEveryDoorAndStore(t *testing.T) {
	forbidden := []string{module + "internal/pgstore", module + "internal/store", module + "internal/inbox/filestore", module + "internal/server", module + "internal/webdoor", module + "internal/app", module + "internal/app/core"}
	for _, pkg := range []string{"internal/server", "internal/web", "internal/webdoor", "internal/visit", "internal/admit", "internal/config"} {
		for _, d := range deps(t, pkg) {
			if slices.Contains(forbidden, d) && d != module+pkg {
				t.Errorf("%s imports %s", pkg, d)
			}
		}
	}
	root := deps(t, "internal/app")
	for _, want := range []string{"internal/store", "internal/server", "internal/webdoor", "internal/app/core"} {
		if !slices.Contains(root, module+want) {
			t.Errorf("internal/app does not import %s", want)
		}
	}
}

// TestDoorsShareOneShutdown: the app serves SSH and HTTP side by side;
// one Shutdown refuses new visitors at both doors, says goodbye to the
// browser's live terminal and the SSH session alike, waits for them, and
// Serve returns nil.
func TestDoorsShareOneShutdown(t *testing.T) {
	pf, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Addr, cfg.HTTPAddr, cfg.HostKeyDir, cfg.DataDir = "127.0.0.1:0", "127.0.0.1:0", t.TempDir(), t.TempDir()
	a, err := New(cfg, pf, log.New(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve() }()
	t.Cleanup(func() { _ = a.Close() })

	base := "http://" + a.HTTPAddr().String()
	if !testkit.Eventually(10*time.Second, 20*time.Millisecond, func() bool {
		r, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == http.StatusOK
	}) {
		t.Fatal("/healthz never answered 200")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws://"+a.HTTPAddr().String()+"/terminal/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Read(ctx); err != nil { // the first frame
		t.Fatal(err)
	}

	c, err := gossh.Dial("tcp", a.Addr().String(), &gossh.ClientConfig{User: "visitor",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	sess.Stdout = out
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	if !testkit.Eventually(10*time.Second, 20*time.Millisecond, func() bool { return out.Len() > 0 }) {
		t.Fatal("no first frame over SSH")
	}

	if err := a.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for {
		_, _, err := ws.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "restarting") {
			t.Errorf("live terminal ended with %v, want the restart notice", err)
		}
		break
	}
	if !strings.Contains(out.String(), "restarting") {
		t.Errorf("the SSH visitor was not told of the restart: %q", out.String())
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v after Shutdown, want nil", err)
		}
	case <-ctx.Done():
		t.Error("Serve did not return after Shutdown")
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
