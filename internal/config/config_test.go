package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite docs/configuration.md from Config")

// docPath is docs/configuration.md from this package's directory.
var docPath = filepath.Join("..", "..", "docs", "configuration.md")

// TestConfigurationDoc: docs/configuration.md is what Config's tags say;
// after a setting changes, `go generate ./internal/config` rewrites it.
func TestConfigurationDoc(t *testing.T) {
	want := Markdown()
	if *update {
		if err := os.WriteFile(docPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v (write it with: go generate ./internal/config)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from Config's settings: run go generate ./internal/config", docPath)
	}
	for _, s := range Settings() {
		if !bytes.Contains(got, []byte("`"+s.Env+"`")) {
			t.Errorf("%s does not list %s", docPath, s.Env)
		}
	}
}

// TestEverySettingDeclared: every setting has an environment variable,
// a meaning, and a flag unless it is environment only on purpose; every
// flag BindFlags declares is a setting, with its variable in its usage.
func TestEverySettingDeclared(t *testing.T) {
	envOnly := map[string]bool{"PORTFOLIO_HOST_KEY": true, "PORTFOLIO_RUN_AS": true}
	seen := map[string]bool{}
	for _, s := range Settings() {
		if !strings.HasPrefix(s.Env, "PORTFOLIO_") || seen[s.Env] {
			t.Errorf("%s: env %q is not a new PORTFOLIO_ name", s.Field, s.Env)
		}
		seen[s.Env] = true
		if s.Doc == "" {
			t.Errorf("%s: no doc or help", s.Field)
		}
		if (s.Flag == "") != envOnly[s.Env] {
			t.Errorf("%s: flag %q; environment only: %v", s.Field, s.Flag, envOnly[s.Env])
		}
		if s.Flag != "" && s.Help == "" {
			t.Errorf("%s: a flag with no help", s.Field)
		}
	}
	c := Default()
	flags, persistent := pflag.NewFlagSet("", pflag.ContinueOnError), pflag.NewFlagSet("", pflag.ContinueOnError)
	BindFlags(&c, flags, persistent, func(string) string { return "postgres://u:xxxxx@db/p" })
	n := 0
	for _, fs := range []*pflag.FlagSet{flags, persistent} {
		fs.VisitAll(func(f *pflag.Flag) {
			n++
			if !strings.HasSuffix(f.Usage, ")") || !strings.Contains(f.Usage, "(env PORTFOLIO_") {
				t.Errorf("--%s: usage %q does not name its variable", f.Name, f.Usage)
			}
		})
	}
	if want := len(seen) - len(envOnly); n != want {
		t.Errorf("%d flags bound, want %d", n, want)
	}
}

// TestFlagsSetConfig: a flag sets its field, a secret's default is
// masked in help.
func TestFlagsSetConfig(t *testing.T) {
	c := Default()
	c.DatabaseURL = "postgres://u:hunter2@db/p"
	flags, persistent := pflag.NewFlagSet("", pflag.ContinueOnError), pflag.NewFlagSet("", pflag.ContinueOnError)
	BindFlags(&c, flags, persistent, func(string) string { return "postgres://u:xxxxx@db/p" })
	if err := flags.Parse([]string{"--addr", ":2222", "--max-conns", "7", "--idle-timeout", "1m", "--proxy-protocol", "--notify-url", "https://a.example/x", "--notify-url", "https://b.example/y"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":2222" || c.MaxConns != 7 || c.IdleTimeout.String() != "1m0s" || !c.ProxyProtocol || c.NotifyURL != "https://a.example/x,https://b.example/y" {
		t.Errorf("flags gave %+v", c)
	}
	if u := persistent.Lookup("database-url").Value.String(); strings.Contains(u, "hunter2") {
		t.Errorf("--database-url shows %q", u)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	ok := Default()
	if err := ok.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		flags []string
	}{
		{"addr without port", func(c *Config) { c.Addr = "localhost" }, []string{"--addr"}},
		{"addr empty port", func(c *Config) { c.Addr = "localhost:" }, []string{"--addr"}},
		{"addr empty", func(c *Config) { c.Addr = "" }, []string{"--addr"}},
		{"log level", func(c *Config) { c.LogLevel = "loud" }, []string{"--log-level"}},
		{"log level empty", func(c *Config) { c.LogLevel = "" }, []string{"--log-level"}},
		{"negative timeout", func(c *Config) { c.ShutdownTimeout = -time.Second }, []string{"--shutdown-timeout"}},
		{"host key dir", func(c *Config) { c.HostKeyDir = "" }, []string{"--host-key-dir"}},
		{"negative prestart", func(c *Config) { c.UIPrestart = -1 }, []string{"--ui-prestart"}},
		{"all at once", func(c *Config) {
			c.Addr, c.LogLevel, c.ShutdownTimeout = "nope", "verbose", -1
		}, []string{"--addr", "--log-level", "--shutdown-timeout"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(&c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate(%+v) = nil, want an error", c)
			}
			for _, f := range tc.flags {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("error %q does not name %s", err, f)
				}
			}
		})
	}
	for _, addr := range []string{"127.0.0.1:0", ":22", "[::1]:2222", "localhost:23234"} {
		c := Default()
		c.Addr = addr
		if err := c.Validate(); err != nil {
			t.Errorf("addr %q: %v", addr, err)
		}
	}
	for _, lvl := range []string{"debug", "info", "warn", "error"} {
		c := Default()
		c.LogLevel = lvl
		if err := c.Validate(); err != nil {
			t.Errorf("log level %q: %v", lvl, err)
		}
	}
}

// TestValidateNamesRealFlags: every flag Validate's errors name is a
// setting's flag (renaming a flag in its tag without Validate fails here).
func TestValidateNamesRealFlags(t *testing.T) {
	c := Config{
		Addr: "nope", HTTPAddr: "nope", ShutdownTimeout: -1, MessagesPerHour: -1, MessagesPerHourTotal: -1,
		NotifyURL: "nope://x", HandshakeTimeout: -1, IdleTimeout: -1, MaxSession: -1, NoSessionTimeout: -1,
		UISleep: -1, Keepalive: -1, MaxConns: -1, MaxConnsPerIP: -1, SessionRate: -1, UIPrestart: -1, LogLevel: "loud",
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("an invalid config validated")
	}
	flags := map[string]bool{}
	for _, s := range Settings() {
		flags[s.Flag] = s.Flag != ""
	}
	named := regexp.MustCompile(`--[a-z][a-z-]*`).FindAllString(err.Error(), -1)
	if len(named) < 17 {
		t.Errorf("Validate named %d flags, want every invalid one: %v", len(named), err)
	}
	for _, f := range named {
		if !flags[strings.TrimPrefix(f, "--")] {
			t.Errorf("Validate names %s, which is no setting's flag", f)
		}
	}
}

// TestWatchNeedsContent: --watch without --content is refused, naming
// both (the embedded content can't change).
func TestWatchNeedsContent(t *testing.T) {
	c := Default()
	c.Watch = true
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--watch") || !strings.Contains(err.Error(), "--content") {
		t.Errorf("--watch without --content: %v", err)
	}
	c.ContentDir = "my-portfolio"
	if err := c.Validate(); err != nil {
		t.Errorf("--watch with --content: %v", err)
	}
}
