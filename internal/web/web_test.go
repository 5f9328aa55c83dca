package web

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// testEnv is the web side over a real inbox service storing to a temp dir.
type testEnv struct {
	h       http.Handler
	dir     string
	healthy *atomic.Bool
}

func testPortfolio(t testing.TB) *content.Portfolio {
	t.Helper()
	pf, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	return pf
}

func testOptions(t testing.TB, pf *content.Portfolio) Options {
	return Options{
		Portfolio:   pf,
		SSHCommand:  "ssh portfolio.example.com",
		Fingerprint: "SHA256:abc+def/ghi",
		KnownHosts:  "portfolio.example.com ssh-ed25519 AAAAC3Nza<x>",
		SSHFP:       []string{"portfolio.example.com. IN SSHFP 4 2 00ff", "second <record>"},
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "# metrics here\nfake_total 1\n")
		}),
	}
}

// newEnv builds the handler; edit may change the options (after Submit is
// set to a real inbox service allowing perHour messages).
func newEnv(t testing.TB, perHour int, edit func(*Options)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	store, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &testEnv{dir: dir, healthy: &atomic.Bool{}}
	e.healthy.Store(true)
	o := testOptions(t, testPortfolio(t))
	o.Healthy = e.healthy.Load
	o.Submit = inbox.NewService(store, inbox.ServiceOptions{PerHour: perHour}).Submit
	if edit != nil {
		edit(&o)
	}
	if e.h, err = Handler(o); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *testEnv) do(t testing.TB, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func (e *testEnv) get(t testing.TB, path string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends the form as a same-origin browser would (Origin and
// Sec-Fetch-Site), with headers changed by hdr ("" deletes).
func (e *testEnv) post(t testing.TB, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/contact", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://example.com")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return e.do(t, req)
}

func (e *testEnv) stored(t testing.TB) []inbox.Message {
	t.Helper()
	msgs, rep, err := filestore.ReadAll(e.dir)
	if err != nil || rep != (inbox.ReadReport{}) {
		t.Fatalf("ReadAll: %+v %v", rep, err)
	}
	return msgs
}

func validForm() url.Values {
	return url.Values{"name": {"Jane Doe"}, "reply_to": {"jane@example.com"}, "message": {"Loved the case studies."}}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, 5, nil)
	rec := e.get(t, "/healthz")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("healthy: GET /healthz = %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	// The answer follows Healthy on every request, not once at start.
	e.healthy.Store(false)
	if rec = e.get(t, "/healthz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("stopping: GET /healthz = %d, want 503", rec.Code)
	}
	e.healthy.Store(true)
	if rec = e.get(t, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthy again: GET /healthz = %d, want 200", rec.Code)
	}
}

func TestMetricsMounted(t *testing.T) {
	e := newEnv(t, 5, nil)
	if rec := e.get(t, "/metrics"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "fake_total 1") {
		t.Errorf("GET /metrics = %d %q, want the Metrics handler's output", rec.Code, rec.Body.String())
	}
	e = newEnv(t, 5, func(o *Options) { o.Metrics = nil })
	if rec := e.get(t, "/metrics"); rec.Code != http.StatusNotFound {
		t.Errorf("no Metrics handler: GET /metrics = %d, want 404", rec.Code)
	}
}

// inOrder fails unless every want is in s, each after the one before.
func inOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Errorf("page lacks %q after byte %d", w, at)
			return
		}
		at += i + len(w)
	}
}

