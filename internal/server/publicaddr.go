package server

import (
	"net"
	"strconv"
)

// publicAddress is where visitors reach the server: the host name (or
// address) they type and the SSH port. Help texts, the web page's
// known_hosts line and its SSHFP record are all made from it.
type publicAddress struct {
	host string // without brackets, e.g. "portfolio.example.com" or "::1"
	port int
}

// publicAddr is --public-addr, or else the address the server listens on
// (its real port when listening on :0; "localhost" for an unspecified
// address). A bare host name means port 22.
func (s *Server) publicAddr() publicAddress {
	addr := s.cfg.PublicAddr
	if addr == "" {
		addr = s.cfg.Addr
		if a := s.Addr(); a != nil {
			addr = a.String()
		}
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		host, portStr = addr, "22" // a bare host name
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		port = 22
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return publicAddress{host: host, port: port}
}

// sshCommand is what a visitor types: "ssh HOST", or "ssh -p PORT HOST"
// off port 22.
func (a publicAddress) sshCommand() string {
	if a.port == 22 {
		return "ssh " + a.host
	}
	return "ssh -p " + strconv.Itoa(a.port) + " " + a.host
}

// Public is where visitors reach the SSH door (see publicAddr) and the
// command they type, for the other doors to show.
func (s *Server) Public() (host string, port int, sshCommand string) {
	a := s.publicAddr()
	return a.host, a.port, a.sshCommand()
}
