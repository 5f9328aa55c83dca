package commands

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

const (
	testHost    = "ssh portfolio.example.com"
	testVersion = "v1.2.3"
)

var (
	pfOnce sync.Once
	pf     *content.Portfolio
	pfErr  error
)

func defaultPortfolio(t *testing.T) *content.Portfolio {
	t.Helper()
	pfOnce.Do(func() { pf, pfErr = content.Default() })
	if pfErr != nil {
		t.Fatalf("content.Default: %v", pfErr)
	}
	return pf
}

// result is what one Run produced.
type result struct {
	code           int
	stdout, stderr string
}

// fakeSubmit records submissions and answers with a fixed receipt or error.
type fakeSubmit struct {
	mu      sync.Mutex
	got     []inbox.Submission
	receipt inbox.Receipt
	err     error
}

func (f *fakeSubmit) Submit(s inbox.Submission) (inbox.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, s)
	return f.receipt, f.err
}

func (f *fakeSubmit) calls() []inbox.Submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]inbox.Submission(nil), f.got...)
}

func testEnv(t *testing.T, width int) Env {
	t.Helper()
	return Env{
		Portfolio: defaultPortfolio(t),
		Version:   testVersion,
		Host:      testHost,
		Width:     width,
		Stdin:     strings.NewReader(""),
	}
}

func run(env Env, args ...string) result {
	return runArgs(env, args)
}

func runArgs(env Env, args []string) result {
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	code := Run(env, args)
	return result{code, out.String(), errb.String()}
}

// assertClean fails if s holds an escape or any control character other
// than a newline: no colour, no cursor movement, ever.
func assertClean(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	}
	for i, r := range s {
		if r == '\n' {
			continue
		}
		if r == 0x1b || unicode.IsControl(r) || r == 0x7f {
			t.Errorf("%s holds control character %U at byte %d: %q", what, r, i, around(s, i))
			return
		}
	}
}

func around(s string, i int) string {
	lo, hi := max(0, i-40), min(len(s), i+40)
	return s[lo:hi]
}

// assertUsageError checks the shape of a usage error: exit 2, nothing on
// stdout, one line naming the problem and a line pointing at help.
func assertUsageError(t *testing.T, r result, mention string) {
	t.Helper()
	if r.code != ExitUsage {
		t.Errorf("exit %d, want %d; stderr %q", r.code, ExitUsage, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 2 {
		t.Errorf("stderr has %d lines, want the problem and the help hint:\n%s", len(lines), r.stderr)
	}
	if !strings.Contains(lines[0], mention) {
		t.Errorf("first stderr line %q does not mention %q", lines[0], mention)
	}
	if !strings.Contains(r.stderr, testHost+" help") {
		t.Errorf("stderr %q lacks the hint %q", r.stderr, testHost+" help")
	}
	for _, bad := range []string{"panic", "goroutine", ".go:", "Usage:", "Flags:"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr holds %q: %q", bad, r.stderr)
		}
	}
	assertClean(t, "stderr", r.stderr)
}

func TestRunCommands(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)
	notelytix, activity := p.Projects[0], p.Projects[1]
	if notelytix.Slug != "notelytix" || activity.Slug != "activity-logging" {
		t.Fatalf("unexpected default projects %q, %q", notelytix.Slug, activity.Slug)
	}
	const w = 80
	all := AllText(p, w, testHost)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, all},
		{[]string{}, all},
		{[]string{"about"}, AboutText(p, w)},
		{[]string{"skills"}, SkillsText(p, w)},
		{[]string{"projects"}, ProjectsText(p, w)},
		{[]string{"projects", "notelytix"}, ProjectText(notelytix, w)},
		{[]string{"projects", "NOTE"}, ProjectText(notelytix, w)},
		{[]string{"projects", "act"}, ProjectText(activity, w)},
		{[]string{"projects", "Activity-Logging"}, ProjectText(activity, w)},
		{[]string{"contact"}, ContactText(p, w, testHost)},
		{[]string{"help"}, HelpText(defaultPortfolio(t), testHost)},
		{[]string{"help", "projects"}, HelpText(defaultPortfolio(t), testHost)},
		{[]string{"--help"}, HelpText(defaultPortfolio(t), testHost)},
		{[]string{"-h"}, HelpText(defaultPortfolio(t), testHost)},
		{[]string{"about", "--help"}, HelpText(defaultPortfolio(t), testHost)},
		{[]string{"version"}, "portfolio " + testVersion + "\n"},
	} {
		t.Run(fmt.Sprintf("%q", tc.args), func(t *testing.T) {
			r := runArgs(testEnv(t, w), tc.args)
			if r.code != ExitOK {
				t.Fatalf("exit %d, want 0; stderr %q", r.code, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
			if r.stdout != tc.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, tc.want)
			}
			if !strings.HasSuffix(r.stdout, "\n") {
				t.Errorf("output does not end with a newline: %q", tail(r.stdout))
			}
			assertClean(t, "stdout", r.stdout)
		})
	}
}