// TestHomePage checks the portfolio page: everything from the content,
// in reading order, with the SSH details below the fold.
func TestHomePage(t *testing.T) {
	e := newEnv(t, 5, nil)
	pf := testPortfolio(t)
	rec := e.get(t, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body := html.UnescapeString(rec.Body.String())

	// Name, title, pitch and highlights first; then skills, projects,
	// the form, and only then the ssh command and the key's details.
	want := []string{"<h1>" + pf.Profile.Name + "</h1>", pf.Profile.Title, pf.Profile.Tagline}
	want = append(want, pf.Profile.Focus...)
	for _, p := range pf.Projects {
		want = append(want, p.Highlights...)
	}
	want = append(want, `<section id="skills">`)
	for _, g := range pf.Skills.Groups {
		want = append(want, "<h3>"+g.Name+"</h3>")
		want = append(want, g.Items...)
	}
	want = append(want, `<section id="projects">`)
	for _, p := range pf.Projects {
		want = append(want, `<article class="project" id="project-`+p.Slug+`">`,
			`<a href="/projects/`+p.Slug+`">`+p.Title+`</a>`, p.Summary)
		want = append(want, p.Stack...)
	}
	want = append(want, `<section id="contact">`, pf.Contact.Heading, `<form method="post" action="/contact"`,
		`<section id="terminal">`, "ssh portfolio.example.com", "<details>", "SHA256:abc+def/ghi",
		"portfolio.example.com ssh-ed25519 AAAAC3Nza<x>", "second <record>", "</details>")
	inOrder(t, body, want...)

	// Case studies' Markdown is HTML with headings under the article's.
	if !strings.Contains(body, "<h4>System Architecture</h4>") || !strings.Contains(body, "<strong>Real-time STT Pipeline:</strong>") {
		t.Error("case study Markdown not rendered as headings and lists")
	}
	// Link previews.
	for _, meta := range []string{
		`<title>` + pf.Profile.Name + ` · ` + pf.Profile.Title + `</title>`,
		`<meta name="description" content="` + pf.Profile.Tagline + `">`,
		`<meta property="og:title" content="` + pf.Profile.Name + ` · ` + pf.Profile.Title + `">`,
		`<meta property="og:description" content="` + pf.Profile.Tagline + `">`,
		`<meta property="og:type" content="profile">`,
		`<link rel="icon" href="/assets/favicon.`,
	} {
		if !strings.Contains(body, meta) {
			t.Errorf("page lacks %s", meta)
		}
	}
	// The raw page escapes the hostile option values.
	raw := rec.Body.String()
	for _, bad := range []string{"<x>", "<record>"} {
		if strings.Contains(raw, bad) {
			t.Errorf("page holds raw %q", bad)
		}
	}
}

// TestNothingInlineOrElsewhere checks the strict policy: a CSP of this
// origin only, no inline script or style for it to allow, every asset
// referenced by a same-origin path.
func TestNothingInlineOrElsewhere(t *testing.T) {
	e := newEnv(t, 5, nil)
	for _, path := range []string{"/", "/projects/notelytix", "/contact", "/contact/sent", "/nope"} {
		rec := e.get(t, path)
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "default-src 'self';") || strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
			t.Errorf("%s: Content-Security-Policy = %q", path, csp)
		}
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		body := rec.Body.String()
		for _, inline := range []string{"<script>", "<style", " style=", " onclick=", " onload=", "javascript:"} {
			if strings.Contains(body, inline) {
				t.Errorf("%s holds inline %q", path, inline)
			}
		}
		for _, m := range regexp.MustCompile(`(?:src|href)="([^"#]*)"`).FindAllStringSubmatch(body, -1) {
			if u := m[1]; !strings.HasPrefix(u, "/") {
				t.Errorf("%s references %q, not a path on this site", path, u)
			}
		}
	}
}

