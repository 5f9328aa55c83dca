package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/host"
	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/visit"
	"github.com/pragyamugale/portfolio/stats"
	"github.com/pragyamugale/portfolio/web"
	"github.com/pragyamugale/portfolio/webterm"
)

// webTerminal is the live terminal's side of the server: the same UI host
// as SSH behind a WebSocket (package webterm), with SSH's limits (open
// sockets in all and per IP, new sessions per IP per minute, idle and
// session-length timeouts, input caps: the host's), counted apart from
// SSH in /metrics.
type webTerminal struct {
	door *admit.Door

	active   prometheus.Gauge
	total    prometheus.Counter
	rejected *prometheus.CounterVec
}

// webTerminalHandler is the live terminal's WebSocket handler.
func (s *Server) webTerminalHandler() http.Handler {
	wt := &webTerminal{
		door: s.admission.Door(admit.Limits{MaxOpen: s.cfg.MaxConns, MaxOpenPerIP: s.cfg.MaxConnsPerIP, PerMinute: s.cfg.SessionRate}),
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

// admitWebTerminal asks the admission for a new socket's slot: the
// connection and session-rate limits, and none while stopping.
func (s *Server) admitWebTerminal(wt *webTerminal, r *http.Request) (func(), error) {
	ip := web.ClientIP(r, s.cfg.TrustFlyClientIP)
	release, refused := wt.door.Admit(ip)
	if refused == nil {
		wt.active.Inc()
		wt.total.Inc()
		return func() { wt.active.Dec(); release() }, nil
	}
	release()
	wt.rejected.WithLabelValues(refused.Reason).Inc()
	s.log.Warn("web terminal refused", "remote", ip, "reason", refused.Reason)
	ref := &webterm.Refusal{Code: websocket.StatusTryAgainLater}
	switch refused.Reason {
	case admit.Stopping:
		ref.Reason = restarting
	case admit.MaxConns:
		ref.Reason = "The terminal is busy right now. Please try again in a minute."
	case admit.MaxConnsPerIP:
		ref.Reason = "Too many terminals are open from your address. Close one and reload."
	default:
		ref.Reason = fmt.Sprintf("Too many new sessions from your address. Please try again in %s.", refused.Wait.Round(time.Second))
	}
	return nil, ref
}

// webVisit runs a browser visitor's UI, at the page of the deep link, if
// any, as an SSH session's runs (package visit). The page's terminal is
// xterm.js: xterm-256color unless the browser says more.
func (s *Server) webVisit(r *http.Request, term *webterm.Terminal, open string) error {
	ip := web.ClientIP(r, s.cfg.TrustFlyClientIP)
	page, _ := s.runner.PageOf(nil)
	if open != "" {
		if p, ok := s.runner.PageOf(strings.Split(strings.Trim(open, "/"), "/")); ok {
			page = p
		}
	}
	s.log.Info("web terminal connect", "remote", ip, "size", fmt.Sprintf("%dx%d", term.Size().Width, term.Size().Height), "open", quote(open))
	start := time.Now()
	res := s.runner.Run(r.Context(), visit.Request{
		Term:   term,
		Env:    term.Environ(),
		TERM:   "xterm-256color",
		Page:   page,
		Remote: ip,
		Via:    inbox.ViaWebTerminal,
		// Visitor statistics, as for an SSH visit (stats/).
		Stats: &stats.Visit{Channel: stats.ChannelWebTerminal, IP: ip, Software: r.UserAgent()},
	})
	s.log.Info("web terminal disconnect", "remote", ip, "duration", time.Since(start).Round(time.Millisecond))
	return res.Err
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