func tail(s string) string {
	if len(s) > 80 {
		return s[len(s)-80:]
	}
	return s
}

// TestRunNilArgs: a nil command line is the whole portfolio, whatever the
// process's own arguments are: cobra falls back to os.Args when given nil,
// which in the server would be its own flags. Not parallel: it sets
// os.Args.
func TestRunNilArgs(t *testing.T) {
	saved := os.Args
	t.Cleanup(func() { os.Args = saved })
	os.Args = []string{saved[0], "nope", "--bogus"}
	env := testEnv(t, 80)
	for _, args := range [][]string{nil, {}} {
		r := runArgs(env, args)
		if r.code != ExitOK || r.stderr != "" {
			t.Fatalf("Run(env, %#v) = exit %d, stderr %q; want 0 and nothing (did it read os.Args?)", args, r.code, r.stderr)
		}
		if r.stdout != AllText(env.Portfolio, 80, testHost) {
			t.Errorf("Run(env, %#v) did not print the whole portfolio:\n%s", args, r.stdout)
		}
	}
}

func TestTextContent(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)
	env := testEnv(t, 80)
	mustRun := func(args ...string) string {
		t.Helper()
		r := runArgs(env, args)
		if r.code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
		return r.stdout
	}
	contains := func(what, got string, wants ...string) {
		t.Helper()
		flat := strings.Join(strings.Fields(got), " ")
		for _, w := range wants {
			if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s lacks %q:\n%s", what, w, got)
			}
		}
	}

	about := mustRun("about")
	contains("about", about, append([]string{p.Profile.Name, p.Profile.Title, p.Profile.Tagline}, p.Profile.Focus...)...)
	for _, l := range p.Profile.Links {
		contains("about", about, l.URL)
	}

	skills := mustRun("skills")
	for _, a := range p.Skills.Areas {
		contains("skills", skills, a)
	}
	for _, g := range p.Skills.Groups {
		contains("skills", skills, g.Name)
		for _, it := range g.Items {
			contains("skills", skills, it)
		}
	}

	projects := mustRun("projects")
	for _, pr := range p.Projects {
		contains("projects", projects, pr.Title, pr.Summary, "projects "+pr.Slug)
		for _, s := range pr.Stack {
			contains("projects", projects, s)
		}
	}

	study := mustRun("projects", "notelytix")
	contains("projects notelytix", study, "NoteLytix", "Goal", "System Architecture", "Engineering Judgment")
	if strings.Contains(study, "Activity Logging") {
		t.Errorf("projects notelytix shows another project:\n%s", study)
	}

	contact := mustRun("contact")
	contains("contact", contact, p.Contact.Heading, "reach out", testHost, "--name", "--reply-to", "ssh -t")

	help := mustRun("help")
	contains("help", help, "ssh -t portfolio.example.com", "--json", "contact --name")
}