// TestAssets checks that every asset the page names is served, named by
// its content's hash, cached for a year, and gzipped when asked.
func TestAssets(t *testing.T) {
	e := newEnv(t, 5, nil)
	body := e.get(t, "/").Body.String()
	urls := regexp.MustCompile(`"(/assets/[^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(urls) != 3 {
		t.Fatalf("page names %d assets, want 3 (css, js, icon)", len(urls))
	}
	for _, m := range urls {
		rec := e.get(t, m[1])
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", m[1], rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control = %q", m[1], cc)
		}
		sum := sha256.Sum256(rec.Body.Bytes())
		if !strings.Contains(m[1], "."+hex.EncodeToString(sum[:5])+".") {
			t.Errorf("%s: name does not carry the content's hash %x", m[1], sum[:5])
		}
		req := httptest.NewRequest(http.MethodGet, m[1], nil)
		req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
		gz := e.do(t, req)
		if strings.HasSuffix(m[1], ".css") || strings.HasSuffix(m[1], ".js") {
			if gz.Header().Get("Content-Encoding") != "gzip" || gunzip(t, gz.Body.Bytes()) != rec.Body.String() {
				t.Errorf("%s: not served gzipped to a client that takes gzip", m[1])
			}
		}
	}
	css := e.get(t, urls[1][1]).Body.String()
	if !strings.Contains(urls[1][1], ".css") || !strings.Contains(css, "--accent:") || strings.Contains(css, "{{") {
		t.Errorf("stylesheet not filled in from the palette:\n%s", css[:min(400, len(css))])
	}
	if rec := e.get(t, "/assets/site.0000000000.css"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown asset = %d, want 404", rec.Code)
	}
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip": true, "GZIP;q=0.5": true,
		"gzip;q=0": false, "gzip; q=0.000": false, "br": false, "x-gzip2": false,
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", ae)
		if got := acceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", ae, got, want)
		}
	}
}

// TestProjectPages checks one page per case study, with the write-up's
// headings under the page's h1.
func TestProjectPages(t *testing.T) {
	e := newEnv(t, 5, nil)
	for _, p := range testPortfolio(t).Projects {
		rec := e.get(t, "/projects/"+p.Slug)
		body := html.UnescapeString(rec.Body.String())
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /projects/%s = %d", p.Slug, rec.Code)
		}
		inOrder(t, body, "<title>"+p.Title+" · ", `<meta property="og:type" content="article">`,
			`<meta property="og:description" content="`+p.Summary+`">`, "<h1>"+p.Title+"</h1>", p.Summary, "<h2>")
	}
	rec := e.get(t, "/projects/no-such-project")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Not found") {
		t.Errorf("unknown project = %d, want the 404 page", rec.Code)
	}
}

// TestMarkdownIsSafe gives the page a portfolio with hostile text: raw
// HTML and script links in the Markdown, markup in plain fields.
func TestMarkdownIsSafe(t *testing.T) {
	pf := *testPortfolio(t)
	pf.Profile.Name = `Jane <b>"Doe"</b>`
	pf.Profile.Body = "Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
	pf.Projects = append([]content.Project(nil), pf.Projects...)
	pf.Projects[0].Body = "## <i>Goal</i>\n\n<iframe src=//evil.example></iframe>\n"
	e := newEnv(t, 5, func(o *Options) { o.Portfolio = &pf })
	for _, path := range []string{"/", "/projects/" + pf.Projects[0].Slug} {
		body := e.get(t, path).Body.String()
		for _, bad := range []string{"<script>", "javascript:", "<img", "onerror", "<iframe", "<b>", "<i>"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s holds %q", path, bad)
			}
		}
	}
	if body := e.get(t, "/").Body.String(); !strings.Contains(body, "Jane &lt;b&gt;&#34;Doe&#34;&lt;/b&gt;") {
		t.Error("name not escaped as text")
	}
}

// TestContactStores sends the form as a browser does, with text in
// several scripts: stored once through the inbox, marked as from the
// web, then the thank-you page.
func TestContactStores(t *testing.T) {
	e := newEnv(t, 5, nil)
	form := url.Values{"name": {"王小明 Đặng"}, "reply_to": {"@xiaoming"}, "message": {"你好! Chào bạn 👋🏽\r\nSecond line."}}
	rec := e.post(t, form, nil)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/contact/sent?id=") {
		t.Fatalf("POST /contact = %d, Location %q; want 303 to the thank-you page\n%s", rec.Code, loc, rec.Body)
	}
	msgs := e.stored(t)
	if len(msgs) != 1 {
		t.Fatalf("%d stored, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Name != "王小明 Đặng" || m.ReplyTo != "@xiaoming" || m.Message != "你好! Chào bạn 👋🏽\nSecond line." ||
		m.Via != inbox.ViaWeb || m.Remote != "192.0.2.1" || m.Fingerprint != "" || !m.Valid() {
		t.Errorf("stored %+v", m)
	}
	if loc != "/contact/sent?id="+m.ID {
		t.Errorf("Location %q, want the stored id %s", loc, m.ID)
	}
	thanks := e.get(t, loc)
	if thanks.Code != http.StatusOK || !strings.Contains(thanks.Body.String(), "Thank you") || !strings.Contains(thanks.Body.String(), m.ID) {
		t.Errorf("thank-you page = %d:\n%s", thanks.Code, thanks.Body)
	}
	// A reload of the POST (the same text again) stores nothing more.
	if rec := e.post(t, form, nil); rec.Code != http.StatusSeeOther || len(e.stored(t)) != 1 {
		t.Errorf("resent: %d, %d stored", rec.Code, len(e.stored(t)))
	}
	// Only an id-shaped value is echoed on the thank-you page.
	if body := e.get(t, "/contact/sent?id=%3Cscript%3E").Body.String(); strings.Contains(body, "script&gt;") || strings.Contains(body, "reference") {
		t.Error("thank-you page echoes an arbitrary id")
	}
}

// TestContactCrossSite refuses a form posted from another site, by each
// signal a browser may send, and stores nothing.
func TestContactCrossSite(t *testing.T) {
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"same origin", nil, http.StatusSeeOther},
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"other Origin, no fetch metadata", map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"Origin null", map[string]string{"Sec-Fetch-Site": "", "Origin": "null"}, http.StatusForbidden},
		{"other Referer only", map[string]string{"Sec-Fetch-Site": "", "Origin": "", "Referer": "https://evil.example/page"}, http.StatusForbidden},
		{"own Referer only", map[string]string{"Sec-Fetch-Site": "", "Origin": "", "Referer": "http://example.com/"}, http.StatusSeeOther},
		{"no browser headers (curl)", map[string]string{"Sec-Fetch-Site": "", "Origin": ""}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 5, nil)
			rec := e.post(t, validForm(), tc.hdr)
			if rec.Code != tc.want {
				t.Fatalf("POST = %d, want %d\n%s", rec.Code, tc.want, rec.Body)
			}
			stored := len(e.stored(t))
			if tc.want == http.StatusForbidden && (stored != 0 || !strings.Contains(rec.Body.String(), "another site")) {
				t.Errorf("refused post: %d stored, page:\n%s", stored, rec.Body)
			}
			if tc.want == http.StatusSeeOther && stored != 1 {
				t.Errorf("accepted post: %d stored, want 1", stored)
			}
		})
	}
}

// TestContactHoneypot: a bot that fills the hidden field is thanked and
// nothing is stored.
func TestContactHoneypot(t *testing.T) {
	e := newEnv(t, 5, nil)
	form := validForm()
	form.Set("website", "http://spam.example")
	rec := e.post(t, form, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/contact/sent" {
		t.Errorf("honeypot post = %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}
	if n := len(e.stored(t)); n != 0 {
		t.Errorf("%d stored, want 0", n)
	}
	// The field is in the form, hidden from people.
	body := e.get(t, "/").Body.String()
	if !regexp.MustCompile(`<div class="hp" aria-hidden="true">\s*<label for="f-website">[^<]*</label>\s*<input id="f-website" name="website" tabindex="-1"`).MatchString(body) {
		t.Error("no hidden honeypot field on the page")
	}
}

// fieldValue is the value of the form's input or textarea named name.
func fieldValue(t *testing.T, body, name string) string {
	t.Helper()
	if m := regexp.MustCompile(`<input id="[^"]*" name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	if m := regexp.MustCompile(`(?s)<textarea id="[^"]*" name="` + name + `"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	t.Fatalf("no field %q in the form", name)
	return ""
}

// TestContactErrorsKeepInput: a refused form comes back with every field
// as typed (escaped) and a reason beside each bad one.
func TestContactErrorsKeepInput(t *testing.T) {
	e := newEnv(t, 5, nil)
	form := url.Values{"name": {""}, "reply_to": {`jane@"><script>`}, "message": {"日本語のメッセージ 🎌\n\"quoted\" </textarea><b>"}}
	rec := e.post(t, form, nil)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST = %d, want 422", rec.Code)
	}
	body := rec.Body.String()
	for _, f := range []string{"name", "reply_to", "message"} {
		if got := fieldValue(t, body, f); got != form.Get(f) {
			t.Errorf("field %s = %q, want %q as typed", f, got, form.Get(f))
		}
	}
	for _, bad := range []string{"<script>", "</textarea><b>"} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds raw %q", bad)
		}
	}
	inOrder(t, body, `role="alert"`, `aria-invalid="true" aria-describedby="e-name"`, `id="e-name">Please fill this in.`,
		`aria-describedby="e-reply"`, `id="e-reply">`)
	if strings.Contains(body, `aria-describedby="e-message"`) {
		t.Error("the valid message is marked invalid")
	}
	if n := len(e.stored(t)); n != 0 {
		t.Errorf("%d stored, want 0", n)
	}
	// Too long, counted in characters (emoji and CJK are one each).
	form = validForm()
	form.Set("message", strings.Repeat("語", inbox.MaxMessage)+"🎌")
	body = e.post(t, form, nil).Body.String()
	if !strings.Contains(body, "Too long (max 2000 characters).") || fieldValue(t, body, "message") != form.Get("message") {
		t.Error("too long message: no reason, or text not kept")
	}
}

