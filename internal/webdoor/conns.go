package webdoor

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// ConnLimits are the web door's caps on its connections; 0 = no limit.
type ConnLimits struct {
	// Max caps the door's open connections in all (--max-http-conns, as
	// the file budget allows: see admit.Plan).
	Max int
	// PerIP caps them per address, an IPv6 /64 together
	// (--max-http-conns-per-ip): by the TCP peer when accepted, or, with
	// TrustFlyClientIP, by the visitor's address in Fly-Client-IP once a
	// request is read: behind Fly's proxy every connection comes from the
	// proxy, so at accept only Max applies.
	PerIP            int
	TrustFlyClientIP bool
}

// Reasons a web connection is refused or closed, as /metrics labels them.
const (
	reasonMaxHTTPConns      = "max-http-conns"
	reasonMaxHTTPConnsPerIP = "max-http-conns-per-ip"
	reasonIdleEvicted       = "idle-evicted"
)

// busyResponse is what a connection refused at accept is told, before
// any request is read: a browser shows it.
func busyResponse(reason string) string {
	body := "The portfolio is busy right now. Please try again in a moment.\n"
	if reason == reasonMaxHTTPConnsPerIP {
		body = "Too many connections from your address. Please try again in a moment.\n"
	}
	return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nRetry-After: 5\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// gate counts the web door's connections as they are accepted, before
// any request is read, and keeps a note of those with no request in
// progress (new or idle keep-alive ones), the oldest of which is closed
// to make room for a new connection when a cap is reached: idle
// connections can't keep anyone else out.
type gate struct {
	net.Listener
	lim      *admit.ConnLimiter // in all; per TCP peer unless trusting Fly
	perPeer  bool
	visitors *admit.ConnLimiter // with TrustFlyClientIP: requests in progress per visitor
	log      *log.Logger

	mu    sync.Mutex
	conns map[*gatedConn]struct{}

	open     prometheus.GaugeFunc
	rejected *prometheus.CounterVec
}

func newGate(ln net.Listener, l ConnLimits, logger *log.Logger, reg prometheus.Registerer) *gate {
	g := &gate{
		Listener: ln,
		perPeer:  !l.TrustFlyClientIP,
		log:      logger,
		conns:    map[*gatedConn]struct{}{},
	}
	if g.perPeer {
		g.lim = admit.NewConnLimiter(l.Max, l.PerIP)
	} else {
		g.lim = admit.NewConnLimiter(l.Max, 0)
		g.visitors = admit.NewConnLimiter(0, l.PerIP)
	}
	g.open = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "portfolio_http_connections_open", Help: "Open connections to the web door (what --max-http-conns counts).",
	}, func() float64 { return float64(g.lim.Open()) })
	g.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portfolio_http_rejected_total", Help: "Web connections refused when accepted, requests refused, and idle connections closed to make room, by reason.",
	}, []string{"reason"})
	for _, r := range []string{reasonMaxHTTPConns, reasonMaxHTTPConnsPerIP, reasonIdleEvicted} {
		g.rejected.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(g.open, g.rejected)
	}
	return g
}

// Gate counts ln's connections within l as the web door does, for
// another HTTP server (the metrics server): serve the listener it returns
// with connState as the server's ConnState.
func Gate(ln net.Listener, l ConnLimits, logger *log.Logger) (gated net.Listener, connState func(net.Conn, http.ConnState)) {
	g := newGate(ln, l, logger, nil)
	return g, g.connState
}

// Accept returns the next connection within the caps; those over them
// are told so and closed here, before any request is read.
func (g *gate) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if gc := g.admit(c); gc != nil {
			return gc, nil
		}
	}
}

// admit counts c, making room by closing the oldest connection with no
// request in progress (its own address's when that address is at its
// cap), or refuses it (nil).
func (g *gate) admit(c net.Conn) *gatedConn {
	key := ""
	if g.perPeer {
		key = inbox.LimitKey(peerIP(c.RemoteAddr()))
	}
	if !g.lim.AcquireGlobal() && !(g.evict("") && g.lim.AcquireGlobal()) {
		g.refuse(c, reasonMaxHTTPConns)
		return nil
	}
	if key != "" && !g.lim.AcquireIP(key) && !(g.evict(key) && g.lim.AcquireIP(key)) {
		g.lim.ReleaseGlobal()
		g.refuse(c, reasonMaxHTTPConnsPerIP)
		return nil
	}
	gc := &gatedConn{Conn: c, g: g, key: key}
	gc.waiting.Store(time.Now().UnixNano())
	g.mu.Lock()
	g.conns[gc] = struct{}{}
	g.mu.Unlock()
	return gc
}

// refuse tells c it is over a cap, at once, and closes it.
func (g *gate) refuse(c net.Conn, reason string) {
	g.rejected.WithLabelValues(reason).Inc()
	g.log.Debug("http connection refused", "remote", peerIP(c.RemoteAddr()), "reason", reason)
	_ = c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	_, _ = c.Write([]byte(busyResponse(reason)))
	_ = c.Close()
}

// evict closes the connection that has waited longest with no request in
// progress (from key's address, or any when key is ""), freeing its
// slots; false when there is none.
func (g *gate) evict(key string) bool {
	g.mu.Lock()
	var oldest *gatedConn
	var since int64
	for c := range g.conns {
		w := c.waiting.Load()
		if w == 0 || (key != "" && c.key != key) {
			continue
		}
		if oldest == nil || w < since {
			oldest, since = c, w
		}
	}
	g.mu.Unlock()
	if oldest == nil {
		return false
	}
	g.rejected.WithLabelValues(reasonIdleEvicted).Inc()
	_ = oldest.Close()
	return true
}

// connState follows the server's view of each connection: new and idle
// ones wait for a request and may be closed to make room; active and
// hijacked ones (live terminals) are never.
func (g *gate) connState(c net.Conn, st http.ConnState) {
	gc, ok := c.(*gatedConn)
	if !ok {
		return
	}
	switch st {
	case http.StateNew, http.StateIdle:
		gc.waiting.Store(time.Now().UnixNano())
	default:
		gc.waiting.Store(0)
	}
}

// perVisitor caps, with TrustFlyClientIP, the requests in progress (a
// live terminal's lasts as long as it) per visitor address, which the
// proxy's connections don't show: over the cap, the request is refused
// and its connection closed.
func (g *gate) perVisitor(next http.Handler, clientIP func(*http.Request) string) http.Handler {
	if g.visitors == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := inbox.LimitKey(clientIP(r))
		if !g.visitors.AcquireIP(key) {
			g.rejected.WithLabelValues(reasonMaxHTTPConnsPerIP).Inc()
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "5")
			http.Error(w, "Too many connections from your address. Please try again in a moment.", http.StatusTooManyRequests)
			return
		}
		defer g.visitors.ReleaseIP(key)
		next.ServeHTTP(w, r)
	})
}

// gatedConn is a counted connection: Close gives its slots back, once.
type gatedConn struct {
	net.Conn
	g       *gate
	key     string
	waiting atomic.Int64 // since when it waits for a request (unix ns); 0 while one is in progress
	once    sync.Once
}

func (c *gatedConn) Close() error {
	c.once.Do(func() {
		c.waiting.Store(0)
		c.g.mu.Lock()
		delete(c.g.conns, c)
		c.g.mu.Unlock()
		if c.key != "" {
			c.g.lim.ReleaseIP(c.key)
		}
		c.g.lim.ReleaseGlobal()
	})
	return c.Conn.Close()
}

// peerIP is the host part of a TCP address.
func peerIP(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
