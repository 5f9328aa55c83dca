// Package browsertest starts a real headless browser (Debian's chromium)
// for tests, driven by chromedp, and keeps screenshots as test artefacts.
//
// Tests that need it skip with a clear message when no chromium is
// installed, except under CI=true, where they fail: CI installs it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds each test's use of the browser.
const Timeout = 90 * time.Second

// executable is the browser binary, or "".
func executable() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless browser for t and returns a context for its first
// tab, sized width×height. The browser stops when the test ends.
func New(t testing.TB, width, height int) context.Context {
	t.Helper()
	path := executable()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; CI must install it (see .ci/run)")
		}
		t.Skip("chromium is not installed (apt-get install chromium): skipping the real-browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return bctx
}

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
)

// ArtefactDir is where screenshots are kept: $PORTFOLIO_SCREENSHOTS, or
// one temporary directory per test binary run (logged, and kept after
// the tests so the pictures can be looked at).
func ArtefactDir(t testing.TB) string {
	t.Helper()
	dirOnce.Do(func() {
		if dir = os.Getenv("PORTFOLIO_SCREENSHOTS"); dir != "" {
			dirErr = os.MkdirAll(dir, 0o755)
			return
		}
		dir, dirErr = os.MkdirTemp("", "portfolio-screenshots-")
	})
	if dirErr != nil {
		t.Fatal(dirErr)
	}
	return dir
}

// Screenshot saves the visible part of the page (or the whole page, when
// full) as name.png among the artefacts.
func Screenshot(t testing.TB, ctx context.Context, name string, full bool) {
	t.Helper()
	var png []byte
	var err error
	if full {
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	} else {
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(ArtefactDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// endOfConsole is logged last, so a reader knows it has every message.
const endOfConsole = "-- end of test --"

// CollectConsole records the tab's console from now on (CSP refusals,
// failed loads and script errors land there). The func it returns logs
// a marker and returns every message before it.
func CollectConsole(ctx context.Context) func(t testing.TB) []chromedp.ConsoleMessage {
	cctx, cancel := context.WithCancel(ctx)
	messages := chromedp.Console(cctx)
	var got []chromedp.ConsoleMessage
	done := make(chan error, 1)
	go func() {
		for m, err := range messages {
			if err != nil {
				done <- err
				return
			}
			if m.Text == endOfConsole {
				done <- nil
				return
			}
			got = append(got, m)
		}
	}()
	return func(t testing.TB) []chromedp.ConsoleMessage {
		t.Helper()
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`console.log(`+strconv.Quote(endOfConsole)+`)`)); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("reading the console: %v", err)
		}
		return got
	}
}

// NoConsoleErrors fails t for every error, warning or exception.
func NoConsoleErrors(t testing.TB, msgs []chromedp.ConsoleMessage) {
	t.Helper()
	for _, m := range msgs {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
			t.Errorf("console: %s", m)
		}
	}
}