// sourceLines turns a Markdown body into the text lines a reader must find:
// markers dropped, whitespace removed (wrapping may break lines anywhere).
func sourceLines(md string) []string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimLeft(l, "#")
		l = strings.TrimPrefix(strings.TrimSpace(l), "- ")
		l = strings.NewReplacer("**", "", "__", "", "`", "").Replace(l)
		if l = noSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestAllTextHasEverything(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)
	for _, w := range []int{20, 40, 80, 120, 250} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			all := AllText(p, w, testHost)
			assertClean(t, "AllText", all)
			flat := noSpace(all)
			for _, part := range []string{AboutText(p, w), SkillsText(p, w), ContactText(p, w, testHost)} {
				if !strings.Contains(all, part) {
					t.Errorf("AllText lacks a section:\n%s", part)
				}
			}
			for _, pr := range p.Projects {
				if !strings.Contains(all, ProjectText(pr, w)) {
					t.Errorf("AllText lacks the case study %s", pr.Slug)
				}
				for _, want := range append(sourceLines(pr.Body), noSpace(pr.Title)) {
					if !strings.Contains(flat, want) {
						t.Errorf("AllText lacks %s's line %q", pr.Slug, want)
					}
				}
			}
			for _, want := range []string{p.Profile.Name, p.Contact.Heading, "contact", "--name", "--reply-to"} {
				if !strings.Contains(flat, noSpace(want)) {
					t.Errorf("AllText lacks %q", want)
				}
			}
			for _, want := range sourceLines(p.Contact.Body) {
				if !strings.Contains(flat, want) {
					t.Errorf("AllText lacks the contact line %q", want)
				}
			}
		})
	}
}

