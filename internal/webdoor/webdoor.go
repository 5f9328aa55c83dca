// Package webdoor is the web door: the web page and its form (package
// web), health, and the live terminal at /terminal, whose
// visits run through the one visit runner as SSH's do (package visit). It
// stands apart from package web so that the page depends on no part of
// the terminal UI.
package webdoor

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"
	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/resume"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/ui"
	"github.com/pragyamugale/portfolio/internal/visit"
	"github.com/pragyamugale/portfolio/internal/web"
	"github.com/pragyamugale/portfolio/internal/webterm"
)

// DoorOptions is what the web door shares with the other doors (see
// internal/app/core) and what it says of the SSH door.
type DoorOptions struct {
	Config    config.Config
	Portfolio *content.Portfolio
	Logger    *log.Logger
	HostKey   *hostkeys.Key
	// Content, if set, is the portfolio served, read per request: the
	// page follows its reloads (Portfolio is then the first version).
	Content *content.Live
	// PublicHost and PublicPort are where visitors reach the SSH door;
	// SSHCommand is what they type.
	PublicHost string
	PublicPort int
	SSHCommand string
	Runner     *visit.Runner
	Submit     *visit.Submitter
	Admission  *admit.Admission
	Stats      *stats.Stats
	// Registry takes the door's metrics (served on --metrics-addr, never
	// on this door).
	Registry *prometheus.Registry
	// Healthy reports whether SSH is accepting sessions.
	Healthy func() bool
	// Invites resolves the codes of invitations' paths (/i/CODE); nil
	// serves no such paths.
	Invites *invite.Tracker
}

// Door is the web door: health for the platform, the portfolio
// as a web page with its contact form, and the live terminal at
// /terminal, whose visits run as SSH's do (package visit).
func (d *door) page(o DoorOptions, term http.Handler) (http.Handler, error) {
	var sshfp []string
	if net.ParseIP(o.PublicHost) == nil { // DNS records are for names only
		sshfp = []string{o.HostKey.SSHFP(o.PublicHost)}
	}
	var invitation func(*http.Request, string) *web.Invitation
	if o.Invites != nil {
		invitation = d.invitation
	}
	return web.Handler(web.Options{
		Invite:           invitation,
		Healthy:          o.Healthy,
		Portfolio:        o.Portfolio,
		SSHCommand:       o.SSHCommand,
		Fingerprint:      o.HostKey.Fingerprint,
		KnownHosts:       o.HostKey.KnownHostsLine(o.PublicHost, o.PublicPort),
		SSHFP:            sshfp,
		Submit:           o.Submit.Submit,
		Terminal:         term,
		TrustFlyClientIP: o.Config.TrustFlyClientIP,
		Logger:           o.Logger,
		OnPage:           d.countPage,
	})
}

// Door is the web door (see page). With o.Content it follows the
// content's reloads: a new version's page is rendered once, by the first
// request that sees it, and one that fails to render (a bug: the loader
// checked it) is logged while the previous page serves on.
func Door(o DoorOptions) (http.Handler, error) {
	d := &door{o: o}
	term := d.terminal() // once: its sessions and metrics outlive a reload
	if o.Content == nil {
		return d.page(o, term)
	}
	l := &livePage{build: func(pf *content.Portfolio) (http.Handler, error) {
		o := o
		o.Portfolio = pf
		return d.page(o, term)
	}, log: o.Logger, content: o.Content}
	first := o.Content.Load()
	h, err := l.build(first)
	if err != nil {
		return nil, err
	}
	l.cur.Store(&livePageVersion{pf: first, h: h})
	return l, nil
}

// livePage serves the page of the content's current version.
type livePage struct {
	build    func(*content.Portfolio) (http.Handler, error)
	log      *log.Logger
	content  *content.Live
	cur      atomic.Pointer[livePageVersion]
	mu       sync.Mutex         // held while a version is rendered
	rejected *content.Portfolio // the last version that failed to render
}

type livePageVersion struct {
	pf *content.Portfolio
	h  http.Handler
}

func (l *livePage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.current().ServeHTTP(w, r)
}

