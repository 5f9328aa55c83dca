package main

// Tests of the deployment files (Dockerfile, fly.toml) against the binary
// they run. There is no Docker engine here: the image's assumptions are
// checked without building it, and the binary is built the way the
// Dockerfile builds it.

import (
	"bufio"
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/caarlos0/env/v11"
	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// repoRoot is the module's root, two levels up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

// --- Dockerfile --------------------------------------------------------------

// instruction is one Dockerfile instruction, continuation lines joined and
// comments dropped.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ENV…
	args string
	line int
}

func parseDockerfile(t *testing.T) []instruction {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(string(data), "\n") {
		l := strings.TrimSpace(raw)
		if strings.HasPrefix(l, "#") || (l == "" && cur.Len() == 0) {
			continue // comments (also inside continuations) and blank lines
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(l, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(l)
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	if cur.Len() > 0 {
		t.Fatalf("Dockerfile ends inside a continuation: %q", cur.String())
	}
	return out
}

// shellWords splits a command line into words, honouring double and single
// quotes (enough for a Dockerfile's RUN line).
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// dockerfile is what the tests need from the Dockerfile.
type dockerfile struct {
	stages     []instruction // FROM lines
	build      []string      // words of the RUN … go build … line
	buildStage int
	env        map[string]string // ENV of the final stage
	volumes    []string
	expose     []string
	entrypoint []string
	final      []instruction // instructions of the final stage
	args       map[string]string
}

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	d := dockerfile{env: map[string]string{}, args: map[string]string{}}
	for _, in := range parseDockerfile(t) {
		switch in.cmd {
		case "FROM":
			d.stages = append(d.stages, in)
			d.final = nil
			d.env = map[string]string{} // ENV does not carry across stages
			continue
		case "RUN":
			if strings.Contains(in.args, "go build") {
				words, err := shellWords(in.args)
				if err != nil {
					t.Fatalf("Dockerfile:%d: %v", in.line, err)
				}
				d.build, d.buildStage = words, len(d.stages)-1
			}
		case "ARG":
			k, v, _ := strings.Cut(in.args, "=")
			d.args[k] = v
		case "ENV":
			words, err := shellWords(in.args)
			if err != nil {
				t.Fatalf("Dockerfile:%d: %v", in.line, err)
			}
			if len(words) > 0 && !strings.Contains(words[0], "=") {
				d.env[words[0]] = strings.Join(words[1:], " ") // ENV key value
				break
			}
			for _, w := range words {
				k, v, ok := strings.Cut(w, "=")
				if !ok {
					t.Fatalf("Dockerfile:%d: ENV word %q is not key=value", in.line, w)
				}
				d.env[k] = v
			}
		case "VOLUME":
			d.volumes = append(d.volumes, jsonOrWords(t, in)...)
		case "EXPOSE":
			d.expose = append(d.expose, strings.Fields(in.args)...)
		case "ENTRYPOINT":
			if !strings.HasPrefix(in.args, "[") {
				t.Errorf("Dockerfile:%d: ENTRYPOINT %s is in shell form; the distroless image has no shell", in.line, in.args)
			}
			d.entrypoint = jsonOrWords(t, in)
		}
		d.final = append(d.final, in)
	}
	if len(d.stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a run stage", len(d.stages))
	}
	return d
}

func jsonOrWords(t *testing.T, in instruction) []string {
	t.Helper()
	if strings.HasPrefix(in.args, "[") {
		var v []string
		if err := json.Unmarshal([]byte(in.args), &v); err != nil {
			t.Fatalf("Dockerfile:%d: %s %s: %v", in.line, in.cmd, in.args, err)
		}
		return v
	}
	return strings.Fields(in.args)
}

// fromImage is a FROM line's image and stage name.
func fromImage(in instruction) (image, name string) {
	f := strings.Fields(in.args)
	for len(f) > 0 && strings.HasPrefix(f[0], "--") { // --platform=…
		f = f[1:]
	}
	if len(f) == 0 {
		return "", ""
	}
	if len(f) == 3 && strings.EqualFold(f[1], "AS") {
		return f[0], f[2]
	}
	return f[0], ""
}

// versionAtLeast compares dotted versions: 1.26.10 ≥ 1.26.8.
func versionAtLeast(v, min string) bool {
	a, b := strings.Split(v, "."), strings.Split(min, ".")
	for i := range max(len(a), len(b)) {
		x, y := 0, 0
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		if i < len(b) {
			y, _ = strconv.Atoi(b[i])
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// goModVersion is go.mod's go directive.
func goModVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "go "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatal("go.mod has no go directive")
	return ""
}

// goBuildLine is the Dockerfile's build command taken apart.
type goBuildLine struct {
	env     map[string]string // assignments before "go"
	flags   []string          // between "build" and the package, without -o
	out     string            // the -o path
	pkg     string
	ldflags string
}

func parseGoBuild(t *testing.T, words []string) goBuildLine {
	t.Helper()
	g := goBuildLine{env: map[string]string{}}
	i := 0
	for ; i < len(words) && strings.Contains(words[i], "=") && words[i] != "go"; i++ {
		k, v, _ := strings.Cut(words[i], "=")
		g.env[k] = v
	}
	if i+1 >= len(words) || words[i] != "go" || words[i+1] != "build" {
		t.Fatalf("Dockerfile build line is not [ENV=…] go build …: %q", words)
	}
	rest := words[i+2:]
	for j := 0; j < len(rest); j++ {
		w := rest[j]
		switch {
		case w == "-o" && j+1 < len(rest):
			g.out = rest[j+1]
			j++
		case w == "-ldflags" && j+1 < len(rest):
			g.ldflags = rest[j+1]
			g.flags = append(g.flags, w, rest[j+1])
			j++
		case strings.HasPrefix(w, "-"):
			g.flags = append(g.flags, w)
		case w == "&&" || w == ";":
			j = len(rest)
		default:
			g.pkg = w
		}
	}
	return g
}

func TestDockerfile(t *testing.T) {
	d := readDockerfile(t)

	// The builder: Go at least what go.mod asks for, and at least 1.27.3,
	// the first release without the standard library's known
	// vulnerabilities that a public HTTP and SSH server reaches
	// (scripts/vulncheck checks the built binary).
	builder, builderName := fromImage(d.stages[d.buildStage])
	tag, ok := strings.CutPrefix(builder, "golang:")
	if !ok {
		t.Fatalf("build stage image %q, want golang:<version>", builder)
	}
	goVer, _, _ := strings.Cut(tag, "-")
	for _, min := range []string{"1.27.3", goModVersion(t)} {
		if !versionAtLeast(goVer, min) {
			t.Errorf("builder golang:%s is older than %s", goVer, min)
		}
	}

	// The build line: static, no build paths, version stamped.
	if d.build == nil {
		t.Fatal("Dockerfile has no RUN … go build line")
	}
	g := parseGoBuild(t, d.build)
	if g.env["CGO_ENABLED"] != "0" {
		t.Errorf("build line env %v, want CGO_ENABLED=0 (a static binary for distroless/static)", g.env)
	}
	if !slices.Contains(g.flags, "-trimpath") {
		t.Errorf("build flags %q lack -trimpath", g.flags)
	}
	if !strings.Contains(g.ldflags, "-X main.version=") {
		t.Errorf("-ldflags %q does not stamp main.version", g.ldflags)
	}
	if g.pkg != "./cmd/portfolio" {
		t.Errorf("build package %q, want ./cmd/portfolio", g.pkg)
	}
	if _, ok := d.args["VERSION"]; strings.Contains(g.ldflags, "${VERSION}") && !ok {
		t.Errorf("-ldflags uses ${VERSION} but the build stage declares no ARG VERSION")
	}

	// scripts/vulncheck checks the binary the Dockerfile builds: the same
	// environment and flags (its version stamp and output path aside).
	script, err := os.ReadFile(filepath.Join(repoRoot(t), "scripts", "vulncheck"))
	if err != nil {
		t.Fatal(err)
	}
	var checked *goBuildLine
	for _, l := range strings.Split(string(script), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") || !strings.Contains(l, "go build") {
			continue
		}
		words, err := shellWords(l)
		if err != nil {
			t.Fatalf("scripts/vulncheck build line %q: %v", l, err)
		}
		v := parseGoBuild(t, words)
		checked = &v
	}
	if checked == nil {
		t.Fatal("scripts/vulncheck has no go build line")
	}
	stamp := regexp.MustCompile(`main\.version=\S+`)
	norm := func(flags []string) string {
		return stamp.ReplaceAllString(strings.Join(flags, " "), "main.version=V")
	}
	if !maps.Equal(checked.env, g.env) || norm(checked.flags) != norm(g.flags) || checked.pkg != g.pkg {
		t.Errorf("scripts/vulncheck builds %v go build %s %s; the Dockerfile %v go build %s %s",
			checked.env, norm(checked.flags), checked.pkg, g.env, norm(g.flags), g.pkg)
	}

	// The run stage: distroless static, the binary at the ENTRYPOINT's
	// path, which is on distroless's PATH so `fly ssh console -C
	// "portfolio inbox"` finds it.
	final, _ := fromImage(d.stages[len(d.stages)-1])
	if !strings.HasPrefix(final, "gcr.io/distroless/static") {
		t.Errorf("final stage image %q, want gcr.io/distroless/static…", final)
	}
	const bin = "/usr/local/bin/portfolio"
	if len(d.entrypoint) == 0 || d.entrypoint[0] != bin {
		t.Errorf("ENTRYPOINT %q, want [%q]", d.entrypoint, bin)
	}
	copied := false
	for _, in := range d.final {
		switch in.cmd {
		case "COPY":
			f := strings.Fields(in.args)
			if len(f) == 3 && f[0] == "--from="+builderName && f[1] == g.out && f[2] == bin {
				copied = true
			}
		case "RUN":
			t.Errorf("Dockerfile:%d: RUN in the distroless stage, which has no shell", in.line)
		case "ENV":
			if strings.Contains(in.args, "PATH=") {
				t.Errorf("Dockerfile:%d: the final stage sets PATH; /usr/local/bin must stay on it", in.line)
			}
		}
	}
	if !copied {
		t.Errorf("the final stage does not COPY --from=%s %s %s", builderName, g.out, bin)
	}

	// Writable state lives on the volume.
	if !slices.Contains(d.volumes, "/data") {
		t.Errorf("VOLUME %q, want /data", d.volumes)
	}
	for _, k := range []string{"PORTFOLIO_DATA_DIR", "PORTFOLIO_HOST_KEY_DIR"} {
		if !under(d.env[k], "/data") {
			t.Errorf("Dockerfile ENV %s=%q is not on the /data volume", k, d.env[k])
		}
	}
	if _, ok := d.env["PORTFOLIO_HOST_KEY"]; ok {
		t.Error("the Dockerfile sets PORTFOLIO_HOST_KEY: a secret must not be in the image")
	}
	// Every port the binary listens on is exposed.
	for _, k := range []string{"PORTFOLIO_ADDR", "PORTFOLIO_HTTP_ADDR"} {
		p := portOf(t, d.env[k])
		if !slices.Contains(d.expose, strconv.Itoa(p)) && !slices.Contains(d.expose, strconv.Itoa(p)+"/tcp") {
			t.Errorf("%s=%q: port %d is not in EXPOSE %q", k, d.env[k], p, d.expose)
		}
	}
	checkEnvIsReal(t, "Dockerfile ENV", d.env)
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	p = path.Clean(p)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("address %q: port: %v", addr, err)
	}
	return n
}

// envFlags maps each PORTFOLIO_* variable named in a flag's usage ("(env
// X)") to the flag.
func envFlags(cmd *cobra.Command) map[string]*pflag.Flag {
	m := map[string]*pflag.Flag{}
	visit := func(f *pflag.Flag) {
		_, after, ok := strings.Cut(f.Usage, "(env ")
		if name, _, ok2 := strings.Cut(after, ")"); ok && ok2 {
			m[name] = f
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.PersistentFlags().VisitAll(visit)
	return m
}

// checkEnvIsReal checks that every variable is one the binary reads and
// that its value is valid: for its flag, in config.Config, and together.
func checkEnvIsReal(t *testing.T, where string, vars map[string]string) {
	t.Helper()
	clearEnv(t)
	t.Setenv("PORTFOLIO_HOST_KEY", "")
	os.Unsetenv("PORTFOLIO_HOST_KEY")
	t.Setenv("PORTFOLIO_RUN_AS", "")
	os.Unsetenv("PORTFOLIO_RUN_AS")

	root := newRootCmd()
	var help bytes.Buffer
	root.SetOut(&help)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	flags := envFlags(newRootCmd())
	for k, v := range vars {
		if !strings.HasPrefix(k, "PORTFOLIO_") {
			continue
		}
		switch k {
		case "PORTFOLIO_HOST_KEY":
			t.Errorf("%s sets %s: a secret, set it with fly secrets set", where, k)
			continue
		case "PORTFOLIO_RUN_AS":
			u, g, ok := strings.Cut(v, ":")
			uid, err1 := strconv.Atoi(u)
			_, err2 := strconv.Atoi(g)
			if !ok || err1 != nil || err2 != nil || uid == 0 {
				t.Errorf("%s %s=%q: want uid:gid of an unprivileged user", where, k, v)
			}
			continue
		}
		if !strings.Contains(help.String(), "(env "+k+")") {
			t.Errorf("%s sets %s, which `portfolio --help` doesn't list: a typo?", where, k)
			continue
		}
		f := flags[k]
		if f == nil {
			t.Errorf("%s sets %s, which no flag names", where, k)
			continue
		}
		cmd := newRootCmd()
		if err := cmd.ParseFlags([]string{"--" + f.Name + "=" + v}); err != nil {
			t.Errorf("%s %s=%q is not a valid --%s: %v", where, k, v, f.Name, err)
		}
	}
	// All together, as the binary reads them at start.
	for k, v := range vars {
		t.Setenv(k, v)
	}
	cfg := config.Default()
	if err := env.Parse(&cfg); err != nil {
		t.Errorf("%s: the binary can't read its environment: %v", where, err)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("%s: invalid configuration: %v", where, err)
	}
	// And the command sees them as its flags' values.
	cmd := newRootCmd()
	if err := cmd.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	for k, v := range vars {
		if f := flags[k]; f != nil {
			got := cmd.Flags().Lookup(f.Name)
			if got == nil {
				got = cmd.PersistentFlags().Lookup(f.Name)
			}
			if got.Value.String() != v {
				t.Errorf("%s %s=%q: --%s reads %q", where, k, v, f.Name, got.Value.String())
			}
		}
	}
}

// --- fly.toml ---------------------------------------------------------------

type flyService struct {
	InternalPort     int    `toml:"internal_port"`
	Protocol         string `toml:"protocol"`
	AutoStopMachines any    `toml:"auto_stop_machines"`
	Ports            []struct {
		Port     int      `toml:"port"`
		Handlers []string `toml:"handlers"`
	} `toml:"ports"`
	TCPChecks  []map[string]any `toml:"tcp_checks"`
	HTTPChecks []struct {
		Path   string `toml:"path"`
		Method string `toml:"method"`
	} `toml:"http_checks"`
}

type flyConfig struct {
	App         string            `toml:"app"`
	KillSignal  string            `toml:"kill_signal"`
	KillTimeout any               `toml:"kill_timeout"`
	Env         map[string]string `toml:"env"`
	Mounts      any               `toml:"mounts"`
	Services    []flyService      `toml:"services"`
	Metrics     any               `toml:"metrics"`
	Build       struct {
		Dockerfile string `toml:"dockerfile"`
	} `toml:"build"`
}

func readFlyToml(t *testing.T) flyConfig {
	t.Helper()
	var c flyConfig
	if _, err := toml.DecodeFile(filepath.Join(repoRoot(t), "fly.toml"), &c); err != nil {
		t.Fatalf("fly.toml: %v", err)
	}
	return c
}

// tables normalises a section that may be one table or an array of them.
func tables(t *testing.T, name string, v any) []map[string]any {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return []map[string]any{v}
	case []map[string]any:
		return v
	case []any:
		var out []map[string]any
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				t.Fatalf("fly.toml [%s]: entry %T, want a table", name, e)
			}
			out = append(out, m)
		}
		return out
	}
	t.Fatalf("fly.toml [%s] is a %T", name, v)
	return nil
}

func asInt(v any) (int, bool) {
	switch v := v.(type) {
	case int64:
		return int(v), true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

// flyDuration reads a fly.toml duration: a Go duration string or seconds.
func flyDuration(t *testing.T, name string, v any) time.Duration {
	t.Helper()
	switch v := v.(type) {
	case int64:
		return time.Duration(v) * time.Second
	case string:
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("fly.toml %s %q: %v", name, v, err)
		}
		return d
	}
	t.Fatalf("fly.toml %s is a %T", name, v)
	return 0
}

func TestFlyToml(t *testing.T) {
	fly := readFlyToml(t)
	d := readDockerfile(t)

	if fly.App == "" {
		t.Error("fly.toml has no app name")
	}
	if fly.Build.Dockerfile != "Dockerfile" {
		t.Errorf("[build] dockerfile = %q, want Dockerfile", fly.Build.Dockerfile)
	}
	checkEnvIsReal(t, "fly.toml [env]", fly.Env)

	// Both the image and fly.toml set the listen addresses: they agree.
	for _, k := range []string{"PORTFOLIO_ADDR", "PORTFOLIO_HTTP_ADDR", "PORTFOLIO_DATA_DIR", "PORTFOLIO_HOST_KEY_DIR"} {
		if fv, dv := fly.Env[k], d.env[k]; fv != "" && dv != "" && fv != dv {
			t.Errorf("%s: fly.toml %q, Dockerfile %q", k, fv, dv)
		}
	}
	sshAddr, httpAddr := fly.Env["PORTFOLIO_ADDR"], fly.Env["PORTFOLIO_HTTP_ADDR"]
	if sshAddr == "" {
		sshAddr = d.env["PORTFOLIO_ADDR"]
	}
	if httpAddr == "" {
		httpAddr = d.env["PORTFOLIO_HTTP_ADDR"]
	}
	sshPort, httpPort := portOf(t, sshAddr), portOf(t, httpAddr)
	if h, _, _ := net.SplitHostPort(sshAddr); h != "" && h != "0.0.0.0" && h != "::" {
		t.Errorf("PORTFOLIO_ADDR %q listens on %s only; Fly's proxy connects from outside", sshAddr, h)
	}

	// The SSH service: public port 22 through the PROXY protocol to the
	// server's port, which expects the header.
	var sshSvc, httpSvc *flyService
	for i := range fly.Services {
		switch fly.Services[i].InternalPort {
		case sshPort:
			sshSvc = &fly.Services[i]
		case httpPort:
			httpSvc = &fly.Services[i]
		}
	}
	if sshSvc == nil {
		t.Fatalf("no [[services]] with internal_port %d (PORTFOLIO_ADDR %q)", sshPort, sshAddr)
	}
	if !slices.Contains(d.expose, strconv.Itoa(sshSvc.InternalPort)) {
		t.Errorf("SSH internal_port %d is not in the Dockerfile's EXPOSE %q", sshSvc.InternalPort, d.expose)
	}
	if sshSvc.Protocol != "tcp" {
		t.Errorf("SSH service protocol %q, want tcp", sshSvc.Protocol)
	}
	var port22 bool
	for _, p := range sshSvc.Ports {
		if p.Port == 22 {
			port22 = true
			if !slices.Contains(p.Handlers, "proxy_proto") {
				t.Errorf("port 22 handlers %q lack proxy_proto", p.Handlers)
			}
			if slices.Contains(p.Handlers, "tls") || slices.Contains(p.Handlers, "http") {
				t.Errorf("port 22 handlers %q would break SSH", p.Handlers)
			}
		}
	}
	if !port22 {
		t.Error("the SSH service has no public port 22")
	}
	if pp, err := strconv.ParseBool(fly.Env["PORTFOLIO_PROXY_PROTOCOL"]); err != nil || !pp {
		t.Errorf("PORTFOLIO_PROXY_PROTOCOL = %q, want true: Fly's proxy_proto handler sends the header", fly.Env["PORTFOLIO_PROXY_PROTOCOL"])
	}
	if len(sshSvc.TCPChecks) == 0 {
		t.Error("the SSH service has no tcp_checks")
	}
	for i := range fly.Services {
		s := &fly.Services[i]
		switch v := s.AutoStopMachines.(type) {
		case string:
			if v != "off" {
				t.Errorf("service %d: auto_stop_machines = %q, want \"off\" (a stop cuts live SSH sessions)", s.InternalPort, v)
			}
		case bool:
			if v {
				t.Errorf("service %d: auto_stop_machines = true, want off", s.InternalPort)
			}
		default:
			t.Errorf("service %d: auto_stop_machines unset (%T): Fly's default stops machines", s.InternalPort, v)
		}
	}

	// The HTTP side: health check on /healthz, metrics on /metrics.
	if httpSvc == nil {
		t.Fatalf("no [[services]] with internal_port %d (PORTFOLIO_HTTP_ADDR %q)", httpPort, httpAddr)
	}
	healthz := false
	for _, c := range httpSvc.HTTPChecks {
		if c.Path == "/healthz" && (c.Method == "" || strings.EqualFold(c.Method, "get")) {
			healthz = true
		}
	}
	if !healthz {
		t.Errorf("no http_checks GET /healthz on the HTTP service: %+v", httpSvc.HTTPChecks)
	}
	// Metrics (issue 22 §10): on PORTFOLIO_METRICS_ADDR's port, which no
	// service makes public, never on the web port.
	metricsAddr := fly.Env["PORTFOLIO_METRICS_ADDR"]
	if metricsAddr == "" {
		metricsAddr = d.env["PORTFOLIO_METRICS_ADDR"]
	}
	if metricsAddr == "" {
		t.Fatal("fly.toml sets no PORTFOLIO_METRICS_ADDR: the default, loopback, is out of reach of Fly's scraper")
	}
	metricsPort := portOf(t, metricsAddr)
	if h, _, _ := net.SplitHostPort(metricsAddr); h != "" && h != "0.0.0.0" && h != "::" {
		t.Errorf("PORTFOLIO_METRICS_ADDR %q listens on %s only; Fly's scraper connects over the private network", metricsAddr, h)
	}
	for _, s := range fly.Services {
		if s.InternalPort == metricsPort {
			t.Errorf("the metrics port %d is a [[services]] internal_port: /metrics would be public", metricsPort)
		}
	}
	metrics := tables(t, "metrics", fly.Metrics)
	if len(metrics) == 0 {
		t.Error("fly.toml has no [metrics]")
	}
	for _, m := range metrics {
		if p, ok := asInt(m["port"]); !ok || p != metricsPort {
			t.Errorf("[metrics] port = %v, want %d (PORTFOLIO_METRICS_ADDR)", m["port"], metricsPort)
		}
		if m["path"] != "/metrics" {
			t.Errorf("[metrics] path = %v, want /metrics", m["path"])
		}
	}

	// The volume: where the image keeps its state.
	mounts := tables(t, "mounts", fly.Mounts)
	if len(mounts) != 1 {
		t.Fatalf("fly.toml has %d [mounts], want 1", len(mounts))
	}
	dest, _ := mounts[0]["destination"].(string)
	if dest != "/data" || !slices.Contains(d.volumes, dest) {
		t.Errorf("[mounts] destination %q, want /data, the Dockerfile's VOLUME %q", dest, d.volumes)
	}
	if src, _ := mounts[0]["source"].(string); src == "" {
		t.Error("[mounts] has no source volume")
	}
	for _, k := range []string{"PORTFOLIO_DATA_DIR", "PORTFOLIO_HOST_KEY_DIR"} {
		v := fly.Env[k]
		if v == "" {
			v = d.env[k]
		}
		if !under(v, dest) {
			t.Errorf("%s = %q is not on the volume at %s: it would be lost on every deploy", k, v, dest)
		}
	}

	// Graceful shutdown fits in Fly's kill timeout.
	if fly.KillSignal != "SIGTERM" && fly.KillSignal != "SIGINT" {
		t.Errorf("kill_signal = %q, want SIGTERM (the binary shuts down gracefully on it)", fly.KillSignal)
	}
	kill := flyDuration(t, "kill_timeout", fly.KillTimeout)
	shutdown := config.Default().ShutdownTimeout
	if v := fly.Env["PORTFOLIO_SHUTDOWN_TIMEOUT"]; v != "" {
		var err error
		if shutdown, err = time.ParseDuration(v); err != nil {
			t.Fatalf("PORTFOLIO_SHUTDOWN_TIMEOUT %q: %v", v, err)
		}
	}
	if kill <= shutdown {
		t.Errorf("kill_timeout %s is not longer than PORTFOLIO_SHUTDOWN_TIMEOUT %s", kill, shutdown)
	}
	// Keepalives under Fly's 60 s idle cut-off.
	ka := config.Default().Keepalive
	if v := fly.Env["PORTFOLIO_KEEPALIVE"]; v != "" {
		ka, _ = time.ParseDuration(v)
	}
	if ka <= 0 || ka >= time.Minute {
		t.Errorf("keepalive %s: want on and under Fly's 60 s idle cut-off", ka)
	}
}

// TestFlyTomlQuotesPublicPort: visitors reach the app on port 22 at its
// public name, so that is the address the help texts and the web page must
// quote: PORTFOLIO_PUBLIC_ADDR when fly.toml sets it, otherwise
// <app>.fly.dev from the FLY_APP_NAME Fly sets on every machine, never the
// listen address (":2222", which would read "ssh -p 2222 localhost").
func TestFlyTomlQuotesPublicPort(t *testing.T) {
	fly := readFlyToml(t)
	cfg := config.Default()
	cfg.Addr = fly.Env["PORTFOLIO_ADDR"]
	cfg.PublicAddr = fly.Env["PORTFOLIO_PUBLIC_ADDR"]
	platformDefaults(&cfg, func(k string) string {
		if k == "FLY_APP_NAME" {
			return "demo-portfolio"
		}
		return ""
	})
	host, port, err := net.SplitHostPort(cfg.PublicAddr)
	if err != nil {
		host, port = cfg.PublicAddr, "22"
	}
	if port != "22" || host == "" || host == "localhost" {
		t.Errorf("on Fly, visitors would be told to connect to %q; they connect to <app>.fly.dev (or the custom domain) on port 22", cfg.PublicAddr)
	}
	if fly.Env["PORTFOLIO_PUBLIC_ADDR"] == "" && host != "demo-portfolio.fly.dev" {
		t.Errorf("without PORTFOLIO_PUBLIC_ADDR the address is %q, want demo-portfolio.fly.dev", host)
	}
	// Outside Fly nothing changes.
	local := config.Default()
	platformDefaults(&local, func(string) string { return "" })
	if local.PublicAddr != "" {
		t.Errorf("outside Fly, PublicAddr became %q", local.PublicAddr)
	}
}

// --- the binary, built as the Dockerfile builds it ---------------------------

// buildLikeDockerfile builds ./cmd/portfolio with the Dockerfile's env and
// flags (VERSION=version) into dir.
func buildLikeDockerfile(t *testing.T, dir, version string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	d := readDockerfile(t)
	g := parseGoBuild(t, d.build)
	out := filepath.Join(dir, "portfolio")
	args := []string{"build"}
	for _, f := range g.flags {
		args = append(args, strings.ReplaceAll(strings.ReplaceAll(f, "${VERSION}", version), "$VERSION", version))
	}
	args = append(args, "-o", out, g.pkg)
	cmd := exec.Command(goBin, args...)
	cmd.Dir = repoRoot(t)
	cmd.Env = os.Environ()
	for k, v := range g.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	t.Logf("go %s (env %v)", strings.Join(args, " "), g.env)
	done := make(chan struct{})
	var outb []byte
	start := time.Now()
	go func() { outb, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("go build took over 5 minutes")
	}
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, outb)
	}
	if fi, err := os.Stat(out); err == nil {
		t.Logf("built in %s: %.1f MiB", time.Since(start).Round(10*time.Millisecond), float64(fi.Size())/(1<<20))
	}
	return out
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is the binary running as a server.
type proc struct {
	cmd      *exec.Cmd
	stderr   *lockedBuffer
	done     chan struct{}
	err      error
	sshAddr  string
	httpAddr string
}

type runOpts struct {
	dir  string   // working directory
	env  []string // PORTFOLIO_* settings (addresses are added)
	cred *syscall.Credential
}

const shutdownTimeout = 5 * time.Second

func startProc(t *testing.T, bin string, o runOpts) *proc {
	t.Helper()
	p := &proc{stderr: &lockedBuffer{}, done: make(chan struct{}), sshAddr: freeAddr(t), httpAddr: freeAddr(t)}
	p.cmd = exec.Command(bin)
	p.cmd.Dir = o.dir
	p.cmd.Env = append([]string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"PORTFOLIO_ADDR=" + p.sshAddr,
		"PORTFOLIO_HTTP_ADDR=" + p.httpAddr,
		"PORTFOLIO_SHUTDOWN_TIMEOUT=" + shutdownTimeout.String(),
		"PORTFOLIO_LOG_LEVEL=debug",
	}, o.env...)
	p.cmd.Stdout = p.stderr
	p.cmd.Stderr = p.stderr
	if o.cred != nil {
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.cred}
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("server output:\n%s", p.stderr.String())
		}
	})
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady waits for /healthz to answer 200 and for an SSH handshake;
// it returns the host key presented.
func (p *proc) waitReady(t *testing.T) gossh.PublicKey {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	var err error
	healthy := testkit.Eventually(15*time.Second, testkit.Poll, func() bool {
		if p.exited() {
			t.Fatalf("server exited before serving: %v\n%s", p.err, p.stderr.String())
		}
		var resp *http.Response
		if resp, err = client.Get("http://" + p.httpAddr + "/healthz"); err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if !healthy {
		t.Fatalf("server not healthy within 15s: %v\n%s", err, p.stderr.String())
	}
	c, hk := sshDial(t, p.sshAddr)
	c.Close()
	return hk
}

func sshDial(t *testing.T, addr string) (*gossh.Client, gossh.PublicKey) {
	t.Helper()
	var hk gossh.PublicKey
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "visitor",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { hk = k; return nil },
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, hk
}

// ptySession is a visitor's terminal.
type ptySession struct {
	sess *gossh.Session
	out  *lockedBuffer
	done chan error
}

func openPty(t *testing.T, c *gossh.Client) *ptySession {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p := &ptySession{sess: sess, out: &lockedBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = p.out, p.out
	if _, err := sess.StdinPipe(); err != nil { // held open: no input
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- sess.Wait() }()
	t.Cleanup(func() { _ = sess.Close() })
	return p
}

func (p *ptySession) waitFor(t *testing.T, substr string) {
	t.Helper()
	if !testkit.Eventually(10*time.Second, testkit.Poll, func() bool { return strings.Contains(ansi.Strip(p.out.String()), substr) }) {
		t.Fatalf("screen never showed %q; got:\n%s", substr, ansi.Strip(p.out.String()))
	}
}

// pipeContact sends msg as `echo msg | ssh host contact --name … --reply-to …`.
func pipeContact(t *testing.T, addr, msg string) string {
	t.Helper()
	c, _ := sshDial(t, addr)
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errOut lockedBuffer
	sess.Stdin, sess.Stdout, sess.Stderr = strings.NewReader(msg), &out, &errOut
	if err := sess.Run("contact --name Jane --reply-to jane@example.com"); err != nil {
		t.Fatalf("piped contact: %v; stdout %q, stderr %q", err, out.String(), errOut.String())
	}
	return out.String()
}

// procIDs reads the Uid, Gid and Groups lines of /proc/<pid>/status.
func procIDs(t *testing.T, pid int) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading /proc/%d/status: %v", pid, err)
	}
	ids := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && (k == "Uid" || k == "Gid" || k == "Groups") {
			ids[k] = strings.Fields(v)
		}
	}
	return ids
}

