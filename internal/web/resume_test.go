package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/pragyamugale/portfolio/internal/browsertest"
	"github.com/pragyamugale/portfolio/internal/resume"
)

// TestResumeDownloads: /resume.pdf (A4, or ?paper=letter) and
// /resume.json are the CV's bytes, named for the owner, with a strong
// ETag that a revalidation answers with 304; the page links to them.
func TestResumeDownloads(t *testing.T) {
	e := newEnv(t, 5, nil)
	pf := testPortfolio(t)
	a4, _ := resume.PDFBytes(pf, resume.A4)
	letter, _ := resume.PDFBytes(pf, resume.Letter)
	js, _ := resume.JSONBytes(pf)
	for path, want := range map[string]struct {
		body        []byte
		ctype, disp string
	}{
		"/resume.pdf":              {a4, "application/pdf", `attachment; filename=Pragya-Mugale-CV.pdf`},
		"/resume.pdf?paper=letter": {letter, "application/pdf", `attachment; filename=Pragya-Mugale-CV.pdf`},
		"/resume.json":             {js, "application/json", `inline; filename=Pragya-Mugale-CV.json`},
	} {
		w := e.get(t, path)
		if w.Code != 200 || w.Body.String() != string(want.body) {
			t.Fatalf("%s: %d, %d bytes; want 200 and the %d bytes of the CV", path, w.Code, w.Body.Len(), len(want.body))
		}
		hd := w.Header()
		if hd.Get("Content-Type") != want.ctype || hd.Get("Content-Disposition") != want.disp {
			t.Errorf("%s: Content-Type %q, Content-Disposition %q", path, hd.Get("Content-Type"), hd.Get("Content-Disposition"))
		}
		etag := hd.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || !strings.Contains(hd.Get("Cache-Control"), "max-age") {
			t.Errorf("%s: ETag %q, Cache-Control %q", path, etag, hd.Get("Cache-Control"))
		}
		// The same ETag from a second server over the same content:
		// it is the bytes', not the process's.
		if other := newEnv(t, 5, nil).get(t, path).Header().Get("ETag"); other != etag {
			t.Errorf("%s: ETag %q on one server, %q on another", path, etag, other)
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("If-None-Match", etag)
		if w := e.do(t, req); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes; want 304", path, w.Code, w.Body.Len())
		}
	}
	if w := e.get(t, "/resume.pdf?paper=a3"); w.Code != http.StatusBadRequest {
		t.Errorf("/resume.pdf?paper=a3: %d", w.Code)
	}
	var v struct {
		Basics struct{ Name string } `json:"basics"`
	}
	if err := json.Unmarshal(js, &v); err != nil || v.Basics.Name != pf.Profile.Name {
		t.Errorf("resume.json: %v, %+v", err, v)
	}
	home := e.get(t, "/").Body.String()
	for _, want := range []string{`href="/resume.pdf" download="Pragya-Mugale-CV.pdf"`, `href="/resume.json"`, resume.Command("ssh portfolio.example.com")} {
		if !strings.Contains(home, strings.ReplaceAll(want, ">", "&gt;")) {
			t.Errorf("the home page lacks %q", want)
		}
	}
}

// TestBrowserDownloadsCV: in chromium, the page's "Download CV" link
// saves the PDF, byte for byte, under the owner's name.
func TestBrowserDownloadsCV(t *testing.T) {
	_, srv := browserEnv(t)
	ctx := browsertest.New(t, 1280, 900)
	pf := testPortfolio(t)
	want, _ := resume.PDFBytes(pf, resume.A4)
	dir := t.TempDir()

	var (
		mu        sync.Mutex
		suggested string
	)
	done := make(chan *browser.EventDownloadProgress, 1)
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *browser.EventDownloadWillBegin:
			mu.Lock()
			suggested = ev.SuggestedFilename
			mu.Unlock()
		case *browser.EventDownloadProgress:
			if ev.State == browser.DownloadProgressStateCompleted || ev.State == browser.DownloadProgressStateCanceled {
				select {
				case done <- ev:
				default:
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			return chromedp.FromContext(ctx).Browser.Call(ctx, browser.CommandSetDownloadBehavior, &browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
			}, nil)
		}),
		chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("#cv-pdf"),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "web-cv-link-1280", false)
	err = chromedp.Do(ctx, chromedp.Click("#cv-pdf"))
	if err != nil {
		t.Fatal(err)
	}
	var ev *browser.EventDownloadProgress
	select {
	case ev = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("no download finished within 30 s of the click")
	}
	if ev.State != browser.DownloadProgressStateCompleted {
		t.Fatalf("the download ended %s", ev.State)
	}
	// allowAndName saves the file under the download's GUID.
	got, err := os.ReadFile(filepath.Join(dir, ev.GUID))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("downloaded %d bytes, not the CV's %d", len(got), len(want))
	}
	mu.Lock()
	defer mu.Unlock()
	if suggested != "Pragya-Mugale-CV.pdf" {
		t.Errorf("saved as %q, want Pragya-Mugale-CV.pdf", suggested)
	}
}