// current is the page of the version being served, rendered now if a
// reload stored a new one since the last request.
func (l *livePage) current() http.Handler {
	v, pf := l.cur.Load(), l.content.Load()
	if v.pf == pf {
		return v.h
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v = l.cur.Load(); v.pf == pf || l.rejected == pf {
		return v.h
	}
	h, err := l.build(pf)
	if err != nil {
		l.rejected = pf
		l.log.Error("web page: the new content not rendered; the previous page stays", "err", err)
		return v.h
	}
	l.cur.Store(&livePageVersion{pf: pf, h: h})
	return h
}

// door is the web door's state.
type door struct {
	o DoorOptions

	sessions *admit.Door
	active   prometheus.Gauge
	total    prometheus.Counter
	rejected *prometheus.CounterVec

	webVisits webVisits // invitations' visits to the web page
}

// countPage counts a page of the web portfolio in the visitor
// statistics: a visit on the web channel and, for a case study, its view.
// The address is the visitor's (ClientIP), not the proxy's.
func (d *door) countPage(r *http.Request, page string) {
	d.o.Stats.Visit(stats.Visit{Channel: stats.ChannelWeb, IP: web.ClientIP(r, d.o.Config.TrustFlyClientIP), Software: r.UserAgent()})
	d.o.Stats.CountView(page)
}

// terminal is the live terminal's WebSocket handler: the same UI host as
// SSH behind a WebSocket (package webterm), with SSH's limits (open
// sockets in all and per IP, new sessions per IP per minute, idle and
// session-length timeouts, input caps: the host's), counted apart from
// SSH in /metrics.
func (d *door) terminal() http.Handler {
	cfg := d.o.Config
	// One count with SSH's connections, in all and per address.
	d.sessions = d.o.Admission.Door(admit.Limits{Counted: true, PerMinute: cfg.SessionRate})
	d.active = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "portfolio_web_terminal_sessions_active", Help: "Live terminal sessions (browser, WebSocket) in progress.",
	})
	d.total = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "portfolio_web_terminal_sessions_total", Help: "Live terminal sessions (browser, WebSocket) started.",
	})
	d.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portfolio_web_terminal_rejected_total", Help: "Live terminal sockets refused, by reason.",
	}, []string{"reason"})
	for _, r := range []string{admit.MaxConns, admit.MaxConnsPerIP, admit.SessionRate, admit.Stopping} {
		d.rejected.WithLabelValues(r)
	}
	d.o.Registry.MustRegister(d.active, d.total, d.rejected)
	return webterm.Handler(webterm.Options{
		Admit:     d.admit,
		Visit:     d.visit,
		Goodbye:   d.goodbye,
		Clamp:     visit.Clamp,
		Keepalive: cfg.Keepalive,
	})
}

// admit asks the admission for a new socket's slot: the connection
// limits (one count with SSH's, an IPv6 /64 as one address), the session
// rate, and none while stopping.
func (d *door) admit(r *http.Request) (func(), error) {
	ip := web.ClientIP(r, d.o.Config.TrustFlyClientIP)
	release, refused := d.sessions.Admit(inbox.LimitKey(ip))
	if refused == nil {
		d.active.Inc()
		d.total.Inc()
		return func() { d.active.Dec(); release() }, nil
	}
	release()
	d.rejected.WithLabelValues(refused.Reason).Inc()
	d.o.Logger.Warn("web terminal refused", "remote", ip, "reason", refused.Reason)
	ref := &webterm.Refusal{Code: websocket.StatusTryAgainLater}
	switch refused.Reason {
	case admit.Stopping:
		ref.Reason = admit.Restarting
	case admit.MaxConns:
		ref.Reason = "The terminal is busy right now. Please try again in a minute."
	case admit.MaxConnsPerIP:
		ref.Reason = "Too many terminals are open from your address. Close one and reload."
	default:
		ref.Reason = "Too many new sessions from your address. Please try again in " + inbox.Wait(refused.Wait) + "."
	}
	return nil, ref
}

