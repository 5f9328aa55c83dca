package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// invitationRoutes serves the pages under /i/{code}: the home page, the
// case studies, the contact form and its thank-you page, and the live
// terminal. Every code, known or not, takes the same path: resolved once
// per request (Options.Invite), and the page rendered for the request
// with its links under the code's path; only a known code adds its
// greeting and the personal-link line, and is recorded.
func (h *handler) invitationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /i/{code}", func(w http.ResponseWriter, r *http.Request) {
		p, inv := h.invitePage(r, h.homePage0())
		inv.view("about")
		h.writePage(w, http.StatusOK, "home", p)
	})
	mux.HandleFunc("GET /i/{code}/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/"), http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /i/{code}/projects/{slug}", func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.projects[r.PathValue("slug")]
		if !ok {
			h.notFound(w, r)
			return
		}
		p, inv := h.invitePage(r, &page{Title: v.Title + " · " + h.o.Portfolio.Profile.Name, Description: v.Summary,
			OGType: "article", Project: v})
		inv.view("projects/" + v.Slug)
		h.writePage(w, http.StatusOK, "project", p)
	})
	mux.HandleFunc("GET /i/{code}/contact", func(w http.ResponseWriter, r *http.Request) {
		p, inv := h.invitePage(r, h.contactPage(formView{}))
		inv.view("contact")
		h.writePage(w, http.StatusOK, "contact", p)
	})
	mux.HandleFunc("POST /i/{code}/contact", func(w http.ResponseWriter, r *http.Request) {
		_, inv := h.invitePage(r, &page{})
		h.submitAs(w, r, inv)
	})
	mux.HandleFunc("GET /i/{code}/contact/sent", func(w http.ResponseWriter, r *http.Request) {
		p, _ := h.invitePage(r, h.sentPage(r))
		h.writePage(w, http.StatusOK, "sent", p)
	})
	if h.o.Terminal != nil {
		mux.HandleFunc("GET /i/{code}/terminal", func(w http.ResponseWriter, r *http.Request) {
			p, _ := h.invitePage(r, h.terminalPage())
			h.writePage(w, http.StatusOK, "terminal", p)
		})
		// The socket's visit resolves the code itself (r.PathValue).
		mux.Handle("GET /i/{code}/terminal/ws", h.o.Terminal)
	}
}

// invited is the request's invitation, nil for none. Its methods do
// nothing on nil.
type invited struct {
	*Invitation
	base string
}

func (i *invited) view(page string) {
	if i != nil && i.Invitation != nil && i.View != nil {
		i.View(page)
	}
}

// invitePage fills p for the request's code: the base of its links, the
// SSH command with the code as the user name, and, for a known code, the
// greeting and the personal-link line.
func (h *handler) invitePage(r *http.Request, p *page) (*page, *invited) {
	code := r.PathValue("code")
	inv := h.o.Invite(r, code)
	// The code as it came, escaped for a path: the page's links carry it.
	p.Base = "/i/" + url.PathEscape(code)
	p.SSHCommand = withUser(h.site.SSHCommand, code)
	if inv != nil && r.Method == http.MethodHead {
		// A HEAD shows nothing and counts nothing.
		return p, &invited{base: p.Base}
	}
	if inv != nil {
		p.Invite = &inviteView{Greeting: inv.Greeting, Personal: true,
			Notice: "This link is personal: its visits are counted for " + h.o.Portfolio.Profile.FirstName() + " (no address or key is kept)."}
	}
	return p, &invited{Invitation: inv, base: p.Base}
}

// withUser puts user in front of the host of an "ssh [-p N] host"
// command: "ssh -p N user@host". A user that isn't a plain word is left
// out.
func withUser(cmd, user string) string {
	for _, c := range user {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return cmd
		}
	}
	i := strings.LastIndexByte(cmd, ' ')
	if user == "" || i < 0 {
		return cmd
	}
	return cmd[:i+1] + user + "@" + cmd[i+1:]
}

// submitAs is submit for an invitation's form: the message carries its
// label, the thank-you page and a refused form stay under its path.
func (h *handler) submitAs(w http.ResponseWriter, r *http.Request, inv *invited) {
	h.submitWith(w, r, inv)
}

// messageFor is the submission of a form through inv (nil: an ordinary
// one).
func messageFor(sub inbox.Submission, inv *invited) inbox.Submission {
	if inv != nil && inv.Invitation != nil {
		sub.Invitation = inv.Label
	}
	return sub
}
