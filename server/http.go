package server

import (
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

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
	})
}
