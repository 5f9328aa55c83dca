package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/internal/browsertest"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// browserEnv is the web side on a real 127.0.0.1 listener, for a browser,
// as served: with the live terminal's page and links.
func browserEnv(t *testing.T) (*testEnv, *httptest.Server) {
	t.Helper()
	e := newEnv(t, 5, withTerminal)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	return e, srv
}

// colorScheme emulates the visitor's light or dark preference.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// TestBrowserPage loads the page in chromium at 1,440 px, light and dark:
// the portfolio is there, the stylesheet and the script ran under the
// page's CSP, and nothing was refused or failed on the console.
func TestBrowserPage(t *testing.T) {
	_, srv := browserEnv(t)
	ctx := browsertest.New(t, 1440, 900)
	pf := testPortfolio(t)

	console := browsertest.CollectConsole(ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil || h1 != pf.Profile.Name {
		t.Errorf("h1 = %q (%v), want %q", h1, err, pf.Profile.Name)
	}
	// The stylesheet applied (the accent colour is on the section
	// markers), and the script ran: the copy button is shown.
	styled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.body).getPropertyValue("--accent").trim().startsWith("#")`))
	if err != nil || !styled {
		t.Errorf("stylesheet not applied (%v)", err)
	}
	copyShown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector("button.copy").hidden`))
	if err != nil || !copyShown {
		t.Errorf("copy button hidden: the script did not run (%v)", err)
	}
	cards, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#projects .card").length`))
	if err != nil || cards != len(pf.Projects) {
		t.Errorf("%d project cards (%v), want %d", cards, err, len(pf.Projects))
	}
	// The key's details are folded away, below the fold.
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#terminal details").open || document.querySelector("#terminal details").getBoundingClientRect().top < innerHeight`))
	if err != nil || open {
		t.Errorf("the host key's details are open or above the fold (%v)", err)
	}
	browsertest.Screenshot(t, ctx, "web-home-1440-light", false)
	browsertest.Screenshot(t, ctx, "web-home-1440-light-full", true)
	if err := chromedp.Do(ctx, colorScheme("dark")); err != nil {
		t.Fatal(err)
	}
	dark, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil || dark != "rgb(22, 22, 29)" {
		t.Errorf("dark scheme background = %q (%v)", dark, err)
	}
	browsertest.Screenshot(t, ctx, "web-home-1440-dark", false)

	browsertest.NoConsoleErrors(t, console(t))
}

// TestBrowserPhone loads every kind of page at 390 px (an iPhone's width,
// as a phone shows it): nothing is wider than the screen.
func TestBrowserPhone(t *testing.T) {
	e, srv := browserEnv(t)
	ctx := browsertest.New(t, 390, 844)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	// A refused form, with its long reasons, is a page of its own.
	bad := validForm()
	bad.Set("reply_to", "not an address@")
	refused := e.post(t, bad, nil)
	if refused.Code != 422 {
		t.Fatalf("refused form = %d", refused.Code)
	}
	for _, path := range []string{"/", "/projects/notelytix", "/projects/activity-logging", "/contact", "/contact/sent?id=abc123", "/nope"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible("h1")); err != nil {
			t.Fatal(err)
		}
		// Open the folded details too: the known_hosts line is long.
		widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`(() => {
			for (const d of document.querySelectorAll("details")) d.open = true;
			let widest = 0;
			for (const el of document.querySelectorAll("body *")) widest = Math.max(widest, el.getBoundingClientRect().right);
			return [document.documentElement.scrollWidth, innerWidth, Math.ceil(widest)];
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if widths[0] > widths[1] || widths[2] > widths[1] {
			t.Errorf("%s at 390 px: scroll width %d, widest element ends at %d, viewport %d", path, widths[0], widths[2], widths[1])
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "web-home-390", false)
	if err := chromedp.Do(ctx, colorScheme("dark"), chromedp.Navigate(srv.URL+"/projects/notelytix"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "web-project-390-dark", false)
}

// TestBrowserContact fills in and sends the form as a visitor does, with
// no help from scripts: the message is stored, marked as from the web,
// and the thank-you page follows.
func TestBrowserContact(t *testing.T) {
	e, srv := browserEnv(t)
	ctx := browsertest.New(t, 1024, 900)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.Click(`#contact a[href="/contact"]`), chromedp.WaitVisible("#f-name")); err != nil {
		t.Fatal(err)
	}
	// First a mistake: the form comes back with the reason and the text.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-name", "Zoë 李"),
		chromedp.SendKeys("#f-reply", "zoe@"),
		chromedp.SendKeys("#f-message", "Hello from a browser 👋 — 你好"),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible("#e-reply"),
	); err != nil {
		t.Fatal(err)
	}
	kept, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.querySelector("#f-name").value, document.querySelector("#f-message").value]`))
	if err != nil || len(kept) != 2 || kept[0] != "Zoë 李" || kept[1] != "Hello from a browser 👋 — 你好" {
		t.Errorf("after an error the form holds %q (%v)", kept, err)
	}
	browsertest.Screenshot(t, ctx, "web-contact-error", false)
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-reply").value = ""`),
		chromedp.SendKeys("#f-reply", "zoe@example.com"),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible(`[role="status"]`),
	); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil || h1 != "Thank you" {
		t.Errorf("after sending, h1 = %q (%v)", h1, err)
	}
	browsertest.Screenshot(t, ctx, "web-contact-sent", false)
	msgs := e.stored(t)
	if len(msgs) != 1 {
		t.Fatalf("%d stored, want 1", len(msgs))
	}
	if m := msgs[0]; m.Name != "Zoë 李" || m.ReplyTo != "zoe@example.com" || m.Message != "Hello from a browser 👋 — 你好" || m.Via != inbox.ViaWeb {
		t.Errorf("stored %+v", m)
	}
}

// TestBrowserContactLongEmoji: 1,500 emoji (3,000 UTF-16 units, which a
// maxlength of 2,000 would stop at 1,000) go in through the browser's own
// text input and are stored whole: the browser never refuses what the
// inbox accepts.
func TestBrowserContactLongEmoji(t *testing.T) {
	e, srv := browserEnv(t)
	ctx := browsertest.New(t, 1024, 900)
	msg := strings.Repeat("🙂", 1500)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/contact"), chromedp.WaitVisible("#f-message"),
		chromedp.SendKeys("#f-name", "Zoë"),
		chromedp.SendKeys("#f-reply", "zoe@example.com"),
		chromedp.Focus("#f-message"),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: msg})
			return err
		}),
	); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelector("#f-message").value].length`))
	if err != nil || n != 1500 {
		t.Fatalf("the message box holds %d emoji (%v), want 1500", n, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`button[type="submit"]`), chromedp.WaitVisible(`[role="status"]`)); err != nil {
		t.Fatal(err)
	}
	msgs := e.stored(t)
	if len(msgs) != 1 || msgs[0].Message != msg {
		t.Fatalf("stored %d messages, want the 1,500 emoji", len(msgs))
	}
}
