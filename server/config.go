package server

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/pragyamugale/portfolio/notify"
)

// Config is everything the server is told at start. Each field has a flag
// (see cmd/portfolio) and the environment variable in its env tag; flags
// win over the environment, which wins over the defaults.
type Config struct {
	// submitWait bounds a visitor's wait for the store (storeMessage);
	// 0 is submitWait. Tests shorten it.
	submitWait time.Duration

	// Addr is the SSH listen address.
	Addr string `env:"PORTFOLIO_ADDR"`
	// HostKeyDir holds the ed25519 host key, created on first start.
	HostKeyDir string `env:"PORTFOLIO_HOST_KEY_DIR"`
	// ContentDir, if set, serves the portfolio from this directory instead
	// of the files embedded in the binary.
	ContentDir string `env:"PORTFOLIO_CONTENT"`
	// ShutdownTimeout is how long SIGINT/SIGTERM waits for visitors' sessions
	// to end before closing them.
	ShutdownTimeout time.Duration `env:"PORTFOLIO_SHUTDOWN_TIMEOUT"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `env:"PORTFOLIO_LOG_LEVEL"`

	// DataDir holds messages.jsonl, the visitors' messages.
	DataDir string `env:"PORTFOLIO_DATA_DIR"`
	// DatabaseURL, when set, keeps messages, their state and statistics in
	// PostgreSQL instead of DataDir, shared by every machine. A secret:
	// never logged or shown (see pgstore.RedactURL).
	DatabaseURL string `env:"PORTFOLIO_DATABASE_URL"`
	// MessagesPerHour caps messages per source IP and per key; 0 = no limit.
	MessagesPerHour int `env:"PORTFOLIO_MESSAGES_PER_HOUR"`
	// MessagesPerHourTotal caps the messages stored each hour from everyone
	// together; 0 = no limit.
	MessagesPerHourTotal int `env:"PORTFOLIO_MESSAGES_PER_HOUR_TOTAL"`
	// OwnerKeys is an authorized_keys file; sessions authenticated with one
	// of its keys get the Inbox section.
	OwnerKeys string `env:"PORTFOLIO_OWNER_KEYS"`
	// StatsDays is how many days of visitor statistics are kept.
	StatsDays int `env:"PORTFOLIO_STATS_DAYS"`
	// NotifyURL lists the services told of each new message: shoutrrr
	// URLs and plain http(s) JSON webhooks, comma-separated (see notify).
	NotifyURL string `env:"PORTFOLIO_NOTIFY_URL"`
	// PublicAddr is the address visitors type, e.g. portfolio.example.com
	// (port 22) or example.com:2222; help texts quote it. Empty means the
	// listen address.
	PublicAddr string `env:"PORTFOLIO_PUBLIC_ADDR"`

	// HandshakeTimeout closes connections that haven't finished the SSH
	// handshake (and login) in time; 0 = no limit.
	HandshakeTimeout time.Duration `env:"PORTFOLIO_HANDSHAKE_TIMEOUT"`
	// MaxConns caps open connections; 0 = no limit.
	MaxConns int `env:"PORTFOLIO_MAX_CONNS"`
	// MaxConnsPerIP caps open connections per source IP; 0 = no limit.
	MaxConnsPerIP int `env:"PORTFOLIO_MAX_CONNS_PER_IP"`
	// SessionRate is the new sessions allowed per source IP per minute
	// (with a small burst); 0 = no limit.
	SessionRate int `env:"PORTFOLIO_SESSION_RATE"`
	// IdleTimeout disconnects a visitor who sends no input for this long
	// (keepalives don't count); 0 = never.
	IdleTimeout time.Duration `env:"PORTFOLIO_IDLE_TIMEOUT"`
	// MaxSession is the longest a session may last; 0 = no limit.
	MaxSession time.Duration `env:"PORTFOLIO_MAX_SESSION"`
	// NoSessionTimeout closes a connection that has no session running for
	// this long (ssh -N, a pty and no shell, a connection kept open after
	// its session); 0 = never.
	NoSessionTimeout time.Duration `env:"PORTFOLIO_NO_SESSION_TIMEOUT"`
	// UISleep puts a visitor's UI program to sleep after this long without
	// activity: its screen stays, its memory (the renderer's cell buffers,
	// ~1 MiB at 120×40) is freed, and the next key wakes it. 0 = never.
	UISleep time.Duration `env:"PORTFOLIO_UI_SLEEP"`
	// UIPrestart is how many UI programs may run before a new visitor
	// shown the cached first screen starts asleep (getting a program at
	// their first key, which is then drawn a tick later). Below it,
	// programs start with the session, so the first key is answered like
	// any other; above it, a crowd arriving together holds no renderers.
	// 0 = every such visitor starts asleep. Unused when UISleep is 0.
	UIPrestart int `env:"PORTFOLIO_UI_PRESTART"`
	// ProxyProtocol reads a PROXY protocol v1/v2 header on every
	// connection, for running behind a TCP proxy such as Fly's.
	ProxyProtocol bool `env:"PORTFOLIO_PROXY_PROTOCOL"`

	// Keepalive is how often an SSH keepalive is sent to each client;
	// clients that stop answering are dropped. 0 = off.
	Keepalive time.Duration `env:"PORTFOLIO_KEEPALIVE"`
	// HTTPAddr, if set, serves /healthz, /metrics and the portfolio as a
	// web page with a contact form.
	HTTPAddr string `env:"PORTFOLIO_HTTP_ADDR"`
	// TrustFlyClientIP takes a web visitor's address from the
	// Fly-Client-IP header (set by Fly's HTTP proxy) for the contact
	// form's limits and records. Only behind that proxy.
	TrustFlyClientIP bool `env:"PORTFOLIO_TRUST_FLY_CLIENT_IP"`
	// HostKeyPEM, if set, is the host key itself (a secret, so environment
	// only): every machine of a deployment then presents the same key.
	HostKeyPEM string `env:"PORTFOLIO_HOST_KEY"`

	// Version is the build's version, shown by the version command.
	Version string
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:            "localhost:23234",
		HostKeyDir:      "hostkeys",
		ShutdownTimeout: 10 * time.Second,
		LogLevel:        "info",
		DataDir:         "data",
		MessagesPerHour: 5,
		StatsDays:       400,

		MessagesPerHourTotal: 100,

		HandshakeTimeout: 10 * time.Second,
		MaxConns:         1000,
		MaxConnsPerIP:    10,
		SessionRate:      30,
		IdleTimeout:      15 * time.Minute,
		MaxSession:       2 * time.Hour,
		NoSessionTimeout: 30 * time.Second,
		UISleep:          5 * time.Second,
		UIPrestart:       128,
		Keepalive:        30 * time.Second,
	}
}

// Validate reports every invalid setting at once, naming the flag.
func (c Config) Validate() error {
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("--addr %q: want host:port, e.g. localhost:23234", c.Addr))
	}
	if c.HTTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("--http-addr %q: want host:port, e.g. :8080", c.HTTPAddr))
		}
	}
	if c.HostKeyDir == "" && c.HostKeyPEM == "" {
		errs = append(errs, errors.New("--host-key-dir: must not be empty"))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, fmt.Errorf("--shutdown-timeout %s: must not be negative", c.ShutdownTimeout))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("--data-dir: must not be empty"))
	}
	if c.MessagesPerHour < 0 {
		errs = append(errs, fmt.Errorf("--messages-per-hour %d: must not be negative (0 = no limit)", c.MessagesPerHour))
	}
	if c.StatsDays < 1 {
		errs = append(errs, fmt.Errorf("--stats-days %d: must be at least 1", c.StatsDays))
	}
	if c.MessagesPerHourTotal < 0 {
		errs = append(errs, fmt.Errorf("--messages-per-hour-total %d: must not be negative (0 = no limit)", c.MessagesPerHourTotal))
	}
	if _, err := notify.Parse(c.NotifyURL); err != nil {
		errs = append(errs, fmt.Errorf("--notify-url: %w", err))
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--handshake-timeout", c.HandshakeTimeout}, {"--idle-timeout", c.IdleTimeout}, {"--max-session", c.MaxSession}, {"--no-session-timeout", c.NoSessionTimeout}, {"--ui-sleep", c.UISleep}, {"--keepalive", c.Keepalive}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %s: must not be negative (0 = no limit)", d.flag, d.v))
		}
	}
	for _, n := range []struct {
		flag string
		v    int
	}{{"--max-conns", c.MaxConns}, {"--max-conns-per-ip", c.MaxConnsPerIP}, {"--session-rate", c.SessionRate}} {
		if n.v < 0 {
			errs = append(errs, fmt.Errorf("%s %d: must not be negative (0 = no limit)", n.flag, n.v))
		}
	}
	if c.UIPrestart < 0 {
		errs = append(errs, fmt.Errorf("--ui-prestart %d: must not be negative (0 = none)", c.UIPrestart))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	return errors.Join(errs...)
}
