package server

import (
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pragyamugale/portfolio/stats"
	"github.com/pragyamugale/portfolio/web"
)

// httpHandler is the HTTP side: health for the platform, metrics, and the
// portfolio as a web page with its contact form.
func (s *Server) httpHandler() (http.Handler, error) {
	pub := s.publicAddr()
	var sshfp []string
	if net.ParseIP(pub.host) == nil { // DNS records are for names only
		sshfp = []string{s.hostKey.SSHFP(pub.host)}
	}
	return web.Handler(web.Options{
		Healthy:          func() bool { return !s.stopping() && s.Addr() != nil },
		Metrics:          promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}),
		Portfolio:        s.pf,
		SSHCommand:       s.sshCommand(),
		Fingerprint:      s.hostKey.Fingerprint,
		KnownHosts:       s.hostKey.KnownHostsLine(pub.host, pub.port),
		SSHFP:            sshfp,
		Submit:           s.storeMessage,
		Terminal:         s.webTerminalHandler(),
		TrustFlyClientIP: s.cfg.TrustFlyClientIP,
		Logger:           s.log,
		OnPage:           s.countWebPage,
	})
}

// countWebPage counts a page of the web portfolio in the visitor
// statistics: a visit on the web channel and, for a case study, its view.
// The address is the visitor's (web.ClientIP), not the proxy's.
func (s *Server) countWebPage(r *http.Request, page string) {
	s.stats.Visit(stats.Visit{Channel: stats.ChannelWeb, IP: web.ClientIP(r, s.cfg.TrustFlyClientIP), Software: r.UserAgent()})
	s.stats.CountView(page)
}

// httpWriteTimeout bounds writing an HTTP response, from the end of the
// request's headers: a form's POST waits for the store at most
// submitWait, well inside it, so the visitor always gets a page.
const httpWriteTimeout = 3 * submitWait
