package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/commands"
	"github.com/pragyamugale/portfolio/host"
	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/stats"
	"github.com/pragyamugale/portfolio/ui"
	"github.com/pragyamugale/portfolio/web"
	"github.com/pragyamugale/portfolio/webterm"
)

// webTerminal is the live terminal's side of the server: the same UI host
// as SSH behind a WebSocket (package webterm), with SSH's limits (open
// sockets in all and per IP, new sessions per IP per minute, idle and
// session-length timeouts, input caps: the host's), counted apart from
// SSH in /metrics.
type webTerminal struct {
	conns *connLimiter
	rate  *sessionRateLimiter

	active   prometheus.Gauge
	total    prometheus.Counter
	rejected *prometheus.CounterVec
}

// webTerminalHandler is the live terminal's WebSocket handler.
func (s *Server) webTerminalHandler() http.Handler {
	wt := &webTerminal{
		conns: newConnLimiter(s.cfg.MaxConns, s.cfg.MaxConnsPerIP),
		rate:  newSessionRateLimiter(s.cfg.SessionRate),
		active: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portfolio_web_terminal_sessions_active", Help: "Live terminal sessions (browser, WebSocket) in progress.",
		}),
		total: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_web_terminal_sessions_total", Help: "Live terminal sessions (browser, WebSocket) started.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_web_terminal_rejected_total", Help: "Live terminal sockets refused, by reason.",
		}, []string{"reason"}),
	}
	for _, r := range []string{"max-conns", "max-conns-per-ip", "session-rate", "stopping"} {
		wt.rejected.WithLabelValues(r)
	}
	s.metrics.registry.MustRegister(wt.active, wt.total, wt.rejected)
	return webterm.Handler(webterm.Options{
		Admit:     func(r *http.Request) (func(), error) { return s.admitWebTerminal(wt, r) },
		Visit:     s.webVisit,
		Goodbye:   s.webGoodbye,
		Clamp:     clampSize,
		Keepalive: s.cfg.Keepalive,
	})
}

// admitWebTerminal applies the connection and session-rate limits to a
// new socket.
func (s *Server) admitWebTerminal(wt *webTerminal, r *http.Request) (func(), error) {
	ip := web.ClientIP(r, s.cfg.TrustFlyClientIP)
	refuse := func(reason string, ref *webterm.Refusal) (func(), error) {
		wt.rejected.WithLabelValues(reason).Inc()
		s.log.Warn("web terminal refused", "remote", ip, "reason", reason)
		return nil, ref
	}
	busy := &webterm.Refusal{Code: websocket.StatusTryAgainLater, Reason: "The terminal is busy right now. Please try again in a minute."}
	if s.stopping() {
		return refuse("stopping", &webterm.Refusal{Code: websocket.StatusTryAgainLater, Reason: restarting})
	}
	if !wt.conns.acquireGlobal() {
		return refuse("max-conns", busy)
	}
	if !wt.conns.acquireIP(ip) {
		wt.conns.releaseGlobal()
		return refuse("max-conns-per-ip", &webterm.Refusal{Code: websocket.StatusTryAgainLater,
			Reason: "Too many terminals are open from your address. Close one and reload."})
	}
	release := func() {
		wt.conns.releaseIP(ip)
		wt.conns.releaseGlobal()
		wt.active.Dec()
		s.webActive.Add(-1)
	}
	wt.active.Inc()
	s.webActive.Add(1) // a shutdown waits for it
	if wait, ok := wt.rate.allow(ip, time.Now()); !ok {
		release()
		return refuse("session-rate", &webterm.Refusal{Code: websocket.StatusTryAgainLater,
			Reason: "Too many new sessions from your address. Please try again in " + inbox.Wait(wait) + "."})
	}
	wt.total.Inc()
	return release, nil
}

// webVisit runs a browser visitor's UI on the host, at the page of the
// deep link, if any. The page's terminal is dark, and its environment
// says so (COLORFGBG), and that it is a browser.
func (s *Server) webVisit(r *http.Request, term *webterm.Terminal, open string) error {
	ip := web.ClientIP(r, s.cfg.TrustFlyClientIP)
	section, project := ui.SectionAbout, ""
	if open != "" {
		if page, p, ok := commands.DeepLink(s.pf, strings.Split(strings.Trim(open, "/"), "/")); ok {
			section, project = pageSections[page], p
		}
	}
	env := term.Environ()
	profile := ui.ProfileFor(env, "xterm-256color")
	opts := ui.Options{
		Section:    section,
		Project:    project,
		Profile:    profile,
		Background: ui.BackgroundFor(env),
		Browser:    ui.InBrowser(env),
		Hyperlinks: ui.HyperlinksFor(profile, "xterm-256color"),
		Submit: func(sub inbox.Submission) (inbox.Receipt, error) {
			sub.Remote, sub.Via = ip, inbox.ViaWebTerminal
			return s.storeMessage(sub)
		},
	}
	// Visitor statistics, as for an SSH visit (stats/).
	vs := s.stats.Visit(stats.Visit{Channel: stats.ChannelWebTerminal, IP: ip, Software: r.UserAgent(),
		Width: term.Size().Width, Height: term.Size().Height, Color: stats.ColorBucket(profile)})
	defer vs.End()
	opts.OnView = vs.View
	s.log.Info("web terminal connect", "remote", ip, "size", fmt.Sprintf("%dx%d", term.Size().Width, term.Size().Height), "open", quote(open))
	start := time.Now()
	// The same input budget as the address's SSH sessions.
	addr := inbox.LimitKey(ip)
	events := s.budgets.acquire(addr)
	defer s.budgets.release(addr)
	err := s.host.NewVisit(term, ui.New(s.pf, opts), host.Options{FirstFrame: firstScreen(s.pf, opts), Profile: profile, Events: events}).Run()
	s.log.Info("web terminal disconnect", "remote", ip, "duration", time.Since(start).Round(time.Millisecond))
	if errors.Is(err, tea.ErrProgramPanic) {
		s.log.Error("ui panic", "remote", ip)
	} else if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		s.log.Debug("web terminal ended", "err", quote(err.Error()))
	}
	return err
}

// webGoodbye is what the page shows when a visit ends.
func (s *Server) webGoodbye() string {
	if s.stopping() {
		return restarting
	}
	return "You have left the portfolio. Reload the page to come back."
}

// clampSize bounds a browser's size as a pty's is bounded.
func clampSize(sz host.Size) host.Size {
	w, h := clampDims(uint32(sz.Width), uint32(sz.Height))
	return host.Size{Width: int(w), Height: int(h)}
}
