package load

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Run runs the workload: against the floor first (unless cfg.NoFloor), then
// against cfg.Addr, and reports both. It returns an error only for a bad
// configuration (a *ConfigError: bad values, a refused address, an
// unreadable --pid) or a floor that won't start; sessions that fail are
// counted in the report. Everything stops at cfg.Timeout: the floor may use
// at most half of it, and sessions cut by it count as timeouts.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, keys, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	if cfg.PID > 0 {
		if _, err := readProc(cfg.PID); err != nil {
			return nil, configErr("--pid %d: %v", cfg.PID, err)
		}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, cfg.Timeout, fmt.Errorf("--timeout %s reached", cfg.Timeout))
	defer cancel()

	rep := &Report{Config: reportConfig(cfg)}
	if !cfg.NoFloor {
		addr, stop, err := startFloor(cfg.Marker)
		if err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
		budget := cfg.Timeout / 2
		fctx, fcancel := context.WithTimeoutCause(ctx, budget, fmt.Errorf("floor's half of --timeout (%s) reached", budget))
		rep.Floor, _ = runPhase(fctx, cfg, addr, keys, 0)
		fcancel()
		stop()
	}
	rep.Target, rep.Server = runPhase(ctx, cfg, cfg.Addr, keys, cfg.PID)
	rep.WallMs = ms(time.Since(start))
	return rep, nil
}

// runPhase runs the workload against addr, sampling pid (if not 0).
func runPhase(ctx context.Context, cfg Config, addr string, keys [][]byte, pid int) (*PhaseReport, *ServerReport) {
	g := &gauges{}
	var mon *monitor
	if pid > 0 {
		var err error
		if mon, err = startMonitor(pid, g); err != nil {
			// Checked by Run moments ago; the server has just gone.
			mon = nil
		}
	}
	cl := newClient(cfg, addr, keys, g)
	results := make([]sessionResult, cfg.Sessions)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(results)) {
					return
				}
				results[i] = cl.run(ctx)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	timedOut := ctx.Err() != nil

	var srv *ServerReport
	if mon != nil {
		mon.finish()
		srv = mon.report(cfg, results, g)
	}
	return summarize(addr, results, start, wall, timedOut), srv
}
