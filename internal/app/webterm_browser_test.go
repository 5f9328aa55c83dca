package app

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/internal/browsertest"
	"github.com/pragyamugale/portfolio/internal/testkit"
	"github.com/pragyamugale/portfolio/internal/ui"
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
	var screen string
	// Each look is a round trip to the browser: every 50 ms is enough.
	if !testkit.Eventually(15*time.Second, 50*time.Millisecond, func() bool {
		screen = strings.Join(screenText(t, ctx), "\n")
		return want(screen)
	}) {
		t.Fatalf("the terminal never showed %s; it shows:\n%s", what, screen)
	}
	return screen
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

	// The web page links to the terminal near the top.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url("/")), chromedp.WaitVisible(`a[href="/terminal"]`)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "web-home-with-terminal", false)

	console := browsertest.CollectConsole(ctx)
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
	// The whole screen is the case study: nothing of the pages before is
	// left over (as it is when the terminal and the renderer disagree
	// about the screen, e.g. on what a new line does).
	waitScreen(t, ctx, "the first case study, and nothing else", func(s string) bool {
		for _, g := range pf.Skills.Groups {
			if strings.Contains(s, g.Name) {
				return false
			}
		}
		return strings.Contains(s, "System Architecture") && !strings.Contains(s, pf.Projects[1].Summary[:30])
	})
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
	// Every cell the terminal draws is inside its box: the fit counts the
	// box's padding.
	inside, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const box = document.getElementById("terminal"), st = getComputedStyle(box);
		const b = box.getBoundingClientRect(), s = document.querySelector(".xterm-screen").getBoundingClientRect();
		return s.right <= b.right - parseFloat(st.paddingRight) + 0.5 && s.bottom <= b.bottom - parseFloat(st.paddingBottom) + 0.5;
	})()`))
	if err != nil || !inside {
		t.Errorf("the terminal's cells overflow its box (%v)", err)
	}
	browsertest.Screenshot(t, ctx, "terminal-narrow", false)

	// Nothing on the way was refused by the page's CSP or failed.
	browsertest.NoConsoleErrors(t, console(t))

	// A deep link opens on the case study.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate("about:blank"), chromedp.Navigate(ts.url("/terminal#projects/"+pf.Projects[1].Slug)), chromedp.WaitVisible(".xterm-rows")); err != nil {
		t.Fatal(err)
	}
	waitScreen(t, ctx, "the deep-linked case study", func(s string) bool {
		return strings.Contains(s, pf.Projects[1].Title[:20]) && !strings.Contains(s, pf.Profile.Tagline)
	})
	noteShown := func() bool {
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".note")).display !== "none" && getComputedStyle(document.querySelector(".keys")).display !== "none"`))
		if err != nil {
			t.Fatal(err)
		}
		return shown
	}
	if noteShown() {
		t.Error("a desktop browser gets the phone's note and keys")
	}

	// A phone: the page says the terminal wants a keyboard, links to the
	// web page, and offers keys for Tab, arrows, Enter and Esc.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate("about:blank"), chromedp.Navigate(ts.url("/terminal")), chromedp.WaitVisible(".xterm-rows")); err != nil {
		t.Fatal(err)
	}
	if !noteShown() {
		t.Error("a phone gets no note or keys")
	}
	waitScreen(t, ctx, "the About page on a phone", func(s string) bool { return strings.Contains(s, pf.Profile.Name) })
	if err := chromedp.Do(ctx, chromedp.Click(`button[data-key="right"]`)); err != nil {
		t.Fatal(err)
	}
	waitScreen(t, ctx, "Skills after the on-screen → key", func(s string) bool { return strings.Contains(s, pf.Skills.Groups[0].Name) })
	browsertest.Screenshot(t, ctx, "terminal-phone", false)

	if v := mustMetric(t, ts.scrape(t), "portfolio_web_terminal_sessions_total"); v < 3 {
		t.Errorf("portfolio_web_terminal_sessions_total = %v, want 3", v)
	}
}

