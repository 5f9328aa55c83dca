package server

// Tests of what a deployment (Fly.io, see fly.toml) relies on: the HTTP side
// (health, metrics, page) and the host key from PORTFOLIO_HOST_KEY. SSH
// keepalives are in keepalive_test.go.

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// startServerWith is startServer with the config edited first (HTTPAddr,
// limits, keepalive…).
func startServerWith(t *testing.T, edit func(*Config)) *testServer {
	t.Helper()
	ts := newTestServer(t, edit, nil)
	ts.waitServing(t)
	return ts
}

func withHTTP(c *Config) { c.HTTPAddr = "127.0.0.1:0" }

// httpClient never reuses connections, so a server shutting down can't be
// hidden behind a kept-alive one.
var httpClient = &http.Client{
	Timeout:   5 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

func (ts *testServer) url(path string) string {
	return "http://" + ts.HTTPAddr().String() + path
}

// httpGet returns the status, headers and body of GET path.
func (ts *testServer) httpGet(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := httpClient.Get(ts.url(path))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// scrape gathers the metrics the metrics address serves (internal/app
// serves them; the stack here has no metrics server).
func (ts *testServer) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := ts.core.Registry.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	out := make(map[string]*dto.MetricFamily, len(fams))
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

// metricsText is the metrics as /metrics shows them (the text format).
func (ts *testServer) metricsText(t *testing.T) string {
	t.Helper()
	fams, err := ts.core.Registry.Gather()
	if err != nil {
		t.Fatalf("gathering metrics: %v", err)
	}
	var b strings.Builder
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// metricValue is the value of the family's series with the given label
// pairs (name, value, …): a counter's or gauge's value, a histogram's
// sample count. ok is false when there is no such series.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func mustMetric(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	v, ok := metricValue(fams, name, labels...)
	if !ok {
		t.Fatalf("/metrics has no %s%v", name, labels)
	}
	return v
}

// waitMetric polls /metrics until name's value satisfies cond.
func (ts *testServer) waitMetric(t *testing.T, name string, cond func(float64) bool, labels ...string) float64 {
	t.Helper()
	var v float64
	var ok bool
	if !eventually(waitTimeout, func() bool {
		v, ok = metricValue(ts.scrape(t), name, labels...)
		return ok && cond(v)
	}) {
		t.Fatalf("%s%v = %v (present %v) after %s, not what was expected", name, labels, v, ok, waitTimeout)
	}
	return v
}

// pipedContact sends msg as a piped (no pty) contact command.
func pipedContact(t *testing.T, addr, msg string) (stdout, stderr string, err error) {
	t.Helper()
	c, _ := dial(t, addr, "visitor", noAuth())
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	var out, errOut syncBuffer
	sess.Stdin, sess.Stdout, sess.Stderr = strings.NewReader(msg), &out, &errOut
	res := make(chan error, 1)
	go func() { res <- sess.Run("contact --name Jane --reply-to jane@example.com") }()
	select {
	case err = <-res:
	case <-time.After(waitTimeout):
		t.Fatalf("piped contact still running after %s", waitTimeout)
	}
	return out.String(), errOut.String(), err
}

func storedMessagesIn(t *testing.T, dir string) []inbox.Message {
	t.Helper()
	msgs, rep, err := filestore.ReadAll(dir)
	if err != nil {
		t.Fatalf("reading messages: %v", err)
	}
	if rep.Corrupt > 0 || rep.Torn {
		t.Errorf("message log damaged: %+v", rep)
	}
	return msgs
}

func TestHealthzFollowsShutdown(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })

	if code, hdr, body := ts.httpGet(t, "/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("serving: GET /healthz = %d %q, want 200 ok", code, body)
	} else if hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("/healthz Cache-Control = %q, want no-store", hdr.Get("Cache-Control"))
	}

	// A visitor is sending a message through a pipe that stays open: the
	// session holds the shutdown until the message is in.
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut syncBuffer
	sess.Stdout, sess.Stderr = &out, &errOut
	if err := sess.Start("contact --name Jane --reply-to jane@example.com"); err != nil {
		t.Fatal(err)
	}
	if !eventually(waitTimeout, func() bool { return ts.sessions.Active() == 1 }) {
		t.Fatalf("session never became active (active = %d)", ts.sessions.Active())
	}
	// And a pty session, which shutdown ends with a goodbye.
	c2, _ := dial(t, ts.addr, "visitor", noAuth())
	tm := openTerm(t, c2, 80, 24)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		shut <- ts.Shutdown(ctx)
	}()

	// The platform must see the machine leave rotation while it drains.
	var code int
	if !eventually(waitTimeout, func() bool {
		code, _, _ = ts.httpGet(t, "/healthz")
		return code == http.StatusServiceUnavailable
	}) {
		t.Fatalf("GET /healthz during shutdown = %d, want 503", code)
	}
	tm.waitFor(0, waitTimeout, "restarting")
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a message was still being sent", err)
	default:
	}
	if ts.sessions.Active() != 1 {
		t.Errorf("active sessions while draining = %d, want 1 (the piped message)", ts.sessions.Active())
	}
	if code, _, _ := ts.httpGet(t, "/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz still draining = %d, want 503", code)
	}

	// The message finishes: it is stored and the shutdown completes.
	if _, err := io.WriteString(stdin, "Sent during a deploy."); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	if err := sess.Wait(); err != nil {
		t.Errorf("piped contact during shutdown: %v (stderr %q)", err, errOut.String())
	}
	if !strings.Contains(out.String(), "Message sent") {
		t.Errorf("piped contact stdout = %q, want \"Message sent\"", out.String())
	}
	select {
	case err := <-shut:
		if err != nil {
			t.Errorf("Shutdown = %v", err)
		}
	case <-time.After(waitTimeout + 5*time.Second):
		t.Fatal("Shutdown did not return after the last session ended")
	}
	if msgs := storedMessagesIn(t, dataDir); len(msgs) != 1 || msgs[0].Message != "Sent during a deploy." {
		t.Errorf("stored messages = %+v, want the one sent during shutdown", msgs)
	}
	// Once stopped, the HTTP side is gone too.
	if resp, err := httpClient.Get(ts.url("/healthz")); err == nil {
		resp.Body.Close()
		t.Errorf("GET /healthz after Shutdown = %d, want the connection refused", resp.StatusCode)
	}
	select {
	case err := <-ts.serve:
		if err != nil {
			t.Errorf("Serve after Shutdown = %v", err)
		}
		ts.serve <- nil // for the cleanup
	case <-time.After(waitTimeout):
		t.Error("Serve did not return after Shutdown")
	}
}

