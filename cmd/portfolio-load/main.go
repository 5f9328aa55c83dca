// Command portfolio-load load-tests the SSH portfolio server: many SSH
// sessions with a pty, each waiting for its first complete frame, pressing
// keys and holding on; it reports latency percentiles, bytes, and (with
// --pid) the server's CPU and memory per session, side by side with the same
// workload against a bare in-process SSH server (the floor).
//
//	portfolio-load --addr 127.0.0.1:23234 -n 200 -c 10 --keys 5 --pid $(pgrep -f 'portfolio --addr')
//
// Exit status: 0 every target session succeeded, 1 some failed (or the run
// did), 2 bad usage or a refused address.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/pragyamugale/portfolio/internal/load"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	d := load.DefaultConfig()
	cfg := d
	var keySeq string
	var jsonOut bool
	fs := flag.NewFlagSet("portfolio-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", d.Addr, "target SSH `host:port`; must be loopback unless --allow-remote")
	fs.IntVar(&cfg.Sessions, "n", d.Sessions, fmt.Sprintf("sessions in all (1…%d)", load.MaxSessions))
	fs.IntVar(&cfg.Concurrency, "c", d.Concurrency, fmt.Sprintf("sessions in flight at once (1…%d)", load.MaxConcurrency))
	fs.IntVar(&cfg.Width, "width", d.Width, "pty columns")
	fs.IntVar(&cfg.Height, "height", d.Height, "pty rows")
	fs.DurationVar(&cfg.Hold, "hold", 0, "keep each session open (idle) this long after its first frame and keys; needed for RSS per session, ≥ 2s for idle CPU")
	fs.IntVar(&cfg.Keys, "keys", 0, "key presses per session after the first frame, one every --key-interval")
	fs.DurationVar(&cfg.KeyInterval, "key-interval", d.KeyInterval, "mean time between key presses, each gap drawn from ½–1½× it (the first comes after one gap); the last key's response window")
	fs.BoolVar(&cfg.KeyEven, "key-even", false, "send keys exactly every --key-interval (keys then meet the server's frame clock at a fixed phase, which skews latency)")
	fs.StringVar(&keySeq, "key-sequence", "j,k", "comma-separated `keys` to send, cycled: literal text (j, 1, q) or up, down, left, right, enter, tab, esc, space, comma, backspace, pgup, pgdown, home, end")
	fs.StringVar(&cfg.Marker, "marker", d.Marker, "`text` that marks a complete first frame, matched on the ANSI-stripped output")
	fs.IntVar(&cfg.PID, "pid", 0, "server process ID: report its CPU per session and RSS from /proc (0 = don't)")
	fs.DurationVar(&cfg.Timeout, "timeout", d.Timeout, "hard limit for the whole run, floor included (the floor gets at most half); the run stops itself and reports")
	fs.DurationVar(&cfg.SessionTimeout, "session-timeout", d.SessionTimeout, "limit per session on top of its --hold and key schedule")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow an --addr that isn't loopback (127.0.0.0/8, ::1, localhost)")
	fs.BoolVar(&cfg.NoFloor, "no-floor", false, "skip the floor: the same workload against a bare in-process SSH server, run first for comparison")
	fs.StringVar(&cfg.User, "user", d.User, "SSH user name")
	fs.BoolVar(&jsonOut, "json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: portfolio-load [flags]

Load-tests the SSH portfolio: opens -n SSH sessions, -c at a time, each with
a --width x --height pty; waits for the first frame (the --marker text in the
output), presses --keys keys, holds the session for --hold, then closes it.
Reports p50/p90/p99/max of the handshake, first-frame and key-update latencies
(ms from connect start; key update from key sent to first byte back), bytes,
sessions/s, errors by kind, and with --pid the server's CPU and RSS. Unless
--no-floor, the same workload first runs against a bare in-process SSH server
and the report shows target/floor ratios.

Exit status: 0 all target sessions ok, 1 some failed, 2 bad usage.

Flags (one dash or two):
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "portfolio-load: unexpected arguments %q\n", fs.Args())
		return 2
	}
	keys, err := load.ParseKeySequence(keySeq)
	if err != nil {
		fmt.Fprintln(stderr, "portfolio-load:", err)
		return 2
	}
	cfg.KeySequence = keys
	// Zero means "default" to load.Config; from the command line it's a
	// mistake worth saying so.
	for _, z := range []struct {
		name string
		zero bool
	}{
		{"-n", cfg.Sessions == 0}, {"-c", cfg.Concurrency == 0},
		{"--width", cfg.Width == 0}, {"--height", cfg.Height == 0},
		{"--key-interval", cfg.KeyInterval == 0}, {"--marker", cfg.Marker == ""},
		{"--timeout", cfg.Timeout == 0}, {"--session-timeout", cfg.SessionTimeout == 0},
	} {
		if z.zero {
			fmt.Fprintf(stderr, "portfolio-load: %s must not be zero or empty\n", z.name)
			return 2
		}
	}

	rep, err := load.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "portfolio-load:", err)
		if load.IsConfigError(err) {
			return 2
		}
		return 1
	}
	if jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "portfolio-load:", err)
			return 1
		}
	} else {
		rep.WriteText(stdout)
	}
	if rep.Target.Failed > 0 || rep.Target.NotStarted > 0 {
		return 1
	}
	return 0
}
