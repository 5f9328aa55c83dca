package server

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pragyamugale/portfolio/web"
)

// httpHandler is the HTTP side: health for the platform, metrics, and the
// portfolio as a web page with its contact form.
func (s *Server) httpHandler() (http.Handler, error) {
	host, port := s.publicHostPort()
	var sshfp []string
	if net.ParseIP(host) == nil { // DNS records are for names only
		sshfp = []string{s.hostKey.SSHFP(host)}
	}
	return web.Handler(web.Options{
		Healthy:          func() bool { return !s.stopping() && s.Addr() != nil },
		Metrics:          promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}),
		Portfolio:        s.pf,
		SSHCommand:       s.sshCommand(),
		Fingerprint:      s.hostKey.Fingerprint,
		KnownHosts:       s.hostKey.KnownHostsLine(host, port),
		SSHFP:            sshfp,
		Submit:           s.storeMessage,
		Terminal:         s.webTerminalHandler(),
		TrustFlyClientIP: s.cfg.TrustFlyClientIP,
		Logger:           s.log,
	})
}

// publicHostPort is the host name and port visitors use.
func (s *Server) publicHostPort() (string, int) {
	cmd := strings.Fields(s.sshCommand()) // "ssh [-p PORT] HOST"
	host, port := cmd[len(cmd)-1], 22
	if len(cmd) == 4 {
		port, _ = strconv.Atoi(cmd[2])
	}
	return strings.Trim(host, "[]"), port
}