func TestHealthzNotReadyBeforeListen(t *testing.T) {
	t.Parallel()
	srv, err := newStack(testConfig(t), testPortfolio(t), log.New(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.HTTPAddr() != nil {
		t.Errorf("HTTPAddr without --http-addr = %v, want nil", srv.HTTPAddr())
	}
	w := &recorder{h: http.Header{}}
	h, err := srv.webHandler()
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(w, mustRequest(t, "/healthz"))
	if w.code != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz before Listen = %d, want 503", w.code)
	}
}

type recorder struct {
	h    http.Header
	code int
}

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = 200
	}
	return len(p), nil
}
func (r *recorder) WriteHeader(c int) { r.code = c }

func mustRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://example.com"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestMetricsCountSessionsAndMessages(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })

	m0 := ts.scrape(t)
	for _, name := range []string{
		"portfolio_sessions_total", "portfolio_sessions_active", "portfolio_first_frame_seconds",
		"portfolio_messages_stored_total", "portfolio_storage_errors_total",
		"go_goroutines", "process_cpu_seconds_total",
	} {
		mustMetric(t, m0, name)
	}
	for _, reason := range []string{"max-conns", "max-conns-per-ip", "session-rate", "extra-session"} {
		if v := mustMetric(t, m0, "portfolio_rejected_connections_total", "reason", reason); v != 0 {
			t.Errorf("rejected{reason=%q} at start = %v, want 0", reason, v)
		}
	}
	if f := m0["portfolio_first_frame_seconds"]; f.GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("portfolio_first_frame_seconds is a %v, want a histogram", f.GetType())
	}
	sessions0 := mustMetric(t, m0, "portfolio_sessions_total")
	frames0 := mustMetric(t, m0, "portfolio_first_frame_seconds")
	stored0 := mustMetric(t, m0, "portfolio_messages_stored_total")
	if v := mustMetric(t, m0, "portfolio_sessions_active"); v != 0 {
		t.Errorf("portfolio_sessions_active at start = %v, want 0", v)
	}

	// A visitor with a terminal.
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	tm := openTerm(t, c, 80, 24)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")
	m1 := ts.scrape(t)
	if v := mustMetric(t, m1, "portfolio_sessions_active"); v != 1 {
		t.Errorf("portfolio_sessions_active during a session = %v, want 1", v)
	}
	if v := mustMetric(t, m1, "portfolio_sessions_total"); v != sessions0+1 {
		t.Errorf("portfolio_sessions_total = %v, want %v", v, sessions0+1)
	}
	if v := mustMetric(t, m1, "portfolio_first_frame_seconds"); v != frames0+1 {
		t.Errorf("portfolio_first_frame_seconds_count = %v, want %v", v, frames0+1)
	}
	if h := m1["portfolio_first_frame_seconds"].GetMetric()[0].GetHistogram(); h.GetSampleSum() <= 0 || h.GetSampleSum() > waitTimeout.Seconds() {
		t.Errorf("portfolio_first_frame_seconds_sum = %v, want the time to the first frame", h.GetSampleSum())
	}
	tm.send("q")
	if err := tm.wait(waitTimeout); err != nil {
		t.Errorf("session: %v", err)
	}
	ts.waitMetric(t, "portfolio_sessions_active", func(v float64) bool { return v == 0 })

	// A piped message: stored and counted; the same text again is a
	// duplicate, not stored, not counted.
	out, errOut, err := pipedContact(t, ts.addr, "hi")
	if err != nil || !strings.Contains(out, "Message sent") {
		t.Fatalf("piped contact = %v, stdout %q, stderr %q", err, out, errOut)
	}
	m2 := ts.scrape(t)
	if v := mustMetric(t, m2, "portfolio_messages_stored_total"); v != stored0+1 {
		t.Errorf("portfolio_messages_stored_total = %v, want %v", v, stored0+1)
	}
	if v := mustMetric(t, m2, "portfolio_sessions_total"); v != sessions0+2 {
		t.Errorf("portfolio_sessions_total after a command session = %v, want %v", v, sessions0+2)
	}
	if v := mustMetric(t, m2, "portfolio_first_frame_seconds"); v != frames0+1 {
		t.Errorf("a command session counted a UI first frame: count = %v, want %v", v, frames0+1)
	}
	out, _, err = pipedContact(t, ts.addr, "hi")
	if err != nil || !strings.Contains(out, "already received") {
		t.Fatalf("duplicate piped contact = %v, stdout %q", err, out)
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_messages_stored_total"); v != stored0+1 {
		t.Errorf("portfolio_messages_stored_total after a duplicate = %v, want %v", v, stored0+1)
	}
	if msgs := storedMessagesIn(t, dataDir); len(msgs) != 1 || msgs[0].Name != "Jane" || msgs[0].ReplyTo != "jane@example.com" {
		t.Errorf("stored messages = %+v, want Jane's one message", msgs)
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_storage_errors_total"); v != 0 {
		t.Errorf("portfolio_storage_errors_total = %v, want 0", v)
	}
}

