// Package config is the portfolio's configuration, declared once: the
// settings, their flags, environment variables, defaults and docs, and
// their validation. The composition root (internal/app), the doors and
// the owner's commands read the same Config.
package config

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/pragyamugale/portfolio/internal/notify"
)

// Config is everything the portfolio is told at start, declared once:
// each setting's environment variable (env), flag (flag; none for
// secrets), help (the flag's usage) and, for docs/configuration.md, a
// longer doc and the default as shown (docdefault; else the value in
// Default). Flags win over the environment, which wins over Default.
// BindFlags, FromEnv and Markdown read these tags; nothing else lists
// the settings.
type Config struct {
	Addr            string        `env:"PORTFOLIO_ADDR" flag:"addr" help:"SSH listen address"`
	ContentDir      string        `env:"PORTFOLIO_CONTENT" flag:"content" persistent:"true" docdefault:"embedded" help:"serve portfolio files from this directory instead of the embedded ones" doc:"serve the portfolio files from this folder instead of the embedded copy; also read by {portfolio resume}"`
	ShutdownTimeout time.Duration `env:"PORTFOLIO_SHUTDOWN_TIMEOUT" flag:"shutdown-timeout" help:"how long to wait for visitors' sessions to end on SIGINT/SIGTERM" doc:"on SIGINT/SIGTERM, how long visitors' sessions get to end"`
	LogLevel        string        `env:"PORTFOLIO_LOG_LEVEL" flag:"log-level" help:"debug, info, warn or error" doc:"{debug}, {info}, {warn} or {error}"`
	MessagesPerHour int           `env:"PORTFOLIO_MESSAGES_PER_HOUR" flag:"messages-per-hour" help:"contact messages allowed per source IP and per key each hour, 0 = no limit" doc:"contact messages allowed per source IP and per SSH key each hour (an IPv6 /48 together: 4× that); {0} = no limit"`
	StatsDays       int           `env:"PORTFOLIO_STATS_DAYS" flag:"stats-days" help:"days of visitor statistics kept in the data directory" doc:"days of visitor statistics kept in {<data-dir>/stats} (see \"Visitor statistics\" in the README)"`
	Watch           bool          `env:"PORTFOLIO_WATCH" flag:"watch" help:"read the content folder again whenever a file in it changes" doc:"read {--content} again whenever a file in it changes (saved, copied, renamed over), as SIGHUP (or {portfolio reload}) does; a file with a mistake keeps the running content and logs each problem, file:line. See \"Updating the content later\" in [self-hosting.md](self-hosting.md#updating-the-content-later)"`

	MessagesPerHourTotal int    `env:"PORTFOLIO_MESSAGES_PER_HOUR_TOTAL" flag:"messages-per-hour-total" help:"contact messages stored each hour from everyone together, 0 = no limit" doc:"contact messages stored each hour from everyone together; beyond it visitors are told the inbox is busy; {0} = no limit"`
	OwnerKeys            string `env:"PORTFOLIO_OWNER_KEYS" flag:"owner-keys" docdefault:"none" help:"authorized_keys file of the owner's keys; they get the Inbox section" doc:"an {authorized_keys} file; sessions authenticated with one of its keys get the Inbox section"`
	NotifyURL            string `env:"PORTFOLIO_NOTIFY_URL" flag:"notify-url" docdefault:"none" help:"notify the owner of each new message at these service URLs (ntfy://, slack://, discord://, telegram://, smtp://, … or an https:// JSON webhook); repeatable or comma-separated" doc:"tell the owner of every new message at these services, in the [shoutrrr](https://github.com/nicholas-fedor/shoutrrr) URL format ({ntfy://}, {slack://}, {discord://}, {telegram://}, {smtp://}, {generic://}, …); a plain {https://} URL gets the message as JSON. Repeatable or comma-separated"`
	PublicAddr           string `env:"PORTFOLIO_PUBLIC_ADDR" flag:"public-addr" persistent:"true" docdefault:"the listen address" help:"the address visitors connect to, e.g. portfolio.example.com, quoted in help texts; default: the listen address" doc:"the address visitors type, e.g. {portfolio.example.com}; quoted in help texts and in the links {portfolio invite} prints (on Fly.io: {<app>.fly.dev})"`

	HandshakeTimeout  time.Duration `env:"PORTFOLIO_HANDSHAKE_TIMEOUT" flag:"handshake-timeout" help:"close connections that haven't logged in within this time, 0 = no limit"`
	MaxConns          int           `env:"PORTFOLIO_MAX_CONNS" flag:"max-conns" help:"maximum open connections, SSH connections and web terminals together, 0 = no limit" doc:"open connections, in all: SSH connections and live terminals in browsers, one count for both doors (cut down to fit the process's file limit, see \"On the open internet\" in docs/self-hosting.md); {0} = no limit"`
	MaxConnsPerIP     int           `env:"PORTFOLIO_MAX_CONNS_PER_IP" flag:"max-conns-per-ip" help:"maximum open connections per source IP (IPv6 by /64), SSH connections and web terminals together, 0 = no limit" doc:"open connections per source IP, an IPv6 /64 together: SSH connections and live terminals in browsers, one count for both doors; {0} = no limit"`
	MaxHTTPConns      int           `env:"PORTFOLIO_MAX_HTTP_CONNS" flag:"max-http-conns" help:"maximum open HTTP connections (the web page, its form, web terminals), 0 = no limit" doc:"open connections to the web door ({--http-addr}) in all, counted when accepted, before any request is read; idle keep-alive connections are closed to make room. Cut down to fit the process's file limit; {0} = as many as that allows"`
	MaxHTTPConnsPerIP int           `env:"PORTFOLIO_MAX_HTTP_CONNS_PER_IP" flag:"max-http-conns-per-ip" help:"maximum open HTTP connections per source IP (IPv6 by /64), 0 = no limit" doc:"open connections to the web door per source IP, an IPv6 /64 together, counted when accepted; with {--trust-fly-client-ip}, per visitor address once a request is read (the proxy's connections then count only in {--max-http-conns}); {0} = no limit"`
	SessionRate       int           `env:"PORTFOLIO_SESSION_RATE" flag:"session-rate" help:"new sessions per source IP per minute, with a small burst, 0 = no limit" doc:"new sessions per source IP per minute (bursts of up to 5); {0} = no limit"`
	UISleep           time.Duration `env:"PORTFOLIO_UI_SLEEP" flag:"ui-sleep" help:"free an idle visitor's UI memory after this long without activity (the screen stays; a key wakes it), 0 = never" doc:"after this long without activity, free a visitor's UI program (~1 MiB at 120×40); the screen stays and their next key wakes it; {0} = never"`
	UIPrestart        int           `env:"PORTFOLIO_UI_PRESTART" flag:"ui-prestart" help:"start a new visitor's UI program with the session while fewer than this many run; beyond it they start asleep until their first key, 0 = always start asleep" doc:"a new visitor shown the cached first screen gets their UI program with the session while fewer than this many run, so their first key is drawn on the next frame; beyond that they start asleep and get one at their first key, drawn a tick (~8 ms) later. Bounds the renderers a crowd arriving at once holds (~1.3 MiB each at 120×40; a soft bound). {0} = always start asleep; no effect with {--ui-sleep 0}"`
	IdleTimeout       time.Duration `env:"PORTFOLIO_IDLE_TIMEOUT" flag:"idle-timeout" help:"disconnect visitors after this long without input, 0 = never" doc:"disconnect a visitor after this long without input (keepalives don't count); {0} = never"`
	MaxSession        time.Duration `env:"PORTFOLIO_MAX_SESSION" flag:"max-session" help:"longest a session may last, 0 = no limit" doc:"the longest a session may last (commands and piped messages too); {0} = no limit"`
	NoSessionTimeout  time.Duration `env:"PORTFOLIO_NO_SESSION_TIMEOUT" flag:"no-session-timeout" help:"close a connection that has no session running for this long (ssh -N, one kept open after its session), 0 = never" doc:"close a logged-in connection that has no session running for this long: {ssh -N}, a terminal requested and never used, a connection kept open after its session (OpenSSH {ControlMaster}); {0} = never"`
	ProxyProtocol     bool          `env:"PORTFOLIO_PROXY_PROTOCOL" flag:"proxy-protocol" help:"expect a PROXY protocol v1/v2 header on each connection, from a TCP proxy" doc:"expect a PROXY protocol v1/v2 header from a TCP proxy, so limits, logs and messages see the visitor's real IP"`
	Keepalive         time.Duration `env:"PORTFOLIO_KEEPALIVE" flag:"keepalive" help:"send an SSH keepalive this often and drop clients that stop answering, 0 = off"`
	HTTPAddr          string        `env:"PORTFOLIO_HTTP_ADDR" flag:"http-addr" help:"serve the web page, the live terminal and /healthz on this address, e.g. :8080 for every interface; off when empty" doc:"serve the web page and the live terminal (see [visitors.md](visitors.md#on-the-web)) and {/healthz} on this address: {:8080} for every interface (the container's default); empty turns the web side off"`
	MetricsAddr       string        `env:"PORTFOLIO_METRICS_ADDR" flag:"metrics-addr" help:"serve /metrics (Prometheus) on this address, apart from the web page; off when empty" doc:"serve {/metrics} (Prometheus) on this address, never on the public web port; loopback by default (on Fly.io, {:9091} for Fly's scraper on the private network); off when empty"`
	TrustFlyClientIP  bool          `env:"PORTFOLIO_TRUST_FLY_CLIENT_IP" flag:"trust-fly-client-ip" help:"take web visitors' addresses from the Fly-Client-IP header; only behind Fly's HTTP proxy" doc:"take a web visitor's address (for the form's limits and records) from the {Fly-Client-IP} header instead of the TCP peer; only behind Fly's HTTP proxy"`

	// Shared with the owner's commands (inbox, stats, hostkey).
	DataDir     string `env:"PORTFOLIO_DATA_DIR" flag:"data-dir" persistent:"true" help:"directory of messages.jsonl" doc:"where messages, their state and statistics are stored ({messages.jsonl}…); also read by {portfolio inbox} and {portfolio stats}"`
	DatabaseURL string `env:"PORTFOLIO_DATABASE_URL" flag:"database-url" persistent:"true" secret:"true" docdefault:"none" help:"keep messages, their state and statistics in this PostgreSQL database, shared by every machine, instead of --data-dir; a secret: prefer the env" doc:"keep messages, their state and statistics in this PostgreSQL database, shared by every machine, instead of {--data-dir}; also read by {portfolio inbox} and {portfolio stats}. A secret: prefer the environment; {--help} masks its password and no log or error shows it"`
	HostKeyDir  string `env:"PORTFOLIO_HOST_KEY_DIR" flag:"host-key-dir" persistent:"true" help:"directory of the ed25519 host key, created on first start; PORTFOLIO_HOST_KEY (the key itself) wins" doc:"folder of the ed25519 host key, created on first start (0600); {PORTFOLIO_HOST_KEY} wins"`

	// With --database-url: a schema newer than this binary's (shared).
	AllowNewerSchema bool `env:"PORTFOLIO_ALLOW_NEWER_SCHEMA" flag:"allow-newer-schema" persistent:"true" help:"use a --database-url whose schema a newer portfolio has migrated (a rolling deploy, a rollback); only when that schema is known to be compatible" doc:"use a {--database-url} database whose schema is newer than this binary's (a newer portfolio migrated it: a rolling deploy, a rollback), when that schema is known to be compatible with this version; without it such a database is refused at start with both versions named. See [self-hosting](self-hosting.md#schema-versions)"`

	// Environment only: secrets, and the container's user.
	HostKeyPEM string `env:"PORTFOLIO_HOST_KEY" docdefault:"none" doc:"the host key itself (PEM), overriding {--host-key-dir}: a secret, so environment only (every machine of a deployment then presents the same key)"`
	RunAs      string `env:"PORTFOLIO_RUN_AS" docdefault:"none" doc:"{uid:gid}; when started as root, give the data and key folders to that user and switch to it (the container image sets {65532:65532})"`

	// Version is the build's version, shown by the version command.
	Version string
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:            "localhost:23234",
		HTTPAddr:        "localhost:8080",
		HostKeyDir:      "hostkeys",
		ShutdownTimeout: 10 * time.Second,
		LogLevel:        "info",
		DataDir:         "data",
		MessagesPerHour: 5,
		StatsDays:       400,

		MessagesPerHourTotal: 100,

		HandshakeTimeout:  10 * time.Second,
		MaxConns:          1000,
		MaxConnsPerIP:     10,
		MaxHTTPConns:      512,
		MaxHTTPConnsPerIP: 32,
		MetricsAddr:       "127.0.0.1:9091",
		SessionRate:       30,
		IdleTimeout:       15 * time.Minute,
		MaxSession:        2 * time.Hour,
		NoSessionTimeout:  30 * time.Second,
		UISleep:           5 * time.Second,
		UIPrestart:        128,
		Keepalive:         30 * time.Second,
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
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("--metrics-addr %q: want host:port, e.g. 127.0.0.1:9091", c.MetricsAddr))
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
	}{{"--max-conns", c.MaxConns}, {"--max-conns-per-ip", c.MaxConnsPerIP}, {"--max-http-conns", c.MaxHTTPConns}, {"--max-http-conns-per-ip", c.MaxHTTPConnsPerIP}, {"--session-rate", c.SessionRate}} {
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

	if c.Watch && c.ContentDir == "" {
		errs = append(errs, errors.New("--watch: needs --content (the embedded content can't change)"))
	}
	return errors.Join(errs...)
}