// TestWidths: every line fits the width, but for a single word that can't
// be broken (an underline is not such a word; a word followed by a shell
// line continuation, in a command to copy, is).
func TestWidths(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)
	for _, host := range []string{"ssh host", "ssh -p 2222 portfolio.example.com"} {
		for _, w := range []int{20, 40, 80, 120} {
			t.Run(fmt.Sprintf("%s/%d", host, w), func(t *testing.T) {
				for i, l := range strings.Split(AllText(p, w, host), "\n") {
					n := utf8.RuneCountInString(l)
					if n <= w {
						continue
					}
					f := strings.Fields(l)
					if len(f) == 2 && f[1] == `\` {
						f = f[:1] // a word and a shell line continuation
					}
					if len(f) == 1 && strings.Trim(f[0], "=-") != "" {
						continue // one unbreakable word
					}
					t.Errorf("line %d is %d characters, more than %d: %q", i+1, n, w, l)
				}
			})
		}
	}
}

func TestFindProject(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)
	for _, tc := range []struct{ q, want string }{
		{"notelytix", "notelytix"},
		{"NoteLytix", "notelytix"},
		{"NOTELYTIX", "notelytix"},
		{" notelytix ", "notelytix"},
		{"note", "notelytix"},
		{"NOTE", "notelytix"},
		{"n", "notelytix"},
		{"act", "activity-logging"},
		{"activity-logging", "activity-logging"},
		{"Activity Logging", "activity-logging"}, // a prefix of the title
	} {
		got, err := FindProject(p, tc.q)
		if err != nil || got.Slug != tc.want {
			t.Errorf("FindProject(%q) = %q, %v; want %q", tc.q, got.Slug, err, tc.want)
		}
	}
	for _, q := range []string{"", "  ", "nope", "notelytix-x", "x-notelytix", "otelytix"} {
		got, err := FindProject(p, q)
		if err == nil {
			t.Errorf("FindProject(%q) = %q, want an error", q, got.Slug)
			continue
		}
		if !strings.Contains(err.Error(), "notelytix") || !strings.Contains(err.Error(), "activity-logging") {
			t.Errorf("FindProject(%q) error %q does not list the projects", q, err)
		}
	}

	// Ambiguity needs projects that share a prefix.
	amb := &content.Portfolio{Projects: []content.Project{
		{Slug: "api", Title: "Gateway"},
		{Slug: "api-cache", Title: "Cache"},
		{Slug: "apex", Title: "Summit"},
		{Slug: "zeta", Title: "Cache Warmer"},
	}}
	for _, tc := range []struct{ q, want string }{
		{"api", "api"},        // exact beats the prefix of api-cache
		{"API", "api"},        // exact, any case
		{"api-", "api-cache"}, // unique prefix
		{"apex", "apex"},      // exact
		{"summit", "apex"},    // title prefix
		{"cache w", "zeta"},   // title prefix with a space
		{"api-cache", "api-cache"},
	} {
		got, err := FindProject(amb, tc.q)
		if err != nil || got.Slug != tc.want {
			t.Errorf("ambiguous set: FindProject(%q) = %q, %v; want %q", tc.q, got.Slug, err, tc.want)
		}
	}
	for _, q := range []string{"a", "ap", "cache"} {
		got, err := FindProject(amb, q)
		if err == nil {
			t.Errorf("FindProject(%q) = %q, want an ambiguity error", q, got.Slug)
		} else if !strings.Contains(err.Error(), "several") {
			t.Errorf("FindProject(%q) error %q does not say it is ambiguous", q, err)
		}
	}
	// Hostile input is quoted and cleaned in the error.
	_, err := FindProject(p, "\x1b[31mred\nline")
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\n") {
		t.Errorf("FindProject with control characters: error %q", err)
	}
}

func TestDeepLink(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)
	for _, tc := range []struct {
		args          []string
		page, project string
		ok            bool
	}{
		{[]string{"about"}, "about", "", true},
		{[]string{"skills"}, "skills", "", true},
		{[]string{"projects"}, "projects", "", true},
		{[]string{"contact"}, "contact", "", true},
		{[]string{"projects", "notelytix"}, "projects", "notelytix", true},
		{[]string{"projects", "NOTE"}, "projects", "notelytix", true},
		{[]string{"projects", "act"}, "projects", "activity-logging", true},
		{nil, "", "", false},
		{[]string{}, "", "", false},
		{[]string{""}, "", "", false},
		{[]string{"help"}, "", "", false},
		{[]string{"version"}, "", "", false},
		{[]string{"nope"}, "", "", false},
		{[]string{"About"}, "", "", false},
		{[]string{"about", "--json"}, "", "", false},
		{[]string{"skills", "--json"}, "", "", false},
		{[]string{"projects", "--json"}, "", "", false},
		{[]string{"projects", "notelytix", "--json"}, "", "", false},
		{[]string{"projects", "nope"}, "", "", false},
		{[]string{"projects", ""}, "", "", false},
		{[]string{"projects", "notelytix", "extra"}, "", "", false},
		{[]string{"about", "extra"}, "", "", false},
		{[]string{"contact", "--name", "Jane"}, "", "", false},
		{[]string{"--help"}, "", "", false},
	} {
		page, project, ok := DeepLink(p, tc.args)
		if page != tc.page || project != tc.project || ok != tc.ok {
			t.Errorf("DeepLink(%q) = %q, %q, %v; want %q, %q, %v", tc.args, page, project, ok, tc.page, tc.project, tc.ok)
		}
	}
}

// The documented JSON schema, written out independently of the package's
// types so a renamed or dropped field fails here.
type (
	aboutSchema struct {
		Name    *string   `json:"name"`
		Title   *string   `json:"title"`
		Tagline *string   `json:"tagline"`
		Focus   *[]string `json:"focus"`
		Links   *[]struct {
			Label string `json:"label"`
			URL   string `json:"url"`
		} `json:"links"`
	}
	skillsSchema struct {
		Areas  *[]string `json:"areas"`
		Groups *[]struct {
			Name  string    `json:"name"`
			Areas *[]string `json:"areas"`
			Items *[]string `json:"items"`
		} `json:"groups"`
	}
	summarySchema struct {
		Slug    *string   `json:"slug"`
		Title   *string   `json:"title"`
		Summary *string   `json:"summary"`
		Stack   *[]string `json:"stack"`
	}
	projectsSchema struct {
		Projects *[]summarySchema `json:"projects"`
	}
	projectSchema struct {
		summarySchema
		Markdown *string `json:"markdown"`
	}
)

func decodeJSON(t *testing.T, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("more than one JSON value in the output:\n%s", out)
	}
}

func eqStrings(t *testing.T, what string, got *[]string, want []string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s is missing or null", what)
		return
	}
	if strings.Join(*got, "\x00") != strings.Join(want, "\x00") || len(*got) != len(want) {
		t.Errorf("%s = %q, want %q", what, *got, want)
	}
}

func eqString(t *testing.T, what string, got *string, want string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s is missing or null", what)
	} else if *got != want {
		t.Errorf("%s = %q, want %q", what, *got, want)
	}
}

func checkSummary(t *testing.T, got summarySchema, want content.Project) {
	t.Helper()
	eqString(t, "slug", got.Slug, want.Slug)
	eqString(t, want.Slug+" title", got.Title, want.Title)
	eqString(t, want.Slug+" summary", got.Summary, want.Summary)
	eqStrings(t, want.Slug+" stack", got.Stack, want.Stack)
}

func runJSON(t *testing.T, args ...string) string {
	t.Helper()
	// A narrow width must not wrap JSON.
	r := runArgs(testEnv(t, 20), args)
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("%q: exit %d, stderr %q", args, r.code, r.stderr)
	}
	assertClean(t, "JSON", strings.ReplaceAll(r.stdout, "\n", ""))
	return r.stdout
}

func TestJSON(t *testing.T) {
	t.Parallel()
	p := defaultPortfolio(t)

	t.Run("about", func(t *testing.T) {
		var a aboutSchema
		decodeJSON(t, runJSON(t, "about", "--json"), &a)
		eqString(t, "name", a.Name, p.Profile.Name)
		eqString(t, "title", a.Title, p.Profile.Title)
		eqString(t, "tagline", a.Tagline, p.Profile.Tagline)
		eqStrings(t, "focus", a.Focus, p.Profile.Focus)
		if a.Links == nil {
			t.Fatal("links is missing or null (want [] when there are none)")
		}
		if len(*a.Links) != len(p.Profile.Links) {
			t.Fatalf("%d links, want %d", len(*a.Links), len(p.Profile.Links))
		}
		for i, l := range *a.Links {
			if l.Label != p.Profile.Links[i].Label || l.URL != p.Profile.Links[i].URL {
				t.Errorf("link %d = %+v, want %+v", i, l, p.Profile.Links[i])
			}
		}
	})

	t.Run("skills", func(t *testing.T) {
		var s skillsSchema
		decodeJSON(t, runJSON(t, "skills", "--json"), &s)
		eqStrings(t, "areas", s.Areas, p.Skills.Areas)
		if s.Groups == nil || len(*s.Groups) != len(p.Skills.Groups) {
			t.Fatalf("groups = %+v, want %d groups", s.Groups, len(p.Skills.Groups))
		}
		for i, g := range *s.Groups {
			want := p.Skills.Groups[i]
			if g.Name != want.Name {
				t.Errorf("group %d name = %q, want %q", i, g.Name, want.Name)
			}
			eqStrings(t, want.Name+" areas", g.Areas, want.Areas)
			eqStrings(t, want.Name+" items", g.Items, want.Items)
		}
	})

	t.Run("projects", func(t *testing.T) {
		var ps projectsSchema
		decodeJSON(t, runJSON(t, "projects", "--json"), &ps)
		if ps.Projects == nil || len(*ps.Projects) != len(p.Projects) {
			t.Fatalf("projects = %+v, want %d", ps.Projects, len(p.Projects))
		}
		for i, got := range *ps.Projects {
			checkSummary(t, got, p.Projects[i])
		}
	})

	for _, pr := range p.Projects {
		for _, q := range []string{pr.Slug, strings.ToUpper(pr.Slug[:3])} {
			t.Run("projects "+q, func(t *testing.T) {
				for _, args := range [][]string{{"projects", q, "--json"}, {"projects", "--json", q}} {
					var got projectSchema
					decodeJSON(t, runJSON(t, args...), &got)
					checkSummary(t, got.summarySchema, pr)
					eqString(t, "markdown", got.Markdown, pr.Body)
				}
			})
		}
	}

	// --json only where it is documented.
	for _, args := range [][]string{{"contact", "--json"}, {"version", "--json"}, {"--json"}} {
		assertUsageError(t, run(testEnv(t, 80), args...), "--json")
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args    []string
		mention string
	}{
		{[]string{"nope"}, `"nope"`},
		{[]string{"About"}, `"About"`},
		{[]string{"about", "extra"}, `"extra"`},
		{[]string{"skills", "extra"}, `"extra"`},
		{[]string{"version", "extra"}, `"extra"`},
		{[]string{"contact", "extra"}, `"extra"`},
		{[]string{"projects", "notelytix", "extra"}, `"extra"`},
		{[]string{"projects", "nope"}, `"nope"`},
		{[]string{"projects", ""}, `""`},
		{[]string{"about", "--nope"}, "--nope"},
		{[]string{"--nope"}, "--nope"},
		{[]string{"-x"}, "-x"},
		{[]string{"projects", "--json=maybe"}, "maybe"},
		{[]string{"contact", "--name"}, "--name"},
		{[]string{"contact", "--reply-to"}, "--reply-to"},
		{[]string{"$(touch /tmp/pwned)"}, "$(touch /tmp/pwned)"},
		{[]string{"; rm -rf /"}, "; rm -rf /"},
		{[]string{"projects", "`id`"}, "`id`"},
		{[]string{"about", "| cat /etc/passwd"}, "| cat /etc/passwd"},
		{[]string{"\x1b[31mred\x1b[0m"}, "red"},
		{[]string{"bad\nline"}, "bad"},
	} {
		t.Run(fmt.Sprintf("%q", tc.args), func(t *testing.T) {
			assertUsageError(t, runArgs(testEnv(t, 80), tc.args), tc.mention)
		})
	}
}

func TestHelpMentionsEveryCommand(t *testing.T) {
	t.Parallel()
	env := testEnv(t, 80)
	help := run(env, "help").stdout
	root := newRoot(&env)
	n := 0
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "" {
			continue
		}
		n++
		if !strings.Contains(help, testHost+" "+c.Name()) {
			t.Errorf("help does not show %q", testHost+" "+c.Name())
		}
	}
	for _, want := range []string{"about", "skills", "projects", "projects NAME", "contact", "help", "version"} {
		if !strings.Contains(help, testHost+" "+want+" ") {
			t.Errorf("help does not show %q", want)
		}
	}
	if n < 6 {
		t.Errorf("only %d visible commands", n)
	}
	// How to open the full app, and how to leave a message.
	for _, want := range []string{"ssh -t portfolio.example.com", "--json", "--name", "--reply-to", "| " + testHost + " contact"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	assertClean(t, "help", help)
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"help", "about"} {
		t.Run(cmd, func(t *testing.T) {
			r := run(testEnv(t, 80), cmd)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden.RequireEqual(t, r.stdout)
		})
	}
}

// counter counts the bytes read from an endless stream of 'a'.
type counter struct {
	mu sync.Mutex
	n  int64
}

func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	c.mu.Lock()
	c.n += int64(len(p))
	c.mu.Unlock()
	return len(p), nil
}

func (c *counter) read() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func contactArgs(name, replyTo string) []string {
	return []string{"contact", "--name", name, "--reply-to", replyTo}
}

func TestContactSendsStdin(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	f := &fakeSubmit{receipt: inbox.Receipt{ID: "abcd2345", Time: now}}
	env := testEnv(t, 80)
	env.Submit = f.Submit
	env.Stdin = strings.NewReader("hello\nfrom a pipe\n")
	r := run(env, contactArgs("Jane", "jane@example.com")...)
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0", r.code, r.stderr)
	}
	got := f.calls()
	if len(got) != 1 {
		t.Fatalf("Submit called %d times, want 1", len(got))
	}
	want := inbox.Submission{Name: "Jane", ReplyTo: "jane@example.com", Message: "hello\nfrom a pipe\n"}
	if got[0] != want {
		t.Errorf("Submit got %+v, want %+v", got[0], want)
	}
	if !strings.Contains(r.stdout, "abcd2345") || !strings.Contains(r.stdout, "2026-05-04 03:02") {
		t.Errorf("stdout %q lacks the id and time", r.stdout)
	}
	if strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("stdout %q, want one line", r.stdout)
	}

	// A duplicate says so.
	f.receipt.Duplicate = true
	env.Stdin = strings.NewReader("hello\nfrom a pipe\n")
	r = run(env, contactArgs("Jane", "jane@example.com")...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "already received") || !strings.Contains(r.stdout, "abcd2345") {
		t.Errorf("duplicate: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestContactThroughInbox runs the real message pipeline: validation,
// sanitiser and store.
func TestContactThroughInbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	svc := inbox.NewService(store, inbox.ServiceOptions{})
	send := func(stdin io.Reader, args ...string) result {
		env := testEnv(t, 80)
		env.Submit = svc.Submit
		env.Stdin = stdin
		return run(env, args...)
	}
	stored := func() []inbox.Message {
		t.Helper()
		msgs, rep, err := filestore.ReadAll(dir)
		if err != nil || rep.Corrupt != 0 || rep.Torn {
			t.Fatalf("ReadAll: %v %+v", err, rep)
		}
		return msgs
	}

	for _, tc := range []struct {
		name    string
		stdin   string
		args    []string
		mention string
	}{
		{"empty message", "", contactArgs("Jane", "jane@example.com"), "message"},
		{"blank message", " \n\t\n", contactArgs("Jane", "jane@example.com"), "message"},
		{"bad email", "hi", contactArgs("Jane", "jane@@example"), "--reply-to"},
		{"reply-to with spaces", "hi", contactArgs("Jane", "jane at example"), "--reply-to"},
		// One reply-to rule: an email address, an @handle or an http(s) URL.
		{"reply-to x", "hi", contactArgs("Jane", "x"), "--reply-to: expected an email address, an @handle or an https:// link"},
		{"reply-to without a dotted domain", "hi", contactArgs("Jane", "jane@gmail"), "--reply-to: the email address needs a full domain"},
		{"reply-to javascript:", "hi", contactArgs("Jane", "javascript:alert(1)"), "--reply-to: expected an email address, an @handle or an https:// link"},
		{"reply-to <script>", "hi", contactArgs("Jane", "<script>"), "--reply-to: expected an email address, an @handle or an https:// link"},
		{"no reply-to", "hi", []string{"contact", "--name", "Jane"}, "--reply-to"},
		{"no name", "hi", []string{"contact", "--reply-to", "jane@example.com"}, "--name"},
		{"empty name", "hi", contactArgs("", "jane@example.com"), "--name"},
		{"name too long", "hi", contactArgs(strings.Repeat("n", inbox.MaxName+1), "jane@example.com"), "--name"},
		{"message too long", strings.Repeat("m", inbox.MaxMessage+1), contactArgs("Jane", "jane@example.com"), "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(strings.NewReader(tc.stdin), tc.args...)
			if r.code != ExitError {
				t.Errorf("exit %d, want %d; stderr %q", r.code, ExitError, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.mention) {
				t.Errorf("stderr = %q, want one line naming %q", r.stderr, tc.mention)
			}
			assertClean(t, "stderr", r.stderr)
		})
	}
	if msgs := stored(); len(msgs) != 0 {
		t.Fatalf("rejected messages were stored: %+v", msgs)
	}

	// A message can be exactly as long as the limit, in 4-byte characters:
	// the read limit must not cut it.
	long := strings.Repeat("😀", inbox.MaxMessage)
	r := send(strings.NewReader(long), contactArgs("Jane", "jane@example.com")...)
	if r.code != ExitOK {
		t.Fatalf("a %d-character message of 4-byte characters: exit %d, stderr %q", inbox.MaxMessage, r.code, r.stderr)
	}

	// Sanitised on the way in: escapes and bidi controls are dropped.
	r = send(strings.NewReader("hi \x1b[31mthere\x1b[0m\u202e\r\n"), contactArgs("  Jane\x07 Doe ", "@jane")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	msgs := stored()
	if len(msgs) != 2 {
		t.Fatalf("%d messages stored, want 2", len(msgs))
	}
	byText := map[string]inbox.Message{}
	for _, m := range msgs {
		byText[m.Message] = m
		if m.ID == "" || m.Remote != "" {
			t.Errorf("message without an id, or with a remote the command never set: %+v", m)
		}
	}
	if m, ok := byText[long]; !ok || m.Name != "Jane" || m.ReplyTo != "jane@example.com" {
		t.Errorf("long message stored as %+v", m)
	}
	m, ok := byText["hi there"]
	if !ok {
		t.Fatalf("sanitised message not stored as %q; got %+v", "hi there", msgs)
	}
	if m.Name != "Jane Doe" || m.ReplyTo != "@jane" {
		t.Errorf("stored %+v", m)
	}
	if !strings.Contains(r.stdout, m.ID) {
		t.Errorf("stdout %q lacks the stored id %s", r.stdout, m.ID)
	}
}

// TestContactStdinLimit: a huge stdin is refused after reading no more
// than a message can hold, and with the same status as any too-long
// message.
func TestContactStdinLimit(t *testing.T) {
	t.Parallel()
	f := &fakeSubmit{}
	env := testEnv(t, 80)
	env.Submit = f.Submit
	c := &counter{}
	env.Stdin = io.LimitReader(c, 1<<20)
	done := make(chan result, 1)
	go func() { done <- run(env, contactArgs("Jane", "jane@example.com")...) }()
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("contact with 1 MB on stdin did not return")
	}
	if n, limit := c.read(), int64(inbox.MaxMessage*4+1); n > limit {
		t.Errorf("read %d bytes of stdin, want at most %d", n, limit)
	}
	if len(f.calls()) != 0 {
		t.Errorf("Submit called for an oversized message")
	}
	if !strings.Contains(r.stderr, "too long") || strings.Count(r.stderr, "\n") < 1 {
		t.Errorf("stderr = %q, want a one-line \"too long\"", r.stderr)
	}
	if !strings.Contains(r.stderr, "message") {
		t.Errorf("stderr = %q does not say the message is at fault", r.stderr)
	}
	// Too long is bad input, like a 2001-character message: exit 1.
	if r.code != ExitError {
		t.Errorf("exit %d, want %d (as for any too-long message); stderr %q", r.code, ExitError, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

func TestContactWithTerminalRefuses(t *testing.T) {
	t.Parallel()
	f := &fakeSubmit{}
	env := testEnv(t, 80)
	env.Submit = f.Submit
	env.TTY = true
	c := &counter{}
	env.Stdin = c
	r := run(env, contactArgs("Jane", "jane@example.com")...)
	if r.code != ExitUsage {
		t.Errorf("exit %d, want %d", r.code, ExitUsage)
	}
	if !strings.Contains(r.stderr, "pipe") || !strings.Contains(r.stderr, "ssh -t portfolio.example.com") {
		t.Errorf("stderr %q should say to pipe the message in or use the form", r.stderr)
	}
	if len(f.calls()) != 0 || c.read() != 0 {
		t.Errorf("with a terminal, Submit was called (%d) or stdin read (%d bytes)", len(f.calls()), c.read())
	}
	// Plain contact still prints text with a terminal.
	r = run(env, "contact")
	if r.code != ExitOK || !strings.Contains(r.stdout, defaultPortfolio(t).Contact.Heading) {
		t.Errorf("contact with a terminal: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestContactSubmitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		submit  func(inbox.Submission) (inbox.Receipt, error)
		mention string
		hidden  string
	}{
		{"rate limit", (&fakeSubmit{err: &inbox.RateLimitError{RetryAfter: 42*time.Minute + 300*time.Millisecond}}).Submit, "try again in 43 min", ""},
		{"storage", (&fakeSubmit{err: fmt.Errorf("%w: write /data/messages.jsonl: no space left on device", inbox.ErrStorage)}).Submit, "try again later", "/data"},
		{"validation", (&fakeSubmit{err: inbox.ValidationError{{Field: "name", Reason: "required"}, {Field: "reply_to", Reason: "not a valid email address"}}}).Submit, "--name: required; --reply-to: not a valid email address", ""},
		{"unavailable", nil, "can't be sent", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testEnv(t, 80)
			env.Submit = tc.submit
			env.Stdin = strings.NewReader("hi")
			r := run(env, contactArgs("Jane", "jane@example.com")...)
			if r.code != ExitError {
				t.Errorf("exit %d, want %d", r.code, ExitError)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.mention) {
				t.Errorf("stderr = %q, want one line with %q", r.stderr, tc.mention)
			}
			if tc.hidden != "" && strings.Contains(r.stderr, tc.hidden) {
				t.Errorf("stderr leaks %q: %q", tc.hidden, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
	}
}