func TestMetricsCountSessionRateRejections(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 1 }) // burst 1

	run := func() (string, error) {
		c, _ := dial(t, ts.addr, "visitor", noAuth())
		defer c.Close()
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		var errOut syncBuffer
		sess.Stderr = &errOut
		err = sess.Run("version")
		return errOut.String(), err
	}
	if _, err := run(); err != nil {
		t.Fatalf("first session: %v", err)
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_rejected_connections_total", "reason", "session-rate"); v != 0 {
		t.Fatalf("rejected{session-rate} after one session = %v, want 0", v)
	}
	stderr, err := run()
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 || !strings.Contains(stderr, "Too many connections") {
		t.Fatalf("second session = %v, stderr %q; want refused with status 1", err, stderr)
	}
	if _, err := run(); err == nil {
		t.Fatal("third session was not refused")
	}
	fams := ts.scrape(t)
	if v := mustMetric(t, fams, "portfolio_rejected_connections_total", "reason", "session-rate"); v != 2 {
		t.Errorf("rejected{session-rate} = %v, want 2", v)
	}
	for _, reason := range []string{"max-conns", "max-conns-per-ip", "extra-session"} {
		if v := mustMetric(t, fams, "portfolio_rejected_connections_total", "reason", reason); v != 0 {
			t.Errorf("rejected{reason=%q} = %v, want 0", reason, v)
		}
	}
}