// TestBrowserTerminalThemeAndForm: in /terminal the app knows it is in a
// browser on the page's dark background (issue 23): t, which would turn
// the app's colours light on xterm.js's dark background, is neither
// offered nor does anything, and the form claims no SSH key fingerprint
// and no ctrl+s a phone doesn't have.
func TestBrowserTerminalThemeAndForm(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	ctx := browsertest.New(t, 1280, 800)
	pf := testPortfolio(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url("/terminal")), chromedp.WaitVisible(".xterm-rows")); err != nil {
		t.Fatal(err)
	}
	// The colours xterm.js draws the first row's text in (the active tab:
	// the accent), as the browser computes them.
	colours := func() string {
		c, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".xterm-rows > div:first-child span")].map(s => getComputedStyle(s).color).join(" ")`))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	screen := waitScreen(t, ctx, "the About page", func(s string) bool { return strings.Contains(s, pf.Profile.Tagline) })
	if strings.Contains(screen, "light/dark") {
		t.Errorf("the web terminal offers t light/dark:\n%s", screen)
	}
	keys(t, ctx, "2")
	waitScreen(t, ctx, "the Skills page", func(s string) bool { return strings.Contains(s, pf.Skills.Groups[0].Name) })
	dark := colours()
	keys(t, ctx, "t")
	keys(t, ctx, "3")
	waitScreen(t, ctx, "the project list", func(s string) bool { return strings.Contains(s, pf.Projects[0].Summary[:30]) })
	keys(t, ctx, "2")
	waitScreen(t, ctx, "the Skills page again", func(s string) bool { return strings.Contains(s, pf.Skills.Groups[0].Name) })
	if got := colours(); got != dark {
		t.Errorf("t changed the app's colours on the dark page: %q, were %q", got, dark)
	}

	keys(t, ctx, "4")
	keys(t, ctx, "\r")
	screen = waitScreen(t, ctx, "the form with the keyboard", func(s string) bool { return strings.Contains(s, "leave form") })
	for range 3 {
		keys(t, ctx, "\t")
		screen += waitScreen(t, ctx, "the next field", func(s string) bool { return strings.Contains(s, "leave form") })
	}
	for _, bad := range []string{"fingerprint", "SSH key", "ctrl+s"} {
		if strings.Contains(screen, bad) {
			t.Errorf("the web terminal's form says %q:\n%s", bad, screen)
		}
	}
	browsertest.Screenshot(t, ctx, "terminal-form", false)
}

// TestBrowserTerminalFarewell: after q in /terminal the page shows, in
// the terminal's place and centred, the lines an SSH visitor keeps after
// quitting (ui.Farewell), with a "Start again" button that opens a new
// visit; not a blank screen with a cursor and a grey line. At 1280 and
// 390 px; axe-core finds nothing on the farewell.
func TestBrowserTerminalFarewell(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	pf := testPortfolio(t)
	_, _, cmd := ts.ssh.Public()
	want := strings.Split(ui.Farewell(pf, cmd), "\n")
	ctx := browsertest.New(t, 1280, 800)
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate("about:blank"),
			chromedp.Navigate(ts.url("/terminal")), chromedp.WaitVisible(".xterm-rows")); err != nil {
			t.Fatal(err)
		}
		waitScreen(t, ctx, "the About page", func(s string) bool { return strings.Contains(s, pf.Profile.Name) })
		keys(t, ctx, "q")
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Do(wctx, chromedp.WaitVisible("#farewell"))
		cancel()
		if err != nil {
			t.Fatalf("%d px: after q, no farewell (%v); the page shows %q", width, err, strings.Join(screenText(t, ctx), "\n"))
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#farewell .lines p")].map(p => p.textContent)`))
		if err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%d px: the farewell reads %q (%v), want %q", width, got, err, want)
		}
		// Centred, in the terminal's place: the terminal and the grey
		// status line are gone, and the lines' middle is the window's.
		state, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
			const r = document.querySelector("#farewell .lines").getBoundingClientRect();
			const shown = (sel) => { const el = document.querySelector(sel); return el && getComputedStyle(el).display !== "none" && !el.hidden ? 1 : 0; };
			const lines = [...document.querySelectorAll("#farewell .lines p")].map(p => { const b = p.getBoundingClientRect(); return Math.abs((b.left + b.right) / 2 - innerWidth / 2); });
			return [Math.abs((r.left + r.right) / 2 - innerWidth / 2), Math.max(...lines, 0), shown("#terminal"), shown("#terminal-status"), document.activeElement.id === "again" ? 1 : 0];
		})()`))
		if err != nil || len(state) != 5 {
			t.Fatalf("measuring the farewell: %v", err)
		}
		if state[0] > 2 || state[1] > 2 {
			t.Errorf("%d px: the farewell is off centre by %.1f px (a line by %.1f)", width, state[0], state[1])
		}
		if state[2] != 0 || state[3] != 0 {
			t.Errorf("%d px: after q the terminal (%v) or the status line (%v) is still shown", width, state[2], state[3])
		}
		if state[4] != 1 {
			t.Errorf("%d px: the Start again button has no focus", width)
		}
		browsertest.NoAxeViolations(t, ctx, "the farewell at "+strconv.FormatInt(width, 10)+" px")
		if width == 1280 {
			browsertest.Screenshot(t, ctx, "web-terminal-farewell", false)
		}
		// Start again: a new visit.
		if err := chromedp.Do(ctx, chromedp.Click("#again"), chromedp.WaitVisible(".xterm-rows")); err != nil {
			t.Fatal(err)
		}
		waitScreen(t, ctx, "the About page again", func(s string) bool { return strings.Contains(s, pf.Profile.Name) })
	}
}