func wantIDs(t *testing.T, ids map[string][]string, uid, gid int) {
	t.Helper()
	for k, want := range map[string]int{"Uid": uid, "Gid": gid} {
		f := ids[k]
		if len(f) != 4 {
			t.Errorf("/proc status %s line %q", k, f)
			continue
		}
		for i, v := range f { // real, effective, saved, filesystem
			if v != strconv.Itoa(want) {
				t.Errorf("/proc status %s[%d] = %s, want %d (all of %q)", k, i, v, want, f)
			}
		}
	}
}

// stopGracefully sends SIGTERM while a visitor is connected: the visitor
// gets the goodbye and the process exits 0 within the shutdown timeout.
func stopGracefully(t *testing.T, p *proc, visitor *ptySession) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if visitor != nil {
		visitor.waitFor(t, "restarting")
	}
	select {
	case <-p.done:
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatalf("still running %s after SIGTERM", shutdownTimeout+5*time.Second)
	}
	if d := time.Since(start); d >= shutdownTimeout {
		t.Errorf("exit took %s, not within the %s shutdown timeout", d.Round(time.Millisecond), shutdownTimeout)
	}
	if p.err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0\n%s", p.err, p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "stopped") {
		t.Errorf("log lacks \"stopped\":\n%s", p.stderr.String())
	}
}