// TestWebPage checks the web page as served: the portfolio from the
// content, the ssh command and the host key's details (web/ tests the
// page in depth; the form's path through the server is TestWebContactStored).
func TestWebPage(t *testing.T) {
	t.Parallel()
	const public = "portfolio.example.com"
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.PublicAddr = public })

	code, hdr, body := ts.httpGet(t, "/")
	if code != http.StatusOK {
		t.Fatalf("GET / = %d", code)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'self' and nothing inline", csp)
	}
	if strings.Contains(strings.ToLower(body), "<script>") {
		t.Errorf("page holds an inline <script>:\n%s", body)
	}
	pub := ts.HostKey().Signer.PublicKey()
	sum := sha256.Sum256(pub.Marshal())
	plain := html.UnescapeString(body)
	for _, want := range []string{
		"Pragya Mugale",
		"ssh " + public,
		gossh.FingerprintSHA256(pub),
		public + " " + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pub))),
		public + ". IN SSHFP 4 2 " + hex.EncodeToString(sum[:]),
		`href="/projects/notelytix"`, // the case study is a card here, in full on its own page
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("page lacks %q:\n%s", want, tail(body, 3000))
		}
	}
	if code, _, body := ts.httpGet(t, "/projects/notelytix"); code != http.StatusOK || !strings.Contains(body, "<h2>System Architecture</h2>") {
		t.Errorf("GET /projects/notelytix = %d:\n%s", code, tail(body, 2000))
	}

	if code, _, _ := ts.httpGet(t, "/nope"); code != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", code)
	}
	resp, err := httpClient.Post(ts.url("/"), "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", resp.StatusCode)
	}
}

// TestWebPageKnownHostsLine checks the page's known_hosts line against the
// one OpenSSH (and x/crypto's knownhosts) writes for the public address.
func TestWebPageKnownHostsLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		public string
		addr   string // the known_hosts address field
	}{
		{"portfolio.example.com", "portfolio.example.com"},
		{"portfolio.example.com:22", "portfolio.example.com"},
		{"example.com:2222", "[example.com]:2222"},
		{"203.0.113.7:2222", "[203.0.113.7]:2222"},
		{"[2001:db8::1]:2222", "[2001:db8::1]:2222"},
		{"[2001:db8::1]:22", "2001:db8::1"},
	} {
		t.Run(tc.public, func(t *testing.T) {
			t.Parallel()
			ts := startServerWith(t, func(c *Config) { withHTTP(c); c.PublicAddr = tc.public })
			_, _, body := ts.httpGet(t, "/")
			pub := ts.HostKey().Signer.PublicKey()
			if got := knownhosts.Normalize(tc.public); got != tc.addr {
				t.Fatalf("test table: knownhosts.Normalize(%q) = %q, want %q", tc.public, got, tc.addr)
			}
			want := knownhosts.Line([]string{tc.addr}, pub)
			if !strings.Contains(html.UnescapeString(body), want) {
				_, kh, _ := strings.Cut(html.UnescapeString(body), "<code>known_hosts</code> file:</p>\n<pre>")
				kh, _, _ = strings.Cut(kh, "\n")
				t.Errorf("known_hosts line on the page = %q, want %q", kh, want)
			}
		})
	}
}

