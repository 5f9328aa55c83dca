// Package web is the server's HTTP side: the portfolio as a web page (one
// page with everything, one per case study), its contact form, a health
// check for the platform and Prometheus metrics.
//
// Everything is rendered from the same content model as the terminal app
// (content.Portfolio); the form goes through the same inbox service as the
// SSH form. Pages load nothing from elsewhere: styles, script and icon are
// embedded, named by their hash and cached for a year.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/resume"
)

// Options is what the HTTP side shows and asks.
type Options struct {
	// Healthy reports whether SSH is accepting sessions.
	Healthy func() bool
	// Metrics serves /metrics; nil leaves it out.
	Metrics http.Handler
	// Portfolio is the content every page is rendered from.
	Portfolio *content.Portfolio
	// SSHCommand is the command that opens the terminal app,
	// e.g. "ssh portfolio.example.com".
	SSHCommand  string
	Fingerprint string   // the host key's SHA256:… fingerprint
	KnownHosts  string   // a known_hosts line for the host key
	SSHFP       []string // DNS records for the host key
	// Submit stores a contact message: the inbox service behind the SSH
	// form (validation, sanitising, limits, duplicates, durable storage).
	Submit func(inbox.Submission) (inbox.Receipt, error)
	// TrustFlyClientIP takes the visitor's address from the Fly-Client-IP
	// header (set by Fly's HTTP proxy) instead of the TCP peer. Only for
	// a server reachable through that proxy alone.
	TrustFlyClientIP bool
	// Terminal, if set, is the live terminal's WebSocket, served at
	// /terminal/ws; the page at /terminal (xterm.js) is served with it.
	Terminal http.Handler
	// Logger receives refused forms; nil discards.
	Logger *log.Logger
	// OnPage, if set, hears of every page of the portfolio served: page
	// is "" for the home page, "projects/<slug>" for a case study (the
	// names the app's statistics use). For visitor statistics.
	OnPage func(r *http.Request, page string)
	// Invite, if set, serves an invitation's paths, /i/{code}/…: the same
	// pages, with its links kept under the path (no cookies), its
	// greeting and the personal-link line. It resolves code for r and
	// returns nil for an unknown or revoked one, which gets the same
	// pages without them and with nothing recorded.
	Invite func(r *http.Request, code string) *Invitation
}

// Invitation is a visit through an invitation, as the web page sees it.
type Invitation struct {
	Greeting string
	// Label goes with a message sent through it.
	Label string
	// View hears of each page served through it: "about" for the home
	// page, "projects/<slug>", "contact".
	View func(page string)
	// Messaged hears of each message stored through it.
	Messaged func()
}

// inviteView is an invitation's part of a page.
type inviteView struct {
	Greeting string
	Personal bool
	Notice   string
}

//go:embed templates
var templateFS embed.FS

// site is what every page's frame shows.
type site struct {
	Name, Title             string
	CSS, JS, Icon           string // asset URLs
	SSHCommand              string
	CVCommand, CVName       string // resume.Command, the PDF's file name
	Fingerprint, KnownHosts string
	SSHFP                   []string
	Terminal                bool // /terminal is served
}

// page is one rendered page's data.
type page struct {
	Title, Description, OGType string
	Site                       *site
	// Base prefixes the site's own links: "" or an invitation's /i/CODE.
	Base string
	// SSHCommand is the command shown (an invitation's: ssh CODE@host).
	SSHCommand string
	Invite     *inviteView
	Home       *homeView
	Project    *projectView
	Contact    *contactView
	Form       formView
	Sent       string // the stored message's id
	Problem    *problem
	Terminal   *terminalAssets
}

// terminalAssets are the live terminal page's asset URLs.
type terminalAssets struct{ CSS, JS, Xterm, XtermCSS, Fit, Links string }

type homeView struct {
	Tagline    string
	Focus      []string
	Highlights []string // every case study's, as the app's first screen lists them
	Links      []content.Link
	Body       template.HTML
	Skills     []content.SkillGroup
	Projects   []*projectView
}

type projectView struct {
	Slug, Title, Summary string
	Stack                []string
	Body                 template.HTML // the case study, under the page's h1
	Next                 *projectView  // the next case study (the first after the last); nil if there is one only
	Page                 *static       // the project's own page, rendered
}

// static is a page rendered once: its body, gzipped body and ETag (a hash
// of the body, so a return visit costs a 304).
type static struct {
	body, gz []byte
	etag     string
}

