package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// flagEnv is every flag and the environment variable that sets it.
var flagEnv = map[string]string{
	"addr":              "PORTFOLIO_ADDR",
	"host-key-dir":      "PORTFOLIO_HOST_KEY_DIR",
	"content":           "PORTFOLIO_CONTENT",
	"watch":             "PORTFOLIO_WATCH",
	"shutdown-timeout":  "PORTFOLIO_SHUTDOWN_TIMEOUT",
	"log-level":         "PORTFOLIO_LOG_LEVEL",
	"data-dir":          "PORTFOLIO_DATA_DIR",
	"database-url":      "PORTFOLIO_DATABASE_URL",
	"messages-per-hour": "PORTFOLIO_MESSAGES_PER_HOUR",
	"owner-keys":        "PORTFOLIO_OWNER_KEYS",
	"notify-url":        "PORTFOLIO_NOTIFY_URL",
	"public-addr":       "PORTFOLIO_PUBLIC_ADDR",
	"handshake-timeout": "PORTFOLIO_HANDSHAKE_TIMEOUT",
	"max-conns":         "PORTFOLIO_MAX_CONNS",
	"max-conns-per-ip":  "PORTFOLIO_MAX_CONNS_PER_IP",
	"session-rate":      "PORTFOLIO_SESSION_RATE",
	"idle-timeout":      "PORTFOLIO_IDLE_TIMEOUT",
	"ui-sleep":          "PORTFOLIO_UI_SLEEP",
	"ui-prestart":       "PORTFOLIO_UI_PRESTART",
	"max-session":       "PORTFOLIO_MAX_SESSION",
	"proxy-protocol":    "PORTFOLIO_PROXY_PROTOCOL",
	"keepalive":         "PORTFOLIO_KEEPALIVE",
	"http-addr":         "PORTFOLIO_HTTP_ADDR",
	"stats-days":        "PORTFOLIO_STATS_DAYS",

	"messages-per-hour-total": "PORTFOLIO_MESSAGES_PER_HOUR_TOTAL",
	"no-session-timeout":      "PORTFOLIO_NO_SESSION_TIMEOUT",
	"trust-fly-client-ip":     "PORTFOLIO_TRUST_FLY_CLIENT_IP",

	"allow-newer-schema":    "PORTFOLIO_ALLOW_NEWER_SCHEMA",
	"max-http-conns":        "PORTFOLIO_MAX_HTTP_CONNS",
	"max-http-conns-per-ip": "PORTFOLIO_MAX_HTTP_CONNS_PER_IP",
	"metrics-addr":          "PORTFOLIO_METRICS_ADDR",
}

// envOnly are settings with no flag: secrets, which don't belong on a
// command line.
var envOnly = map[string]bool{"PORTFOLIO_HOST_KEY": true, "PORTFOLIO_RUN_AS": true}

// clearEnv unsets every PORTFOLIO_* variable for the test.
func clearEnv(t *testing.T) {
	for _, name := range flagEnv {
		t.Setenv(name, "") // restores the old value after the test
		os.Unsetenv(name)
	}
}

func TestFlagsMatchConfigEnv(t *testing.T) {
	// Every env tag of config.Config has a flag, and every flag is listed.
	typ := reflect.TypeOf(config.Config{})
	tags := map[string]bool{}
	for i := range typ.NumField() {
		if tag := typ.Field(i).Tag.Get("env"); tag != "" {
			tags[tag] = true
		}
	}
	for _, env := range flagEnv {
		if !tags[env] {
			t.Errorf("%s is not an env tag of config.Config", env)
		}
		delete(tags, env)
	}
	for env := range tags {
		if !envOnly[env] {
			t.Errorf("config.Config reads %s but no flag is listed for it", env)
		}
	}
	newRootCmd().Flags().VisitAll(func(f *pflag.Flag) {
		if _, ok := flagEnv[f.Name]; !ok && f.Name != "help" && f.Name != "version" {
			t.Errorf("flag --%s is not covered by this test", f.Name)
		}
	})
}

