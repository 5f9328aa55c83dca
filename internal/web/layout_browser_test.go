package web

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/browsertest"
)

// TestBrowserHomeIsAnOverview: at 1280×800 the home page is an overview a
// recruiter reads in one or two screens (who, the highlights, the
// projects as cards linking to their pages, skills, how to get in touch),
// light and dark; each case study is its own page that ends in the next
// one and a way back.
func TestBrowserHomeIsAnOverview(t *testing.T) {
	e := newEnv(t, 5, withTerminal) // as served: with the terminal's links
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, 1280, 800)
	pf := testPortfolio(t)
	for _, scheme := range []string{"light", "dark"} {
		if err := chromedp.Do(ctx, colorScheme(scheme), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("h1")); err != nil {
			t.Fatal(err)
		}
		height, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Math.ceil(document.documentElement.scrollHeight)`))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: the home page is %d px tall at 1280×800", scheme, height)
		if height > 2*800 {
			t.Errorf("%s: the home page is %d px tall at 1280 wide, more than two screens (1,600 px)", scheme, height)
		}
		cards, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#projects .card h3 a")].map(a => a.getAttribute("href"))`))
		if err != nil || len(cards) != len(pf.Projects) {
			t.Errorf("%s: project cards link to %q (%v), want one per project", scheme, cards, err)
		}
		contact, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('#contact a[href="/contact"]')`))
		if err != nil || !contact {
			t.Errorf("%s: no way to get in touch on the home page (%v)", scheme, err)
		}
		browsertest.Screenshot(t, ctx, "web-home-1280-"+scheme, false)
		browsertest.Screenshot(t, ctx, "web-home-1280-"+scheme+"-full", true)
	}
	if t.Failed() {
		return // no cards to follow
	}
	if err := chromedp.Do(ctx, colorScheme("light")); err != nil {
		t.Fatal(err)
	}

	// From the home page's card to the case study, on to the next, and
	// back: the last one's "next" is the first.
	first := pf.Projects[0]
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("h1"),
		chromedp.Click(`#projects .card h3 a[href="/projects/`+first.Slug+`"]`), chromedp.WaitVisible("article h1")); err != nil {
		t.Fatal(err)
	}
	for i := range pf.Projects {
		p, next := pf.Projects[i], pf.Projects[(i+1)%len(pf.Projects)]
		h1, err := chromedp.Run(ctx, chromedp.Text("article h1"))
		if err != nil || h1 != p.Title {
			t.Fatalf("case study %d: h1 %q (%v), want %q", i, h1, err, p.Title)
		}
		// "next" and "back" come after the case study.
		after, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const art = document.querySelector("article"), next = document.querySelector('a[rel="next"]'), back = document.querySelector('nav.next a[href="/#projects"]');
			return !!next && !!back && !!(art.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING) && !!(art.compareDocumentPosition(back) & Node.DOCUMENT_POSITION_FOLLOWING);
		})()`))
		if err != nil || !after {
			t.Fatalf("%s: no \"next case study\" and \"back\" after the case study (%v)", p.Slug, err)
		}
		if i == 0 {
			browsertest.Screenshot(t, ctx, "web-project-1280", false)
		}
		if err := chromedp.Do(ctx, chromedp.Click(`a[rel="next"]`), chromedp.WaitVisible("article h1")); err != nil {
			t.Fatal(err)
		}
		if u, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(u, "/projects/"+next.Slug) {
			t.Fatalf("after %s's next: at %q (%v), want /projects/%s", p.Slug, u, err, next.Slug)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(`nav.next a[href="/#projects"]`), chromedp.WaitVisible("#projects")); err != nil {
		t.Fatal(err)
	}
}

// phoneChecks measures, in the page, what a phone visitor trips on; each
// entry is a problem.
const phoneChecks = `(() => {
	const problems = [];
	const lineOf = (el) => Math.round(el.getBoundingClientRect().top);
	// The navigation: no link alone on its line.
	const links = [...document.querySelectorAll("header nav a")];
	const lines = new Map();
	for (const a of links) lines.set(lineOf(a), (lines.get(lineOf(a)) || []).concat(a.textContent));
	for (const [, on] of lines) if (on.length === 1 && links.length > 1) problems.push("nav: " + on[0] + " alone on a line");
	// Touch targets: nav links, buttons, button-like links.
	for (const el of document.querySelectorAll("header nav a, button:not([hidden]):not(.hp *), a.button")) {
		const r = el.getBoundingClientRect();
		if (r.height > 0 && r.height < 44) problems.push("touch target " + JSON.stringify(el.textContent.trim()) + " is " + r.height.toFixed(1) + " px tall");
	}
	// Focus items: one that starts a line starts with no separator.
	const focus = document.querySelector(".focus");
	if (focus) {
		const left = focus.getBoundingClientRect().left;
		for (const li of focus.querySelectorAll("li")) {
			if (Math.abs(li.getBoundingClientRect().left - left) > 1) continue;
			const before = getComputedStyle(li, "::before").content;
			if (before && before !== "none" && before !== "normal" && before !== '""') problems.push("focus item " + JSON.stringify(li.textContent) + " starts its line with " + before);
		}
	}
	// The footer's ssh command is on one line.
	for (const code of document.querySelectorAll("footer code")) {
		const range = document.createRange();
		range.selectNodeContents(code);
		const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
		if (tops.size > 1) problems.push("footer command " + JSON.stringify(code.textContent) + " breaks across " + tops.size + " lines");
	}
	// Highlights: wrapped lines hang under the text, not under the marker.
	for (const li of document.querySelectorAll(".highlights li")) {
		const range = document.createRange();
		range.selectNodeContents(li);
		const rects = [...range.getClientRects()].filter(r => r.width > 0);
		const lefts = new Set(rects.map(r => Math.round(r.left)));
		if (lefts.size > 1) problems.push("highlight " + JSON.stringify(li.textContent) + " wraps without a hanging indent (lines start at " + [...lefts].join(", ") + ")");
	}
	return problems;
})()`

// TestBrowserPhoneLayout: on a phone (390 px) and on a desktop (1280
// px), light and dark, every page's navigation keeps its links together,
// focus items wrap without a stray separator, the footer's ssh command
// stays on one line, touch targets are at least 44 px tall, and
// highlights wrap with a hanging indent.
func TestBrowserPhoneLayout(t *testing.T) {
	e := newEnv(t, 5, withTerminal) // the navigation's longest form
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, 390, 844)
	for _, vp := range []struct {
		width, height int64
		phone         bool
	}{{390, 844, true}, {1280, 800, false}} {
		opts := []chromedp.EmulateViewportOption{}
		if vp.phone {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
			t.Fatal(err)
		}
		for _, scheme := range []string{"light", "dark"} {
			for _, path := range []string{"/", "/projects/notelytix", "/contact"} {
				if err := chromedp.Do(ctx, colorScheme(scheme), chromedp.Navigate(srv.URL+path), chromedp.WaitVisible("h1")); err != nil {
					t.Fatal(err)
				}
				problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](phoneChecks))
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range problems {
					t.Errorf("%d px, %s, %s: %s", vp.width, scheme, path, p)
				}
			}
		}
	}
}

// TestBrowserLinksRow: a profile with links (email, GitHub, LinkedIn, a
// CV) shows them as one row under the name at 1280 px, between the title
// and the pitch, each a 44 px target, and axe-core finds nothing; a
// profile with none draws no row.
func TestBrowserLinksRow(t *testing.T) {
	other, err := content.Load(os.DirFS("../../content/testdata/other-owner"))
	if err != nil {
		t.Fatal(err)
	}
	other.Profile.Links = []content.Link{
		{Label: "Email", URL: "mailto:zoe@example.org"},
		{Label: "GitHub", URL: "https://github.example.org/zoe"},
		{Label: "LinkedIn", URL: "https://linkedin.example.org/in/zoe"},
		{Label: "CV", URL: "https://example.org/zoe-cv.pdf"},
	}
	e := newEnv(t, 5, func(o *Options) { withTerminal(o); o.Portfolio = other })
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, 1280, 800)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const links = [...document.querySelectorAll(".links a")];
		const tops = new Set(links.map(a => Math.round(a.getBoundingClientRect().top)));
		const h1 = document.querySelector("h1").getBoundingClientRect().bottom;
		const row = document.querySelector(".links").getBoundingClientRect();
		const pitch = document.querySelector(".pitch").getBoundingClientRect().top;
		return [links.length, tops.size, row.top >= h1 && row.bottom <= pitch ? 1 : 0, Math.min(...links.map(a => a.getBoundingClientRect().height))];
	})()`))
	if err != nil || len(m) != 4 {
		t.Fatalf("measuring the links row: %v", err)
	}
	if m[0] != 4 || m[1] != 1 || m[2] != 1 || m[3] < 44 {
		t.Errorf("links row: %v links on %v rows, under the name and above the pitch: %v, shortest %v px; want 4 on one row, under the name, 44 px", m[0], m[1], m[2] == 1, m[3])
	}
	browsertest.NoAxeViolations(t, ctx, "the home page with links")
	browsertest.Screenshot(t, ctx, "web-home-links", false)

	if len(testPortfolio(t).Profile.Links) != 0 {
		return // the real content now sets links: no profile without
	}
	_, plain := browserEnv(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(plain.URL+"/"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".links").length`)); err != nil || n != 0 {
		t.Errorf("a profile without links draws %d links rows (%v)", n, err)
	}
}