func newStatic(body []byte) *static {
	sum := sha256.Sum256(body)
	return &static{body: body, gz: gzipBytes(body), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

type contactView struct {
	Heading string
	Body    template.HTML
}

// problem is an error page's text.
type problem struct {
	Code          int
	Heading, Text string
}

// handler serves the pages. The pages that never change (home and case
// studies, with an empty form) are rendered and compressed once.
type handler struct {
	o         Options
	log       *log.Logger
	site      *site
	assets    *assetSet
	tmpl      map[string]*template.Template
	home      *homeView
	contact   *contactView
	homePage  *static
	termPage  *static
	terminal  *terminalAssets
	projects  map[string]*projectView
	cv        cvFiles // resume.go
	protector *http.CrossOriginProtection
}

// Handler serves the web side: /, /projects/{slug}, /contact (the form),
// /assets/…, /healthz, /metrics and, when given, /terminal. It fails only
// on content whose Markdown can't be rendered.
func Handler(o Options) (http.Handler, error) {
	assets, err := loadAssets(o.Portfolio.Colors())
	if err != nil {
		return nil, err
	}
	h := &handler{o: o, log: o.Logger, assets: assets, protector: http.NewCrossOriginProtection()}
	if h.log == nil {
		h.log = log.New(io.Discard)
	}
	if err := h.build(); err != nil {
		return nil, err
	}
	if err := h.buildCV(); err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !o.Healthy() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("stopping\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics)
	}
	mux.Handle("GET /assets/{name}", assets)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h.onPage(r, "")
		h.writeStatic(w, r, h.homePage)
	})
	mux.HandleFunc("GET /projects/{slug}", func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.projects[r.PathValue("slug")]
		if !ok {
			h.notFound(w, r)
			return
		}
		h.onPage(r, "projects/"+p.Slug)
		h.writeStatic(w, r, p.Page)
	})
	// Addresses people type or paste (mail clients and shorteners add a
	// trailing slash) lead to the page they mean.
	mux.HandleFunc("GET /projects", redirectTo("/#projects"))
	mux.HandleFunc("GET /projects/{$}", redirectTo("/#projects"))
	mux.HandleFunc("GET /projects/{slug}/{$}", func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.projects[r.PathValue("slug")]
		if !ok {
			h.notFound(w, r)
			return
		}
		redirectTo("/projects/"+p.Slug)(w, r)
	})
	mux.HandleFunc("GET /contact/{$}", redirectTo("/contact"))
	// Browsers ask for /favicon.ico whatever the page says: the icon.
	mux.HandleFunc("GET /favicon.ico", redirectTo(h.site.Icon))
	mux.HandleFunc("GET /resume.pdf", h.resumePDF)
	mux.HandleFunc("GET /resume.json", h.resumeJSON)
	if o.Invite != nil {
		h.invitationRoutes(mux)
	}
	mux.HandleFunc("GET /", h.notFound) // anything not matched below
	mux.HandleFunc("GET /contact", h.contactForm)
	mux.HandleFunc("POST /contact", h.submit)
	mux.HandleFunc("GET /contact/sent", h.sent)
	if o.Terminal != nil {
		mux.HandleFunc("GET /terminal", func(w http.ResponseWriter, r *http.Request) {
			h.writeStatic(w, r, h.termPage)
		})
		mux.HandleFunc("GET /terminal/{$}", redirectTo("/terminal"))
		mux.Handle("GET /terminal/ws", o.Terminal)
	}
	return securityHeaders(mux), nil
}

