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
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/http"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
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
}

//go:embed templates
var templateFS embed.FS

// site is what every page's frame shows.
type site struct {
	Name, Title             string
	CSS, JS, Icon           string // asset URLs
	SSHCommand              string
	Fingerprint, KnownHosts string
	SSHFP                   []string
	Terminal                bool // /terminal is served
}

// page is one rendered page's data.
type page struct {
	Title, Description, OGType string
	Site                       *site
	Home                       *homeView
	Project                    *projectView
	Contact                    *contactView
	Form                       formView
	Sent                       string // the stored message's id
	Problem                    *problem
	Terminal                   *terminalAssets
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
	Body                 template.HTML // on the home page, headings shifted under the article's
	Page                 []byte        // the project's own page, rendered
	PageGz               []byte
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
	homePage  []byte
	homeGz    []byte
	termPage  []byte
	termGz    []byte
	projects  map[string]*projectView
	protector *http.CrossOriginProtection
}

// Handler serves the web side: /, /projects/{slug}, /contact (the form),
// /assets/…, /healthz, /metrics and, when given, /terminal. It fails only
// on content whose Markdown can't be rendered.
func Handler(o Options) (http.Handler, error) {
	assets, err := loadAssets()
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
		h.writeStatic(w, r, h.homePage, h.homeGz)
	})
	mux.HandleFunc("GET /projects/{slug}", func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.projects[r.PathValue("slug")]
		if !ok {
			h.notFound(w, r)
			return
		}
		h.onPage(r, "projects/"+p.Slug)
		h.writeStatic(w, r, p.Page, p.PageGz)
	})
	mux.HandleFunc("GET /", h.notFound) // anything not matched below
	mux.HandleFunc("GET /contact", h.contactForm)
	mux.HandleFunc("POST /contact", h.submit)
	mux.HandleFunc("GET /contact/sent", h.sent)
	if o.Terminal != nil {
		mux.HandleFunc("GET /terminal", func(w http.ResponseWriter, r *http.Request) {
			h.writeStatic(w, r, h.termPage, h.termGz)
		})
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
		SSHCommand: o.SSHCommand, Fingerprint: o.Fingerprint, KnownHosts: o.KnownHosts, SSHFP: o.SSHFP,
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
	for _, p := range pf.Projects {
		// On the home page the case study sits in an article under an h3;
		// on its own page, under the h1.
		inHome, err := markdownHTML(p.Body, 2)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Source, err)
		}
		own, err := markdownHTML(p.Body, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Source, err)
		}
		v := &projectView{Slug: p.Slug, Title: p.Title, Summary: p.Summary, Stack: p.Stack, Body: own}
		v.Page = h.render("project", &page{Title: p.Title + " · " + pf.Profile.Name, Description: p.Summary,
			OGType: "article", Project: v})
		v.PageGz = gzipBytes(v.Page)
		home := *v
		home.Body = inHome
		h.home.Projects = append(h.home.Projects, &home)
		h.home.Highlights = append(h.home.Highlights, p.Highlights...)
		h.projects[p.Slug] = v
	}
	h.homePage = h.render("home", h.homePage0())
	h.homeGz = gzipBytes(h.homePage)
	if o.Terminal != nil {
		a := h.assets
		h.termPage = h.render("terminal", &page{Title: pf.Profile.Name + " · in your browser's terminal",
			Description: pf.Profile.Tagline, OGType: "website", Terminal: &terminalAssets{
				CSS: a.url("terminal.css"), JS: a.url("terminal.js"), Xterm: a.url("xterm.js"),
				XtermCSS: a.url("xterm.css"), Fit: a.url("addon-fit.js"), Links: a.url("addon-web-links.js"),
			}})
		h.termGz = gzipBytes(h.termPage)
	}
	return nil
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

// writeStatic sends a pre-rendered page.
func (h *handler) writeStatic(w http.ResponseWriter, r *http.Request, body, gz []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	writeBody(w, r, body, gz)
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