// visit runs a browser visitor's UI, at the page of the deep link, if
// any, as an SSH session's runs (package visit). The page's terminal is
// xterm.js: xterm-256color unless the browser says more.
func (d *door) visit(r *http.Request, term *webterm.Terminal, open string) error {
	ip := web.ClientIP(r, d.o.Config.TrustFlyClientIP)
	page, _ := d.o.Runner.PageOf(nil)
	if open != "" {
		if p, ok := d.o.Runner.PageOf(strings.Split(strings.Trim(open, "/"), "/")); ok {
			page = p
		}
	}
	sz := term.Size()
	// Under an invitation's path the visit is its (the code never reaches
	// the log: the path isn't logged, only the page to open).
	iv := d.o.Runner.Invite(r.Context(), r.PathValue("code"), invite.ChannelWebTerminal, false)
	d.o.Logger.Info("web terminal connect", "remote", ip, "size", strconv.Itoa(sz.Width)+"x"+strconv.Itoa(sz.Height), "open", visit.Quote(open))
	start := time.Now()
	res := d.o.Runner.Run(r.Context(), visit.Request{
		Term:   term,
		Env:    term.Environ(),
		TERM:   "xterm-256color",
		Page:   page,
		Remote: ip,
		Via:    inbox.ViaWebTerminal,
		CV:     resume.Command(d.o.SSHCommand),
		Invite: iv,
		// Visitor statistics, as for an SSH visit (stats/).
		Stats: &stats.Visit{Channel: stats.ChannelWebTerminal, IP: ip, Software: r.UserAgent()},
	})
	d.o.Logger.Info("web terminal disconnect", "remote", ip, "duration", time.Since(start).Round(time.Millisecond))
	if res.Quit {
		// The visitor left: the page shows the lines an SSH visitor keeps
		// in their scrollback (how to come back, how to get in touch).
		term.SetFarewell(ui.Farewell(d.o.Portfolio, d.o.SSHCommand))
	}
	return res.Err
}

// goodbye is what the page shows when a visit ends.
func (d *door) goodbye() string {
	if d.o.Admission.Stopping() {
		return admit.Restarting
	}
	return "You have left the portfolio. Reload the page to come back."
}

// Server is the HTTP server of the web door, with the timeouts and caps
// a server on the open internet needs, as a door of the shutdown
// (core.Door).
type Server struct {
	*http.Server
	ln  net.Listener
	log *log.Logger
}

// writeTimeout bounds writing an HTTP response, from the end of the
// request's headers: a form's POST waits for the store at most
// visit.SubmitWait, well inside it, so the visitor always gets a page.
const writeTimeout = 3 * visit.SubmitWait

// MaxHeaderBytes bounds a request's headers (its line too): a browser's
// are well under 2 KiB, and Go's 1 MiB default would let a thousand
// connections that never end their headers hold a gigabyte. (Go reads
// up to 4 KiB more before refusing them with 431.)
const MaxHeaderBytes = 8 << 10

// IdleTimeout closes a keep-alive connection with no request for this
// long: long enough for a page's assets, short enough that idle
// connections don't pile up.
const IdleTimeout = 5 * time.Second

// ServerOptions are the web server's caps and where it logs and counts.
type ServerOptions struct {
	Logger *log.Logger
	Limits ConnLimits
	// Registry takes the server's connection metrics; nil: none.
	Registry prometheus.Registerer
}

// NewServer serves h on ln, counting connections as they are accepted.
func NewServer(ln net.Listener, h http.Handler, o ServerOptions) *Server {
	g := newGate(ln, o.Limits, o.Logger, o.Registry)
	trust := o.Limits.TrustFlyClientIP
	return &Server{Server: &http.Server{
		Handler:           g.perVisitor(h, func(r *http.Request) string { return web.ClientIP(r, trust) }),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ConnState:         g.connState,
	}, ln: g, log: o.Logger}
}

// ListenAddr is the address it listens on.
func (s *Server) ListenAddr() net.Addr { return s.ln.Addr() }

// Serve serves until Close; its error, if any, is logged.
func (s *Server) Serve() {
	s.log.Info("serving http", "addr", s.ln.Addr().String())
	if err := s.Server.Serve(s.ln); err != nil && err != http.ErrServerClosed {
		s.log.Error("http side stopped", "err", err)
	}
}

// Stop is a no-op: the page stays up (and /healthz says the portfolio
// is stopping) until Close; new live terminals are refused by the
// admission.
func (s *Server) Stop() {}

// Close ends the requests in progress within ctx, then drops what is
// left.
func (s *Server) Close(ctx context.Context) error {
	if err := s.Shutdown(ctx); err != nil {
		_ = s.Server.Close()
	}
	return nil
}
