package server

import (
	"net"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pragyamugale/portfolio/commands"
	"github.com/pragyamugale/portfolio/web"
)

// httpHandler is the HTTP side: health for the platform, metrics, and a
// page for people who can't use SSH.
func (s *Server) httpHandler() http.Handler {
	pub := s.publicAddr()
	var sshfp []string
	if net.ParseIP(pub.host) == nil { // DNS records are for names only
		sshfp = []string{s.hostKey.SSHFP(pub.host)}
	}
	return web.Handler(web.Options{
		Healthy:     func() bool { return !s.stopping() && s.Addr() != nil },
		Metrics:     promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}),
		Name:        s.pf.Profile.Name,
		SSHCommand:  s.sshCommand(),
		Fingerprint: s.hostKey.Fingerprint,
		KnownHosts:  s.hostKey.KnownHostsLine(pub.host, pub.port),
		SSHFP:       sshfp,
		Text:        commands.AllText(s.pf, 80, s.sshCommand()),
	})
}