// TestContactReplyToRule: the web form takes a reply-to by the inbox's one
// rule (an email address, an @handle or an http(s) URL), names what was
// expected, keeps what was typed, and its label says the same as the
// terminal form's placeholder.
func TestContactReplyToRule(t *testing.T) {
	e := newEnv(t, 50, nil)
	if body := e.get(t, "/contact").Body.String(); !strings.Contains(body, `<span class="hint">`+inbox.ReplyToHint+`</span>`) {
		t.Errorf("the reply-to label doesn't say %q", inbox.ReplyToHint)
	}
	for bad, reason := range map[string]string{
		"x":                   "expected an email address, an @handle or an https:// link",
		"jane@gmail":          "the email address needs a full domain, like jane@example.com",
		"javascript:alert(1)": "expected an email address, an @handle or an https:// link",
		"<script>":            "expected an email address, an @handle or an https:// link",
	} {
		form := validForm()
		form.Set("reply_to", bad)
		rec := e.post(t, form, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-reply">`+strings.ToUpper(reason[:1])+reason[1:]) {
			t.Errorf("reply-to %q: %d, want 422 saying %q", bad, rec.Code, reason)
		}
		if got := fieldValue(t, body, "reply_to"); got != bad {
			t.Errorf("reply-to %q not kept: %q", bad, got)
		}
	}
	for _, good := range []string{"jane@example.com", "@jane", "https://example.com/jane"} {
		form := validForm()
		form.Set("reply_to", good)
		form.Set("message", "hello "+good)
		if rec := e.post(t, form, nil); rec.Code != http.StatusSeeOther {
			t.Errorf("reply-to %q: %d, want it stored", good, rec.Code)
		}
	}
	if n := len(e.stored(t)); n != 3 {
		t.Errorf("%d stored, want the 3 good ones", n)
	}
}