func TestHelpListsFlagsAndEnv(t *testing.T) {
	clearEnv(t)
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("--help: %v", err)
	}
	help := out.String()
	for flag, env := range flagEnv {
		var line string
		for _, l := range strings.Split(help, "\n") {
			if strings.Contains(l, "--"+flag+" ") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("--help does not list --%s:\n%s", flag, help)
			continue
		}
		if !strings.Contains(line, env) {
			t.Errorf("--help line for --%s does not name %s: %q", flag, env, line)
		}
	}
	if !strings.Contains(help, "localhost:23234") {
		t.Errorf("--help does not show the default address:\n%s", help)
	}
}

func TestEnvSetsDefaultsAndFlagsWin(t *testing.T) {
	clearEnv(t)
	t.Setenv("PORTFOLIO_ADDR", "127.0.0.1:2222")
	t.Setenv("PORTFOLIO_LOG_LEVEL", "warn")
	t.Setenv("PORTFOLIO_SHUTDOWN_TIMEOUT", "3s")
	t.Setenv("PORTFOLIO_HOST_KEY_DIR", "/env/keys")
	t.Setenv("PORTFOLIO_CONTENT", "/env/content")

	cmd := newRootCmd() // reads the environment
	if err := cmd.ParseFlags([]string{"--addr", "127.0.0.1:3333", "--shutdown-timeout=5s"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"addr":             "127.0.0.1:3333", // flag
		"shutdown-timeout": "5s",             // flag
		"log-level":        "warn",           // env
		"host-key-dir":     "/env/keys",      // env
		"content":          "/env/content",   // env
	}
	for name, v := range want {
		if got := cmd.Flags().Lookup(name).Value.String(); got != v {
			t.Errorf("--%s = %q, want %q", name, got, v)
		}
	}

	// --help shows the environment's values as the defaults.
	cmd = newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "127.0.0.1:2222") {
		t.Errorf("--help does not show PORTFOLIO_ADDR as the default:\n%s", out.String())
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runServing runs the command until it completes an SSH handshake on addr,
// then cancels it as a signal would. It returns the host key the server
// presented and the command's error.
func runServing(t *testing.T, addr string, args ...string) (gossh.PublicKey, error) {
	t.Helper()
	cmd := newRootCmd()
	// Messages go to a scratch directory, never into the source tree.
	// The web side off unless args turn it on: its default port is one.
	cmd.SetArgs(append(append([]string{"--http-addr="}, args...), "--data-dir", t.TempDir()))
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	var hostKey gossh.PublicKey
	cfg := &gossh.ClientConfig{
		User: "probe",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error {
			hostKey = k
			return nil
		},
		Timeout: time.Second,
	}
	var dialErr, early error
	ended := false
	serving := testkit.Eventually(10*time.Second, testkit.Poll, func() bool {
		select {
		case early = <-done:
			ended = true
			return true
		default:
		}
		c, err := gossh.Dial("tcp", addr, cfg)
		if err != nil {
			dialErr = err
			return false
		}
		c.Close()
		return true
	})
	if ended {
		return nil, fmt.Errorf("command ended before serving: %w", early)
	}
	if !serving {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		t.Fatalf("not serving on %s within 10s: %v", addr, dialErr)
	}
	cancel()
	select {
	case err := <-done:
		return hostKey, err
	case <-time.After(15 * time.Second):
		t.Fatal("command did not stop within 15s of cancel")
		return nil, nil
	}
}

func hostKeyFingerprint(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, hostkeys.FileName))
	if err != nil {
		t.Fatalf("host key in %s: %v", dir, err)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return gossh.FingerprintSHA256(signer.PublicKey())
}

func TestRunUsesEnvAndFlags(t *testing.T) {
	clearEnv(t)
	envDir := filepath.Join(t.TempDir(), "env-keys")
	flagDir := filepath.Join(t.TempDir(), "flag-keys")
	envAddr := freeAddr(t)
	t.Setenv("PORTFOLIO_ADDR", envAddr)
	t.Setenv("PORTFOLIO_HOST_KEY_DIR", envDir)
	t.Setenv("PORTFOLIO_LOG_LEVEL", "error")
	t.Setenv("PORTFOLIO_SHUTDOWN_TIMEOUT", "2s")

	// The environment alone: it serves on PORTFOLIO_ADDR with the key it
	// creates in PORTFOLIO_HOST_KEY_DIR.
	hk, err := runServing(t, envAddr)
	if err != nil {
		t.Fatalf("run with env: %v", err)
	}
	if got, want := gossh.FingerprintSHA256(hk), hostKeyFingerprint(t, envDir); got != want {
		t.Errorf("served host key %s, want the one in PORTFOLIO_HOST_KEY_DIR %s", got, want)
	}

	// Flags beat the environment.
	flagAddr := freeAddr(t)
	hk, err = runServing(t, flagAddr, "--addr", flagAddr, "--host-key-dir", flagDir)
	if err != nil {
		t.Fatalf("run with flags: %v", err)
	}
	if got, want := gossh.FingerprintSHA256(hk), hostKeyFingerprint(t, flagDir); got != want {
		t.Errorf("served host key %s, want the one in --host-key-dir %s", got, want)
	}
}

func TestInvalidSettings(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-content")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"log level flag", nil, []string{"--log-level", "loud"}, []string{"--log-level", "loud"}},
		{"log level env", map[string]string{"PORTFOLIO_LOG_LEVEL": "loud"}, nil, []string{"--log-level", "loud"}},
		{"bad addr", nil, []string{"--addr", "nowhere"}, []string{"--addr", "nowhere"}},
		{"negative timeout", nil, []string{"--shutdown-timeout=-1s"}, []string{"--shutdown-timeout"}},
		// The error names the field (ShutdownTimeout), not the variable: see
		// the report.
		{"bad duration env", map[string]string{"PORTFOLIO_SHUTDOWN_TIMEOUT": "soon"}, nil, []string{"environment", "soon"}},
		{"bad duration flag", nil, []string{"--shutdown-timeout", "soon"}, []string{"shutdown-timeout"}},
		{"missing content", nil, []string{"--content", missing}, []string{missing}},
		{"missing content env", map[string]string{"PORTFOLIO_CONTENT": missing}, nil, []string{missing}},
		{"unknown flag", nil, []string{"--colour"}, []string{"colour"}},
		{"positional arg", nil, []string{"serve"}, []string{"serve"}},
		{"bad notify url", nil, []string{"--notify-url", "ntfy://ntfy.sh/ok", "--notify-url", "discrod://s3cr3t@123"}, []string{"--notify-url", "discrod://"}},
		{"bad notify url env", map[string]string{"PORTFOLIO_NOTIFY_URL": "https://x.example/hook?t=1,smtp://u:s3cr3t@mail.example.com/?from=a@example.com"}, nil, []string{"--notify-url", "smtp://"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			keys := filepath.Join(t.TempDir(), "keys")
			t.Setenv("PORTFOLIO_HOST_KEY_DIR", keys)
			t.Setenv("PORTFOLIO_ADDR", "127.0.0.1:0")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cmd := newRootCmd()
			cmd.SetArgs(tc.args)
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- cmd.ExecuteContext(ctx) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				cancel()
				<-done
				t.Fatal("command ran instead of failing")
			}
			if err == nil {
				t.Fatal("Execute = nil, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error %q shows a secret of a URL", err)
			}
			if _, statErr := os.Stat(keys); statErr == nil {
				t.Errorf("a failed start created the host key dir")
			}
		})
	}
}