// securityHeaders adds to every answer: a strict CSP (this origin only, no
// inline code, no framing), no MIME sniffing, no referrer sent elsewhere.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// build renders what never changes.
func (h *handler) build() error {
	pf, o := h.o.Portfolio, h.o
	h.site = &site{
		Name: pf.Profile.Name, Title: pf.Profile.Title,
		CSS: h.assets.url("site.css"), JS: h.assets.url("copy.js"), Icon: h.assets.url("favicon.svg"),
		SSHCommand: o.SSHCommand, CVCommand: resume.Command(o.SSHCommand), CVName: resume.FileName(pf, resume.PDF),
		Fingerprint: o.Fingerprint, KnownHosts: o.KnownHosts, SSHFP: o.SSHFP,
		Terminal: o.Terminal != nil,
	}
	h.tmpl = map[string]*template.Template{}
	base := template.Must(template.ParseFS(templateFS, "templates/layout.html"))
	for _, name := range []string{"home", "project", "contact", "sent", "problem"} {
		h.tmpl[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	// The live terminal's page is a frame of its own (its "layout"
	// replaces the site's).
	h.tmpl["terminal"] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/terminal.html"))

	body, err := markdownHTML(pf.Profile.Body, 1)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	contactBody, err := markdownHTML(pf.Contact.Body, 2)
	if err != nil {
		return fmt.Errorf("contact: %w", err)
	}
	h.contact = &contactView{Heading: pf.Contact.Heading, Body: contactBody}
	h.home = &homeView{Tagline: pf.Profile.Tagline, Focus: pf.Profile.Focus, Links: pf.Profile.Links,
		Body: body, Skills: pf.Skills.Groups}
	h.projects = map[string]*projectView{}
	// The home page shows each project as a card; its case study is on
	// its own page, under the h1, ending in the next one.
	for _, p := range pf.Projects {
		own, err := markdownHTML(p.Body, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Source, err)
		}
		v := &projectView{Slug: p.Slug, Title: p.Title, Summary: p.Summary, Stack: p.Stack, Body: own}
		h.home.Projects = append(h.home.Projects, v)
		h.home.Highlights = append(h.home.Highlights, p.Highlights...)
		h.projects[p.Slug] = v
	}
	for i, v := range h.home.Projects {
		if n := len(h.home.Projects); n > 1 {
			v.Next = h.home.Projects[(i+1)%n]
		}
	}
	for _, v := range h.home.Projects {
		v.Page = newStatic(h.render("project", &page{Title: v.Title + " · " + pf.Profile.Name, Description: v.Summary,
			OGType: "article", Project: v}))
	}
	h.homePage = newStatic(h.render("home", h.homePage0()))
	if o.Terminal != nil {
		a := h.assets
		h.terminal = &terminalAssets{
			CSS: a.url("terminal.css"), JS: a.url("terminal.js"), Xterm: a.url("xterm.js"),
			XtermCSS: a.url("xterm.css"), Fit: a.url("addon-fit.js"), Links: a.url("addon-web-links.js"),
		}
		h.termPage = newStatic(h.render("terminal", h.terminalPage()))
	}
	return nil
}

// terminalPage is the live terminal's page.
func (h *handler) terminalPage() *page {
	pf := h.o.Portfolio
	return &page{Title: pf.Profile.Name + " · in your browser's terminal",
		Description: pf.Profile.Tagline, OGType: "website", Terminal: h.terminal}
}

// homePage0 is the home page's data with an empty form.
func (h *handler) homePage0() *page {
	pf := h.o.Portfolio
	return &page{Title: pf.Profile.Name + " · " + pf.Profile.Title, Description: pf.Profile.Tagline,
		OGType: "profile", Home: h.home, Contact: h.contact}
}

// render executes a page's template. The templates are part of the
// binary and tested, so a failure is a bug: it panics.
func (h *handler) render(name string, p *page) []byte {
	p.Site = h.site
	if p.SSHCommand == "" {
		p.SSHCommand = h.site.SSHCommand
	}
	var buf bytes.Buffer
	if err := h.tmpl[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		panic(fmt.Sprintf("web: template %s: %v", name, err))
	}
	return buf.Bytes()
}

// onPage tells Options.OnPage of a page served (not of HEAD requests).
func (h *handler) onPage(r *http.Request, page string) {
	if h.o.OnPage != nil && r.Method == http.MethodGet {
		h.o.OnPage(r, page)
	}
}

// writeStatic sends a pre-rendered page with its ETag; a browser that
// holds it already (If-None-Match) gets a 304. no-cache: the browser asks
// every time, so a new build's page is seen at once.
func (h *handler) writeStatic(w http.ResponseWriter, r *http.Request, p *static) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	// Each encoding has its own tag; either names this version.
	etag := p.etag
	if acceptsGzip(r) {
		etag = strings.TrimSuffix(etag, `"`) + `-gz"`
	}
	hd.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); etagMatch(inm, p.etag) || etagMatch(inm, etag) {
		hd.Add("Vary", "Accept-Encoding")
		hd.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeBody(w, r, p.body, p.gz)
}

// etagMatch reports whether an If-None-Match header names etag (weakly,
// as RFC 9110 has it for GET: W/"x" matches "x"), or is "*".
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// redirectTo answers with a permanent redirect to target, keeping the
// query.
func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		to := target
		if q := r.URL.RawQuery; q != "" && !strings.Contains(to, "#") {
			to += "?" + q
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
	}
}

// writePage renders a page for this request only, with its status.
func (h *handler) writePage(w http.ResponseWriter, status int, name string, p *page) {
	body := h.render(name, p)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (h *handler) notFound(w http.ResponseWriter, _ *http.Request) {
	h.writeProblem(w, &problem{Code: http.StatusNotFound, Heading: "Not found",
		Text: "There is no page at this address."})
}

func (h *handler) writeProblem(w http.ResponseWriter, p *problem) {
	h.writePage(w, p.Code, "problem", &page{Title: p.Heading + " · " + h.site.Name,
		Description: h.o.Portfolio.Profile.Tagline, OGType: "website", Problem: p})
}