// TestContactCountsAsTheServer: the form never refuses what the inbox
// accepts. A browser's maxlength counts UTF-16 units (an emoji is two), so
// the name and message have none; the server counts characters as the
// inbox does (inbox.Length), and past the limit says so and keeps the text.
func TestContactCountsAsTheServer(t *testing.T) {
	e := newEnv(t, 50, nil)
	body := e.get(t, "/contact").Body.String()
	for _, id := range []string{"f-name", "f-message"} {
		i := strings.Index(body, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no #%s", id)
		}
		tag := body[i : i+strings.Index(body[i:], ">")]
		if strings.Contains(tag, "maxlength") {
			t.Errorf("#%s has a maxlength, which counts UTF-16 units: %s", id, tag)
		}
	}
	if !strings.Contains(body, fmt.Sprintf("up to %d characters", inbox.MaxMessage)) {
		t.Error("the message's limit isn't stated")
	}
	family := "👨\u200d👩\u200d👧"
	for _, msg := range []string{strings.Repeat("🙂", inbox.MaxMessage), strings.Repeat(family, inbox.MaxMessage/5)} {
		form := validForm()
		form.Set("name", strings.Repeat("🙂", inbox.MaxName))
		form.Set("message", msg)
		if rec := e.post(t, form, nil); rec.Code != http.StatusSeeOther {
			t.Errorf("a message of %d characters: %d, want it stored", inbox.Length(msg), rec.Code)
		}
	}
	form := validForm()
	form.Set("message", strings.Repeat(family, inbox.MaxMessage/5)+"!")
	rec := e.post(t, form, nil)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Too long (max 2000 characters).") || fieldValue(t, body, "message") != form.Get("message") {
		t.Errorf("one character over: %d, want 422 with the reason and the text kept", rec.Code)
	}
}

