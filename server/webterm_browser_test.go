package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/internal/browsertest"
)

// screenText is what the browser's terminal shows, row by row (xterm.js's
// DOM renderer draws each row as an element of .xterm-rows).
func screenText(t *testing.T, ctx context.Context) []string {
	t.Helper()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".xterm-rows > div")].map(r => r.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// waitScreen polls the browser's terminal until it shows want (the host
// draws on its own tick, so the test waits for the frame, bounded).
func waitScreen(t *testing.T, ctx context.Context, what string, want func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := strings.Join(screenText(t, ctx), "\n")
		if want(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %s; it shows:\n%s", what, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keys types into the browser's terminal as a visitor does.
func keys(t *testing.T, ctx context.Context, k string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(".xterm-helper-textarea", k)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserTerminal opens /terminal in chromium: the first screen comes
// over the WebSocket from the same host as SSH, number keys switch
// sections, Enter opens a case study, a smaller window re-wraps, and a
// deep link opens on its page.
func TestBrowserTerminal(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	ctx := browsertest.New(t, 1280, 800)
	pf := testPortfolio(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url("/terminal")), chromedp.WaitVisible(".xterm-rows")); err != nil {
		t.Fatal(err)
	}
	waitScreen(t, ctx, "the About page", func(s string) bool { return strings.Contains(s, pf.Profile.Tagline) })
	browsertest.Screenshot(t, ctx, "terminal-about", false)

	keys(t, ctx, "2")
	waitScreen(t, ctx, "the Skills page", func(s string) bool { return strings.Contains(s, pf.Skills.Groups[0].Name) })
	browsertest.Screenshot(t, ctx, "terminal-skills", false)

	keys(t, ctx, "3")
	waitScreen(t, ctx, "the project list", func(s string) bool { return strings.Contains(s, pf.Projects[0].Summary[:30]) })
	keys(t, ctx, "\r")
	waitScreen(t, ctx, "the first case study", func(s string) bool { return strings.Contains(s, "System Architecture") })
	browsertest.Screenshot(t, ctx, "terminal-case-study", false)

	// A narrower window: the terminal refits, the server hears the new
	// size, and the text re-wraps to it.
	cols := func() int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Math.max(...[...document.querySelectorAll(".xterm-rows > div")].map(r => r.textContent.trimEnd().length))`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	wide := cols()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(560, 800)); err != nil {
		t.Fatal(err)
	}
	waitScreen(t, ctx, "the case study re-wrapped narrower", func(string) bool { return cols() < wide*6/10 })
	browsertest.Screenshot(t, ctx, "terminal-narrow", false)

	// A deep link opens on the case study.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate("about:blank"), chromedp.Navigate(ts.url("/terminal#projects/"+pf.Projects[1].Slug)), chromedp.WaitVisible(".xterm-rows")); err != nil {
		t.Fatal(err)
	}
	waitScreen(t, ctx, "the deep-linked case study", func(s string) bool {
		return strings.Contains(s, pf.Projects[1].Title[:20]) && !strings.Contains(s, pf.Profile.Tagline)
	})
	if v := mustMetric(t, ts.scrape(t), "portfolio_web_terminal_sessions_total"); v < 2 {
		t.Errorf("portfolio_web_terminal_sessions_total = %v, want 2", v)
	}
}