// ownedBy checks that dir and everything in it belongs to uid:gid.
func ownedBy(t *testing.T, dir string, uid, gid int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		if int(st.Uid) != uid || int(st.Gid) != gid {
			t.Errorf("%s is owned by %d:%d, want %d:%d", p, st.Uid, st.Gid, uid, gid)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func storedFrom(t *testing.T, dir, name string) inbox.Message {
	t.Helper()
	msgs, _, err := filestore.ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no message from %s in %s (have %d)", name, filepath.Join(dir, filestore.FileName), len(msgs))
	return inbox.Message{}
}

const nonroot = 65532 // distroless's "nonroot" user, PORTFOLIO_RUN_AS in the image

func TestDockerBuiltBinary(t *testing.T) {
	testkit.Slow(t, "a go build as the Dockerfile's, every package rebuilt with -trimpath and CGO_ENABLED=0: an image-build test, run by .ci/run's slow step")
	root := os.Geteuid() == 0
	// Not t.TempDir: user 65532 must be able to reach these (0755).
	base, err := os.MkdirTemp("", "portfolio-deploy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	binDir := filepath.Join(base, "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := buildLikeDockerfile(t, binDir, "test-1")

	t.Run("static", func(t *testing.T) {
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("program header %v: the binary is dynamically linked; distroless/static has no libc", p.Type)
			}
		}
		if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("binary needs shared libraries %q", libs)
		}
		if f.Section(".symtab") != nil || f.Section(".debug_info") != nil {
			t.Error("binary has a symbol table or DWARF: -ldflags \"-s -w\" not applied")
		}
		data, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(repoRoot(t)+"/")) {
			t.Errorf("binary holds the build path %s: -trimpath not applied", repoRoot(t))
		}
		bi, err := buildinfo.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		// (With -trimpath, Go leaves -ldflags out of the build info; the
		// version subtest checks the stamp.)
		if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
			t.Errorf("build settings %v, want CGO_ENABLED=0 and -trimpath", settings)
		}
	})

	t.Run("version", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput()
		if err != nil {
			t.Fatalf("--version: %v\n%s", err, out)
		}
		if strings.TrimSpace(string(out)) != "portfolio version test-1" {
			t.Errorf("--version = %q, want \"portfolio version test-1\"", out)
		}
	})

	// As the image runs under `docker run --user 65532:65532`: an
	// unprivileged user, a read-only working directory, state only on the
	// volume.
	t.Run("nonroot", func(t *testing.T) {
		uid, gid := os.Getuid(), os.Getgid()
		var cred *syscall.Credential
		if root {
			uid, gid = nonroot, nonroot
			cred = &syscall.Credential{Uid: nonroot, Gid: nonroot, Groups: []uint32{}}
		} else {
			t.Logf("not root: running as the current user %d", uid)
		}
		sub := filepath.Join(base, "nonroot")
		cwd := filepath.Join(sub, "cwd")
		volume := filepath.Join(sub, "data")
		for _, d := range []string{sub, cwd, volume} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(cwd, 0o555); err != nil {
			t.Fatal(err)
		}
		if root {
			if err := os.Chown(volume, nonroot, nonroot); err != nil {
				t.Fatal(err)
			}
		}
		p := startProc(t, bin, runOpts{dir: cwd, cred: cred, env: []string{
			"PORTFOLIO_DATA_DIR=" + volume,
			"PORTFOLIO_HOST_KEY_DIR=" + filepath.Join(volume, "hostkeys"),
		}})
		hk := p.waitReady(t)
		if got, want := gossh.FingerprintSHA256(hk), hostKeyFingerprint(t, filepath.Join(volume, "hostkeys")); got != want {
			t.Errorf("served host key %s, want the one created on the volume %s", got, want)
		}
		wantIDs(t, procIDs(t, p.cmd.Process.Pid), uid, gid)

		c, _ := sshDial(t, p.sshAddr)
		visitor := openPty(t, c)
		visitor.waitFor(t, "Pragya Mugale")
		if out := pipeContact(t, p.sshAddr, "hi"); !strings.Contains(out, "Message sent") {
			t.Errorf("piped contact: %q", out)
		}
		if m := storedFrom(t, volume, "Jane"); m.Message != "hi" || m.ReplyTo != "jane@example.com" {
			t.Errorf("stored %+v", m)
		}
		ownedBy(t, volume, uid, gid)

		stopGracefully(t, p, visitor)
		if ents, _ := os.ReadDir(cwd); len(ents) != 0 {
			t.Errorf("the server wrote into its working directory: %v", ents)
		}
	})

	// As the image runs on Fly: started as root with PORTFOLIO_RUN_AS, on a
	// volume owned by root, it hands the volume over and drops to 65532.
	t.Run("privilege-drop", func(t *testing.T) {
		if !root {
			t.Skip("needs root")
		}
		sub := filepath.Join(base, "drop")
		cwd := filepath.Join(sub, "cwd")
		volume := filepath.Join(sub, "data")
		for _, d := range []string{sub, cwd} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(cwd, 0o555); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(volume, 0o700); err != nil { // root's, as Fly mounts it
			t.Fatal(err)
		}
		// A key left by an earlier image that ran as root.
		old, err := hostkeys.LoadOrCreate(filepath.Join(volume, "hostkeys"))
		if err != nil {
			t.Fatal(err)
		}
		ownedBy(t, volume, 0, 0)

		p := startProc(t, bin, runOpts{dir: cwd, env: []string{
			"PORTFOLIO_DATA_DIR=" + volume,
			"PORTFOLIO_HOST_KEY_DIR=" + filepath.Join(volume, "hostkeys"),
			"PORTFOLIO_RUN_AS=65532:65532",
		}})
		hk := p.waitReady(t)
		if gossh.FingerprintSHA256(hk) != old.Fingerprint {
			t.Errorf("served host key %s, want the existing %s", gossh.FingerprintSHA256(hk), old.Fingerprint)
		}
		ids := procIDs(t, p.cmd.Process.Pid)
		wantIDs(t, ids, nonroot, nonroot)
		if len(ids["Groups"]) != 0 {
			t.Errorf("supplementary groups %q kept after the drop", ids["Groups"])
		}
		ownedBy(t, volume, nonroot, nonroot)

		c, _ := sshDial(t, p.sshAddr)
		visitor := openPty(t, c)
		visitor.waitFor(t, "Pragya Mugale")
		pipeContact(t, p.sshAddr, "hi after the drop")
		if m := storedFrom(t, volume, "Jane"); m.Message != "hi after the drop" {
			t.Errorf("stored %+v", m)
		}
		ownedBy(t, volume, nonroot, nonroot) // new files too

		stopGracefully(t, p, visitor)
		if ents, _ := os.ReadDir(cwd); len(ents) != 0 {
			t.Errorf("the server wrote into its working directory: %v", ents)
		}
	})

	t.Run("bad-run-as", func(t *testing.T) {
		if !root {
			t.Skip("PORTFOLIO_RUN_AS only acts for root")
		}
		for _, spec := range []string{"0:0", "nonroot", "65532"} {
			volume := t.TempDir()
			p := startProc(t, bin, runOpts{dir: "/", env: []string{
				"PORTFOLIO_DATA_DIR=" + volume,
				"PORTFOLIO_HOST_KEY_DIR=" + filepath.Join(volume, "hostkeys"),
				"PORTFOLIO_RUN_AS=" + spec,
			}})
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
				t.Fatalf("PORTFOLIO_RUN_AS=%s: still running", spec)
			}
			var exit *exec.ExitError
			if !errors.As(p.err, &exit) || exit.ExitCode() != 1 || !strings.Contains(p.stderr.String(), "PORTFOLIO_RUN_AS") {
				t.Errorf("PORTFOLIO_RUN_AS=%s: %v, output %q; want exit 1 naming PORTFOLIO_RUN_AS", spec, p.err, p.stderr.String())
			}
			if _, err := os.Stat(filepath.Join(volume, "hostkeys")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("PORTFOLIO_RUN_AS=%s: started anyway (host key dir created)", spec)
			}
		}
	})
}

