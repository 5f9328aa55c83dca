package server

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/app/core"
	"github.com/pragyamugale/portfolio/internal/webdoor"
)

// stack is the SSH door with what it shares (package core) and, with
// HTTPAddr, the web door beside it, composed as internal/app composes
// them (which the SSH door's tests can't import: it imports them), with
// the server's old surface: Listen, Serve, Shutdown, Close.
type stack struct {
	*Server
	core      *core.Core
	admission *admit.Admission
	http      *webdoor.Server
}

func newStack(cfg Config, pf *content.Portfolio, logger *log.Logger) (*stack, error) {
	c, err := core.New(cfg, pf, logger)
	if err != nil {
		return nil, err
	}
	srv, err := New(cfg, Deps{
		Content:   c.Content,
		Logger:    c.Logger,
		HostKey:   c.HostKey,
		Runner:    c.Runner,
		Submit:    c.Submit,
		Admission: c.Admission,
		Stats:     c.Stats,
		Registry:  c.Registry,

		Invitations: c.Store().Invitations(),
	})
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return &stack{Server: srv, core: c, admission: c.Admission}, nil
}

func (s *stack) Listen() error {
	if err := s.Server.Listen(); err != nil {
		return err
	}
	c := s.core
	if c.Config.HTTPAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", c.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen --http-addr: %w", err)
	}
	handler, err := s.webHandler()
	if err != nil {
		ln.Close()
		return err
	}
	s.http = webdoor.NewServer(ln, handler, webdoor.ServerOptions{
		Logger: c.Logger, Registry: c.Registry,
		Limits: webdoor.ConnLimits{Max: c.Budget.HTTP, PerIP: c.Config.MaxHTTPConnsPerIP, TrustFlyClientIP: c.Config.TrustFlyClientIP},
	})
	return nil
}

// webHandler is the web door's handler.
func (s *stack) webHandler() (http.Handler, error) {
	c := s.core
	host, port, cmd := s.Public()
	return webdoor.Door(webdoor.DoorOptions{
		Config: c.Config, Content: c.Content, Logger: c.Logger, HostKey: c.HostKey,
		PublicHost: host, PublicPort: port, SSHCommand: cmd,
		Runner: c.Runner, Submit: c.Submit, Admission: c.Admission, Stats: c.Stats, Registry: c.Registry,
		Invites: c.Invites,
		Healthy: func() bool { return !c.Admission.Stopping() && s.Addr() != nil },
	})
}

func (s *stack) Serve() error {
	if s.http != nil {
		go s.http.Serve()
	}
	return s.Server.Serve()
}

func (s *stack) doors() []core.Door {
	if s.http == nil {
		return []core.Door{s.Server}
	}
	return []core.Door{s.Server, s.http}
}

func (s *stack) Shutdown(ctx context.Context) error { return s.core.Shutdown(ctx, s.doors()...) }
func (s *stack) Close() error                       { return s.core.Close(s.doors()...) }

// HTTPAddr is the web door's address, or nil when it is off.
func (s *stack) HTTPAddr() net.Addr {
	if s.http == nil {
		return nil
	}
	return s.http.ListenAddr()
}

// metric is the value of the metric name (a counter or a gauge, no
// labels) in the registry.
func (s *stack) metric(name string) float64 {
	fams, err := s.core.Registry.Gather()
	if err != nil {
		panic(err)
	}
	for _, f := range fams {
		if f.GetName() != name || len(f.Metric) == 0 {
			continue
		}
		m := f.Metric[0]
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		}
	}
	panic("no metric " + name)
}