// ed25519PEM is a fresh ed25519 key as the PEM a Fly secret holds.
func ed25519PEM(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(block))
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestHostKeyFromPEM(t *testing.T) {
	t.Parallel()
	keyPEM := ed25519PEM(t)
	want, err := hostkeys.FromPEM([]byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	// Two machines of one deployment: different (empty, or missing) key
	// directories, the same secret.
	dirs := []string{t.TempDir(), filepath.Join(t.TempDir(), "missing")}
	for i, dir := range dirs {
		ts := startServerWith(t, func(c *Config) { c.HostKeyDir = dir; c.HostKeyPEM = keyPEM })
		c, hk := dial(t, ts.addr, "visitor", noAuth())
		c.Close()
		if hk == nil {
			t.Fatalf("server %d presented no host key", i)
		}
		if got := gossh.FingerprintSHA256(hk); got != want.Fingerprint {
			t.Errorf("server %d presented %s, want PORTFOLIO_HOST_KEY's %s", i, got, want.Fingerprint)
		}
		if ts.HostKey().Fingerprint != want.Fingerprint || ts.HostKey().Created {
			t.Errorf("server %d HostKey() = %+v", i, ts.HostKey())
		}
		if names := dirEntries(t, dir); len(names) != 0 {
			t.Errorf("server %d wrote %v into its host key dir despite PORTFOLIO_HOST_KEY", i, names)
		}
	}
	if _, err := os.Stat(dirs[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing host key dir was created: %v", err)
	}

	// The secret alone is enough: no key directory at all.
	ts := startServerWith(t, func(c *Config) { c.HostKeyDir = ""; c.HostKeyPEM = keyPEM })
	c, hk := dial(t, ts.addr, "visitor", noAuth())
	c.Close()
	if gossh.FingerprintSHA256(hk) != want.Fingerprint {
		t.Errorf("without a key dir: presented %s, want %s", gossh.FingerprintSHA256(hk), want.Fingerprint)
	}
}

func TestHostKeyFromPEMRejected(t *testing.T) {
	t.Parallel()
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(ecKey, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"garbage":   "not a key at all",
		"ecdsa":     string(pem.EncodeToMemory(block)),
		"truncated": ed25519PEM(t)[:100],
	} {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.HostKeyDir = filepath.Join(t.TempDir(), "keys")
			cfg.HostKeyPEM = bad
			srv, err := newStack(cfg, testPortfolio(t), log.New(io.Discard))
			if err == nil {
				srv.Close()
				t.Fatal("New with a bad PORTFOLIO_HOST_KEY = nil error")
			}
			if !strings.Contains(err.Error(), "PORTFOLIO_HOST_KEY") {
				t.Errorf("error %q does not name PORTFOLIO_HOST_KEY", err)
			}
			if strings.Contains(err.Error(), bad[:min(len(bad), 40)]) && name != "garbage" {
				t.Errorf("error quotes the secret: %q", err)
			}
			// A bad secret never falls back to generating a key.
			if _, err := os.Stat(cfg.HostKeyDir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("host key dir created despite the bad secret: %v", err)
			}
		})
	}
}
