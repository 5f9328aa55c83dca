package web

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/internal/browsertest"
)

// TestBrowserAxe runs axe-core (vendored) in every page, at 1280 and 390
// px, light and dark: no violations, colour contrast included. The
// refused form is reached as a visitor reaches it, by sending it.
func TestBrowserAxe(t *testing.T) {
	e := newEnv(t, 5, withTerminal)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, 1280, 800)
	pages := []string{"/", "/contact", "/contact/sent?id=abc123", "/nope", "/terminal"}
	for _, p := range testPortfolio(t).Projects {
		pages = append(pages, "/projects/"+p.Slug)
	}
	for _, width := range []int64{1280, 390} {
		var opts []chromedp.EmulateViewportOption
		if width == 390 {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800, opts...)); err != nil {
			t.Fatal(err)
		}
		for _, scheme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx, colorScheme(scheme)); err != nil {
				t.Fatal(err)
			}
			for _, path := range pages {
				if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady("body")); err != nil {
					t.Fatal(err)
				}
				browsertest.NoAxeViolations(t, ctx, path+" at "+strconv.FormatInt(width, 10)+" px, "+scheme)
			}
			// The form refused, with its reasons.
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/contact"), chromedp.WaitVisible("#f-name"),
				chromedp.SendKeys("#f-name", "Zoë"), chromedp.SendKeys("#f-reply", "zoe@"), chromedp.SendKeys("#f-message", "Hello"),
				chromedp.Click(`button[type="submit"]`), chromedp.WaitVisible("#e-reply")); err != nil {
				t.Fatal(err)
			}
			browsertest.NoAxeViolations(t, ctx, "the refused form at "+strconv.FormatInt(width, 10)+" px, "+scheme)
		}
	}
}