// TestContactRateLimited: past the per-IP limit, the visitor is told when
// to try again and keeps what they wrote.
func TestContactRateLimited(t *testing.T) {
	e := newEnv(t, 1, nil)
	if rec := e.post(t, validForm(), nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("first = %d", rec.Code)
	}
	form := validForm()
	form.Set("message", "A second, different message ✉️")
	rec := e.post(t, form, nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second = %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	body := rec.Body.String()
	if !strings.Contains(body, "Please try again in 1 h.") || fieldValue(t, body, "message") != form.Get("message") {
		t.Errorf("rate-limited page:\n%s", body)
	}
	// Another address is its own sender.
	req := httptest.NewRequest(http.MethodPost, "/contact", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "198.51.100.7:4000"
	if rec := e.do(t, req); rec.Code != http.StatusSeeOther {
		t.Errorf("other address = %d, want 303", rec.Code)
	}
}

// TestContactStorageFails: a failed write is a clear "try again" with the
// text kept, never a "thank you".
func TestContactStorageFails(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
		text string
	}{
		{fmt.Errorf("%w: disk full", inbox.ErrStorage), http.StatusServiceUnavailable, "couldn&#39;t be saved just now"},
		{errors.New("boom"), http.StatusInternalServerError, "Something went wrong"},
		{&inbox.BusyError{Elsewhere: []string{"GitHub (https://github.com/x)"}}, http.StatusServiceUnavailable,
			"The inbox is busy, please try again later or use GitHub (https://github.com/x). What you wrote"},
	} {
		e := newEnv(t, 5, func(o *Options) {
			o.Submit = func(inbox.Submission) (inbox.Receipt, error) { return inbox.Receipt{}, tc.err }
		})
		rec := e.post(t, validForm(), nil)
		if rec.Code != tc.want || !strings.Contains(rec.Body.String(), tc.text) ||
			fieldValue(t, rec.Body.String(), "message") != validForm().Get("message") {
			t.Errorf("%v: %d\n%s", tc.err, rec.Code, rec.Body)
		}
	}
}

// TestClientIP: the TCP peer, or Fly-Client-IP only when trusted.
func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		trust  bool
		header string
		want   string
	}{
		{false, "203.0.113.9", "192.0.2.1"},
		{true, "203.0.113.9", "203.0.113.9"},
		{true, "2001:db8::1", "2001:db8::1"},
		{true, "::ffff:203.0.113.9", "203.0.113.9"},
		{true, "not an ip", "192.0.2.1"},
		{true, "", "192.0.2.1"},
	} {
		var got string
		e := newEnv(t, 5, func(o *Options) {
			o.TrustFlyClientIP = tc.trust
			o.Submit = func(s inbox.Submission) (inbox.Receipt, error) {
				got = s.Remote
				return inbox.Receipt{ID: "abc", Time: time.Now()}, nil
			}
		})
		e.post(t, validForm(), map[string]string{"Fly-Client-IP": tc.header})
		if got != tc.want {
			t.Errorf("trust %v, Fly-Client-IP %q: remote %q, want %q", tc.trust, tc.header, got, tc.want)
		}
	}
}

func TestContactTooLarge(t *testing.T) {
	e := newEnv(t, 5, nil)
	form := validForm()
	form.Set("message", strings.Repeat("x", maxForm))
	if rec := e.post(t, form, nil); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("huge form = %d, want 413", rec.Code)
	}
	if n := len(e.stored(t)); n != 0 {
		t.Errorf("%d stored, want 0", n)
	}
}

func TestUnknownPathAndMethods(t *testing.T) {
	e := newEnv(t, 5, nil)
	for _, p := range []string{"/nope", "/index.html", "/healthz/x", "/metrics/x", "/projects/", "/assets/"} {
		if rec := e.get(t, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	for _, p := range []string{"/", "/healthz", "/metrics", "/projects/notelytix"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			rec := e.do(t, httptest.NewRequest(m, p, nil))
			if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Header().Get("Allow"), "GET") {
				t.Errorf("%s %s = %d, Allow %q; want 405 with GET", m, p, rec.Code, rec.Header().Get("Allow"))
			}
		}
		// HEAD comes with GET in net/http's mux; it must not be refused.
		if rec := e.do(t, httptest.NewRequest(http.MethodHead, p, nil)); rec.Code != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", p, rec.Code)
		}
	}
}

// TestOnPage: the statistics hear of each page of the portfolio served,
// by name, and of nothing else.
func TestOnPage(t *testing.T) {
	var pages []string
	e := newEnv(t, 5, func(o *Options) { o.OnPage = func(_ *http.Request, p string) { pages = append(pages, p) } })
	for _, p := range []string{"/", "/projects/notelytix", "/projects/nope", "/healthz", "/contact", "/assets/x"} {
		e.get(t, p)
	}
	e.do(t, httptest.NewRequest(http.MethodHead, "/", nil))
	if got := strings.Join(pages, ","); got != ",projects/notelytix" {
		t.Errorf("pages heard: %q, want the home page and the case study", got)
	}
}