// TestFlyTomlContentOnTheVolume: the commented settings that move the
// content onto the volume work once uncommented: real settings, a folder
// on the mounted volume (inside the data directory the image hands to its
// user), and --watch with the --content it needs.
func TestFlyTomlContentOnTheVolume(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "fly.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	found := 0
	for _, l := range strings.Split(string(raw), "\n") {
		if s := strings.TrimSpace(l); strings.HasPrefix(s, "# PORTFOLIO_CONTENT =") || strings.HasPrefix(s, "# PORTFOLIO_WATCH =") {
			l, found = "  "+strings.TrimPrefix(s, "# "), found+1
		}
		lines = append(lines, l)
	}
	if found != 2 {
		t.Fatalf("fly.toml: %d of the commented PORTFOLIO_CONTENT and PORTFOLIO_WATCH lines, want both", found)
	}
	var fly flyConfig
	if _, err := toml.Decode(strings.Join(lines, "\n"), &fly); err != nil {
		t.Fatalf("fly.toml with the content on the volume: %v", err)
	}
	checkEnvIsReal(t, "fly.toml [env], content on the volume", fly.Env)
	dir := fly.Env["PORTFOLIO_CONTENT"]
	mount := tables(t, "mounts", fly.Mounts)
	if len(mount) != 1 {
		t.Fatalf("fly.toml [mounts]: %d, want 1", len(mount))
	}
	dest, _ := mount[0]["destination"].(string)
	data := fly.Env["PORTFOLIO_DATA_DIR"]
	if dest == "" || !strings.HasPrefix(dir, dest+"/") || !strings.HasPrefix(dir, data+"/") {
		t.Errorf("PORTFOLIO_CONTENT %q is not on the volume (%q) inside the data directory (%q)", dir, dest, data)
	}
	cfg := config.Default()
	cfg.ContentDir, cfg.Watch = dir, fly.Env["PORTFOLIO_WATCH"] == "true"
	if !cfg.Watch {
		t.Error("PORTFOLIO_WATCH isn't \"true\"")
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("the content settings don't validate: %v", err)
	}
}
