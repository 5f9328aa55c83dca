// Package load is the load generator for the SSH-served portfolio: it opens
// many SSH sessions with a pty, waits for each one's first complete frame,
// presses keys, holds the sessions open, and reports latency percentiles,
// bytes and (given the server's PID) the server's CPU and memory cost.
//
// Unless told otherwise it first runs the same workload against a "floor": a
// bare golang.org/x/crypto/ssh server in this process that answers with one
// line, so the report can say how much of each latency is the portfolio's own.
package load

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Hard bounds on the workload.
const (
	MaxSessions    = 100000
	MaxConcurrency = 5000
	maxPtySide     = 1000
)

// Config is one run's workload. Zero values of the numeric and string fields
// take the defaults of DefaultConfig; Keys, Hold, PID and the booleans are
// meaningful at zero.
type Config struct {
	Addr        string        // target host:port
	Sessions    int           // sessions in all (-n)
	Concurrency int           // sessions in flight at once (-c)
	Width       int           // pty columns
	Height      int           // pty rows
	Hold        time.Duration // keep each session open (idle) this long after its first frame and keys
	Keys        int           // key presses per session after the first frame
	KeyInterval time.Duration // time between key presses; each key's response window
	// KeyEven sends keys exactly every KeyInterval. By default each gap is
	// drawn from [½, 1½] × KeyInterval, so keys land at every phase of the
	// server's frame clock, as a person's do: keys at a fixed interval that
	// is a multiple of the frame interval (50 ms at 120 fps) would all wait
	// the same part of a frame and make the latency look better or worse
	// than it is.
	KeyEven bool
	// KeySequence is cycled through for the key presses: a name from
	// KeyNames ("up", "enter", …) or literal text ("j", "1").
	KeySequence []string
	Marker      string // text that marks a complete first frame, matched on ANSI-stripped output
	PID         int    // server process for CPU/RSS from /proc; 0 = not measured
	// Timeout is the hard limit for the whole run (floor included); the run
	// stops itself and reports what it measured.
	Timeout time.Duration
	// SessionTimeout bounds each session on top of its hold and key
	// schedule: connect, handshake and first frame must fit in it.
	SessionTimeout time.Duration
	AllowRemote    bool   // allow a target that isn't loopback
	NoFloor        bool   // skip the floor run
	User           string // SSH user name
}

// DefaultConfig is the workload of portfolio-load without flags.
func DefaultConfig() Config {
	return Config{
		Addr:           "127.0.0.1:23234",
		Sessions:       100,
		Concurrency:    10,
		Width:          120,
		Height:         40,
		KeyInterval:    100 * time.Millisecond,
		KeySequence:    []string{"j", "k"},
		Marker:         "quit",
		Timeout:        2 * time.Minute,
		SessionTimeout: 30 * time.Second,
		User:           "load",
	}
}

// ConfigError is a usage problem: a bad value or a refused address.
// portfolio-load exits 2 on it.
type ConfigError struct{ msg string }

func (e *ConfigError) Error() string { return e.msg }

func configErr(format string, args ...any) error {
	return &ConfigError{msg: fmt.Sprintf(format, args...)}
}

// IsConfigError reports whether err is (or wraps) a ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// KeyNames are the key names a KeySequence may use besides literal text.
var KeyNames = map[string]string{
	"up":        "\x1b[A",
	"down":      "\x1b[B",
	"right":     "\x1b[C",
	"left":      "\x1b[D",
	"enter":     "\r",
	"tab":       "\t",
	"esc":       "\x1b",
	"space":     " ",
	"comma":     ",",
	"backspace": "\x7f",
	"pgup":      "\x1b[5~",
	"pgdown":    "\x1b[6~",
	"home":      "\x1b[H",
	"end":       "\x1b[F",
}

// ParseKeySequence splits a comma-separated key list such as "j,k,down,2".
func ParseKeySequence(s string) ([]string, error) {
	var keys []string
	for _, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			return nil, configErr("--key-sequence %q: empty key (write a comma as \"comma\")", s)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// keyBytes is what pressing key sends.
func keyBytes(key string) []byte {
	if b, ok := KeyNames[strings.ToLower(key)]; ok {
		return []byte(b)
	}
	return []byte(key)
}

// CheckAddr refuses an address whose host isn't loopback, unless
// allowRemote. It does no DNS: IP literals are judged by value, "localhost"
// is accepted (the dialer then checks every address it connects to is
// loopback), any other name is treated as remote.
func CheckAddr(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return configErr("--addr %q: %v", addr, err)
	}
	if port == "" {
		return configErr("--addr %q: missing port", addr)
	}
	if allowRemote {
		return nil
	}
	if host == "" {
		return configErr("--addr %q: give the host, e.g. 127.0.0.1%s", addr, addr)
	}
	if !hostIsLoopback(host) {
		return configErr("--addr %q: refusing to load a host that isn't loopback (127.0.0.0/8, ::1, localhost); pass --allow-remote to load-test another machine", addr)
	}
	return nil
}

func hostIsLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// normalize applies defaults, checks bounds and the address, and returns the
// key presses' bytes.
func (c Config) normalize() (Config, [][]byte, error) {
	d := DefaultConfig()
	if c.Sessions == 0 {
		c.Sessions = d.Sessions
	}
	if c.Concurrency == 0 {
		c.Concurrency = d.Concurrency
	}
	if c.Width == 0 {
		c.Width = d.Width
	}
	if c.Height == 0 {
		c.Height = d.Height
	}
	if c.KeyInterval == 0 {
		c.KeyInterval = d.KeyInterval
	}
	if len(c.KeySequence) == 0 {
		c.KeySequence = d.KeySequence
	}
	if c.Marker == "" {
		c.Marker = d.Marker
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = d.SessionTimeout
	}
	if c.User == "" {
		c.User = d.User
	}
	switch {
	case c.Sessions < 1 || c.Sessions > MaxSessions:
		return c, nil, configErr("-n %d: want 1…%d sessions", c.Sessions, MaxSessions)
	case c.Concurrency < 1 || c.Concurrency > MaxConcurrency:
		return c, nil, configErr("-c %d: want 1…%d sessions in flight", c.Concurrency, MaxConcurrency)
	case c.Width < 1 || c.Width > maxPtySide || c.Height < 1 || c.Height > maxPtySide:
		return c, nil, configErr("--width/--height %dx%d: want 1…%d each", c.Width, c.Height, maxPtySide)
	case c.Keys < 0:
		return c, nil, configErr("--keys %d: must not be negative", c.Keys)
	case c.Hold < 0:
		return c, nil, configErr("--hold %s: must not be negative", c.Hold)
	case c.KeyInterval < 0:
		return c, nil, configErr("--key-interval %s: must be positive", c.KeyInterval)
	case c.Timeout < 0:
		return c, nil, configErr("--timeout %s: must be positive", c.Timeout)
	case c.SessionTimeout < 0:
		return c, nil, configErr("--session-timeout %s: must be positive", c.SessionTimeout)
	case c.PID < 0:
		return c, nil, configErr("--pid %d: must be a process ID", c.PID)
	}
	if c.Concurrency > c.Sessions {
		c.Concurrency = c.Sessions
	}
	if err := CheckAddr(c.Addr, c.AllowRemote); err != nil {
		return c, nil, err
	}
	keys := make([][]byte, len(c.KeySequence))
	for i, k := range c.KeySequence {
		if k == "" {
			return c, nil, configErr("--key-sequence: empty key")
		}
		keys[i] = keyBytes(k)
	}
	return c, keys, nil
}
