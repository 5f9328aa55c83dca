package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestInvitationPaths: under /i/CODE every page keeps its links under the
// code's path and shows the greeting and the personal line; the form's
// message carries the label and its thank-you page stays under the path;
// pages are reported with their names. An unknown code gets the same
// pages, 200, without either, and reports nothing.
func TestInvitationPaths(t *testing.T) {
	const code = "k7q2m9xwtd4rbh3n"
	var (
		mu       sync.Mutex
		views    []string
		messaged int
	)
	e := newEnv(t, 0, func(o *Options) {
		o.SSHCommand = "ssh -p 2222 portfolio.example.com"
		o.Invite = func(_ *http.Request, c string) *Invitation {
			if c != code {
				return nil
			}
			return &Invitation{Greeting: "Hello Acme team", Label: "Acme — Staff Backend",
				View:     func(p string) { mu.Lock(); views = append(views, p); mu.Unlock() },
				Messaged: func() { mu.Lock(); messaged++; mu.Unlock() }}
		}
	})
	home := e.get(t, "/i/"+code)
	body := home.Body.String()
	for _, want := range []string{`<p class="greeting">Hello Acme team</p>`, "This link is personal", `href="/i/` + code + `/projects/notelytix"`,
		`href="/i/` + code + `/contact"`, "ssh -p 2222 " + code + "@portfolio.example.com"} {
		if !strings.Contains(body, want) {
			t.Errorf("/i/CODE: no %q", want)
		}
	}
	if strings.Contains(body, `href="/projects/`) || strings.Contains(body, `href="/contact"`) {
		t.Error("/i/CODE links out of the invitation's path")
	}
	if form := e.get(t, "/i/"+code+"/contact").Body.String(); !strings.Contains(form, `action="/i/`+code+`/contact"`) || strings.Contains(form, `action="/contact"`) {
		t.Error("/i/CODE/contact: the form posts out of the invitation's path")
	}
	if home.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", home.Header().Get("Cache-Control"))
	}
	if r := e.get(t, "/i/"+code+"/projects/notelytix"); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `href="/i/`+code+`/#projects"`) {
		t.Errorf("case study: %d", r.Code)
	}
	req := httptest.NewRequest(http.MethodPost, "/i/"+code+"/contact", strings.NewReader(validForm().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://example.com")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r := e.do(t, req)
	if loc := r.Header().Get("Location"); r.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/i/"+code+"/contact/sent?id=") {
		t.Errorf("POST: %d to %q", r.Code, loc)
	}
	msgs := e.stored(t)
	if len(msgs) != 1 || msgs[0].Invitation != "Acme — Staff Backend" || msgs[0].Remote != "" {
		t.Errorf("stored %+v", msgs)
	}
	mu.Lock()
	if strings.Join(views, ",") != "about,contact,projects/notelytix" || messaged != 1 {
		t.Errorf("views %q, messaged %d", views, messaged)
	}
	mu.Unlock()

	other := e.get(t, "/i/aaaaaaaaaaaaaaaa").Body.String()
	if e.get(t, "/i/aaaaaaaaaaaaaaaa").Code != http.StatusOK || strings.Contains(other, "Hello Acme team") || strings.Contains(other, "personal") {
		t.Error("an unknown code: not the ordinary page")
	}
	if r := e.get(t, "/i/aaaaaaaaaaaaaaaa/projects/nope"); r.Code != http.StatusNotFound {
		t.Errorf("unknown case study under a code: %d", r.Code)
	}
}
