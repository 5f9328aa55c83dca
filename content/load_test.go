package content

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// ---------------------------------------------------------------------------
// The shipped content

func loadDefault(t *testing.T) *Portfolio {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatalf("embedded content does not load:\n%v", err)
	}
	return p
}

// plainDashes lets titles use "-", "–" or "—" between their parts.
func plainDashes(s string) string {
	return strings.NewReplacer(" – ", " - ", " — ", " - ").Replace(s)
}

// TestEmbeddedFacts pins every fact of the original profile, so an edit that
// drops or garbles one fails here.
func TestEmbeddedFacts(t *testing.T) {
	p := loadDefault(t)

	t.Run("profile", func(t *testing.T) {
		pr := p.Profile
		check(t, "name", pr.Name, "Pragya Mugale")
		check(t, "title", pr.Title, "Backend Engineer / Software Engineer")
		check(t, "tagline", pr.Tagline, "Building scalable distributed systems and high-throughput backend services.")
		checkList(t, "focus", pr.Focus, []string{"Architectural clarity", "Performance optimization", "End-to-end ownership"})
		if len(pr.Links) != 0 {
			t.Errorf("links = %v; the source has none, so none may be invented", pr.Links)
		}
	})

	t.Run("skills", func(t *testing.T) {
		checkList(t, "areas", p.Skills.Areas, []string{"Backend", "Languages", "AI/Tools", "Databases", "DevOps"})
		want := []SkillGroup{
			{"Programming Languages", []string{"Languages", "Backend"}, []string{"Go (Golang)", "Python", "C++"}},
			{"Backend Frameworks", []string{"Backend"}, []string{"Django", "FastAPI", "Flask", "REST APIs", "gRPC"}},
			{"Databases & Data Stores", []string{"Databases", "Backend"}, []string{"DynamoDB", "PostgreSQL", "ScyllaDB", "MongoDB", "MySQL", "Redis"}},
			{"Cloud & DevOps", []string{"DevOps"}, []string{"AWS", "OCI", "GCP", "Docker", "Kubernetes", "Jenkins", "Grafana"}},
			{"Version Control & Collaboration", []string{"DevOps"}, []string{"Git", "GitHub", "Bitbucket", "Jira", "Confluence"}},
			{"AI Tools & IDEs", []string{"AI/Tools"}, []string{"Cursor", "Antigravity", "n8n", "Granola", "Whispr Flow", "Emergent"}},
			{"Messaging & Caching", []string{"Backend", "Databases"}, []string{"RabbitMQ", "Redis"}},
		}
		if len(p.Skills.Groups) != len(want) {
			t.Fatalf("got %d skill groups, want %d", len(p.Skills.Groups), len(want))
		}
		for i, w := range want {
			g := p.Skills.Groups[i]
			check(t, "group name", g.Name, w.Name)
			checkList(t, w.Name+" areas", g.Areas, w.Areas)
			checkList(t, w.Name+" items", g.Items, w.Items)
		}
	})

	type projectFacts struct {
		slug, title string
		stack       []string
		headings    []string
		phrases     []string // a distinctive phrase of every paragraph and bullet
	}
	projects := []projectFacts{
		{
			slug:  "notelytix",
			title: "NoteLytix - Real-time AI Meeting Assistant",
			stack: []string{"Go", "PostgreSQL", "WebSockets", "Sarvam STT", "Gemini AI", "Docker", "K8s"},
			headings: []string{"## Goal", "## System Architecture",
				"## Technical Challenges & Decisions", "## Engineering Judgment"},
			phrases: []string{
				"privacy-first, full-stack meeting assistant",
				"addressing data-sharing concerns of public commercial tools",
				"**Real-time STT Pipeline:**", "duplex communication between frontend audio streams and Sarvam AI's STT engine",
				"**Microservices Orchestration:**", "Auth, STT, and Meeting services containerized with Docker", "service-level isolation",
				"**Audio Processing:**", "binary chunking and base64 encoding",
				"**LLM Integration:**", "asynchronous summarization engine using Gemini AI",
				"**Fault-Tolerant Streaming:**", "resume transcriptions without data loss",
				"**Concurrency Management:**", "Go routines and mutexes", "multi-provider STT dispatching",
				"**OAuth & Security:**", "Goth and Gorilla sessions", "secure meeting access and data isolation",
				"production-grade seriousness", "root cause analysis (RCA)", "detailed bug log",
				"clean separation of concerns between transcription, summarization, and core session management",
			},
		},
		{
			slug:  "activity-logging",
			title: "Activity Logging Service @ Convin",
			stack: []string{"Go", "DynamoDB", "ScyllaDB", "Redis", "RabbitMQ", "gRPC", "Docker", "Grafana"},
			headings: []string{"## Problem Statement", "## Architecture & Design",
				"## Key Engineering Decisions", "## Impact"},
			phrases: []string{
				"high-volume user and system events across multiple products",
				"concurrent high-frequency analytics reads",
				"**Write Path:**", "queue-based pipeline (RabbitMQ)", "99.9% durability",
				"**Storage Strategy:**", "DynamoDB for primary event persistence and ScyllaDB for optimized sequential reads/analytics",
				"**Read Path:**", "internal gRPC/REST APIs", "doesn't degrade ingestion performance",
				"**Observability:**", "queue depth, consumer lag, and I/O latency",
				"**Asynchronous Ingestion:**", "moving persistence logic to background consumers",
				"**Access Pattern Schema:**", "GSI/LSI", "prevent hot partitions",
				"**Idempotency:**", "unique event sequencing and deduplication at the consumer layer",
				"sub-10ms predictable latency",
				"backpressure management and decoupled service layers",
				"without any production regressions",
			},
		},
	}
	if len(p.Projects) != len(projects) {
		t.Fatalf("got %d projects, want %d", len(p.Projects), len(projects))
	}
	for i, w := range projects {
		got := p.Projects[i]
		t.Run(w.slug, func(t *testing.T) {
			check(t, "slug", got.Slug, w.slug)
			check(t, "title", plainDashes(got.Title), w.title)
			check(t, "source", got.Source, "projects/"+w.slug+".md")
			checkList(t, "stack", got.Stack, w.stack)
			if got.Summary == "" || strings.Contains(got.Summary, "\n") {
				t.Errorf("summary must be one non-empty line, got %q", got.Summary)
			}
			lines := strings.Split(got.Body, "\n")
			for _, h := range w.headings {
				if !contains(lines, h) {
					t.Errorf("body lacks heading line %q", h)
				}
			}
			for _, ph := range w.phrases {
				if !strings.Contains(got.Body, ph) {
					t.Errorf("body lacks %q", ph)
				}
			}
		})
	}

	t.Run("contact", func(t *testing.T) {
		if p.Contact.Heading == "" {
			t.Error("contact heading is empty")
		}
		if !strings.Contains(p.Contact.Body, "Interested in working together or have questions? Feel free to reach out!") {
			t.Errorf("contact body lacks the invitation: %q", p.Contact.Body)
		}
	})
}

// sourcePath is where CI puts the original profile text, beside the clone.
const sourcePath = "../../shared/profile-source.txt"

// structuralLines are the source's page names; the UI supplies them, so they
// are not content.
var structuralLines = map[string]bool{"Skills": true, "Projects": true, "Contact": true}

// TestSourceLinesPresent checks, line by line, that nothing of the original
// profile text went missing from the content.
func TestSourceLinesPresent(t *testing.T) {
	src, err := os.ReadFile(sourcePath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not present", sourcePath)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := loadDefault(t)

	units := map[string]bool{} // normalised paragraphs, bullets, headings and fields
	var fields []string
	fields = append(fields, p.Profile.Name, p.Profile.Title, p.Profile.Tagline, p.Profile.Body)
	fields = append(fields, p.Profile.Focus...)
	// The source's sentence "Focused on a, b, and c." is carried as the
	// focus list; rebuild it so the line-by-line check can find it.
	fields = append(fields, focusSentence(p.Profile.Focus))
	fields = append(fields, p.Skills.Areas...)
	itemLines := map[string]bool{} // each group's items, space-separated as in the source
	for _, g := range p.Skills.Groups {
		fields = append(fields, g.Name)
		fields = append(fields, g.Items...)
		itemLines[strings.Join(g.Items, " ")] = true
	}
	tags := map[string]bool{}
	for _, pr := range p.Projects {
		fields = append(fields, pr.Title, pr.Summary, pr.Body)
		for _, s := range pr.Stack {
			tags[s] = true
		}
	}
	fields = append(fields, p.Contact.Heading, p.Contact.Body)
	for _, f := range fields {
		for _, b := range markdownBlocks(f) {
			units[normalise(b)] = true
		}
	}
	inSomeUnit := func(parts ...string) bool {
		for u := range units {
			all := true
			for _, part := range parts {
				all = all && strings.Contains(u, part)
			}
			if all {
				return true
			}
		}
		return false
	}

	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || structuralLines[line] {
			continue
		}
		n := normalise(line)
		switch {
		case units[n]:
			continue
		case strings.Contains(line, "•"): // a stack line: "Go • PostgreSQL • …"
			for _, tag := range strings.Split(line, "•") {
				if tag = strings.TrimSpace(tag); !tags[tag] {
					t.Errorf("line %d: stack tag %q missing", i+1, tag)
				}
			}
			continue
		case itemLines[n]:
			continue
		}
		// A labelled bullet: the label and its text must appear together.
		if label, text, ok := strings.Cut(n, ": "); ok && inSomeUnit(label+":", text) {
			continue
		}
		// Several sentences may be split between fields (tagline and body).
		missing := false
		for _, s := range sentences(n) {
			if !inSomeUnit(s) {
				missing = true
			}
		}
		if missing {
			t.Errorf("line %d of the source is missing from the content: %q", i+1, line)
		}
	}
}

// markdownBlocks splits Markdown into headings, bullets and paragraphs,
// joining wrapped lines, so hard-wrapping the content does not matter.
func markdownBlocks(s string) []string {
	var blocks []string
	cur := ""
	flush := func() {
		if strings.TrimSpace(cur) != "" {
			blocks = append(blocks, cur)
		}
		cur = ""
	}
	for _, line := range strings.Split(s, "\n") {
		tl := strings.TrimSpace(line)
		switch {
		case tl == "":
			flush()
		case strings.HasPrefix(tl, "#"), strings.HasPrefix(tl, "- "), strings.HasPrefix(tl, "* "):
			flush()
			cur = tl
		default:
			cur += " " + tl
		}
	}
	flush()
	return blocks
}

// normalise drops Markdown and bullet syntax, unifies dashes and collapses
// whitespace so the source and the content compare by words.
func normalise(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "#•-* ")
	s = strings.ReplaceAll(s, "**", "")
	s = plainDashes(s)
	return strings.Join(strings.Fields(s), " ")
}

// sentences splits text after each ". ".
func sentences(s string) []string {
	var out []string
	for {
		i := strings.Index(s, ". ")
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i+1])
		s = s[i+2:]
	}
}

// ---------------------------------------------------------------------------
// Bad input

func project(title, extra, body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\ntitle: \"" + title + "\"\nsummary: One line.\nstack: [Go]\n" + extra + "---\n" + body)}
}

// validFS is the smallest valid content; each bad-input case breaks one thing.
func validFS() fstest.MapFS {
	return fstest.MapFS{
		"profile.md":    {Data: []byte("---\nname: N\ntitle: T\ntagline: Tag.\n---\n")},
		"skills.yaml":   {Data: []byte("areas: [A]\ngroups:\n  - name: G\n    areas: [A]\n    items: [x]\n")},
		"contact.md":    {Data: []byte("---\nheading: H\n---\nHello.\n")},
		"projects/a.md": project("Alpha", "", "## Goal\n\nText.\n"),
	}
}

func TestValidFSLoads(t *testing.T) {
	p, err := Load(validFS())
	if err != nil {
		t.Fatalf("the base of the bad-input tests must be valid: %v", err)
	}
	if p.Projects[0].Slug != "a" || p.Projects[0].Source != "projects/a.md" {
		t.Errorf("slug/source = %q/%q, want a/projects/a.md", p.Projects[0].Slug, p.Projects[0].Source)
	}
	if p.Contact.Heading != "H" || p.Contact.Body != "Hello." {
		t.Errorf("contact = %+v", p.Contact)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(fstest.MapFS)
		want   []string // each must start a line of the error
	}{
		{"missing profile field", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: N\ntitle: T\n---\n")
		}, []string{`profile.md: missing required field "tagline"`}},
		{"missing project field", func(f fstest.MapFS) {
			f["projects/foo.md"] = &fstest.MapFile{Data: []byte("---\nsummary: S\nstack: [Go]\n---\nBody\n")}
		}, []string{`projects/foo.md: missing required field "title"`}},
		{"blank field counts as missing", func(f fstest.MapFS) {
			f["projects/foo.md"] = project("   ", "", "Body")
		}, []string{`projects/foo.md: missing required field "title"`}},
		{"empty stack", func(f fstest.MapFS) {
			f["projects/a.md"].Data = []byte("---\ntitle: A\nsummary: S\nstack: []\n---\nBody\n")
		}, []string{`projects/a.md: missing required field "stack"`}},
		{"unparsable front matter", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: [N\ntitle: T\n---\n")
		}, []string{"profile.md: front matter: line "}},
		{"unparsable skills", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A\n")
		}, []string{"skills.yaml: line "}},
		{"wrong type", func(f fstest.MapFS) {
			f["projects/a.md"] = project("A", "order: first\n", "Body")
		}, []string{`projects/a.md: front matter: line 5, column 8: cannot unmarshal string into field "order"`}},
		{"unknown field", func(f fstest.MapFS) {
			f["projects/foo.md"] = &fstest.MapFile{Data: []byte("---\ntitel: T\nsummary: S\nstack: [Go]\n---\nBody\n")}
		}, []string{`projects/foo.md: front matter: line 2, column 1: unknown field "titel"`}},
		{"unknown skills field", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - name: G\n    area: [A]\n    items: [x]\n")
		}, []string{`skills.yaml: line 4, column 5: unknown field "area"`}},
		{"duplicate key", func(f fstest.MapFS) {
			f["contact.md"].Data = []byte("---\nheading: H\nheading: I\n---\nHi\n")
		}, []string{`contact.md: front matter: line 3, column 1: mapping key "heading" already defined at line 2`}},
		{"wrong type, full message", func(f fstest.MapFS) {
			f["projects/a.md"] = project("A", "order: first\n", "Body")
		}, []string{`projects/a.md: front matter: line 5, column 8: cannot unmarshal string into field "order", which must be a whole number`}},
		{"list for text", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: [N]\ntitle: T\ntagline: Tag\n---\n")
		}, []string{`profile.md: front matter: line 2, column 7: cannot unmarshal a list into field "name", which must be text`}},
		{"settings for text", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: {x: y}, areas: [A], items: [x]}\n")
		}, []string{`skills.yaml: line 3, column 12: cannot unmarshal settings into a value under "groups" that must be text`}},
		{"duplicate key in a list item", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - name: G\n    areas: [A]\n    name: H\n    items: [x]\n")
		}, []string{`skills.yaml: line 5, column 5: mapping key "name" already defined at line 3`}},
		{"duplicate slug", func(f fstest.MapFS) {
			f["projects/b.md"] = project("Beta", "slug: a\n", "Body")
		}, []string{`projects/b.md: duplicate project slug "a" (also in projects/a.md)`}},
		{"duplicate title", func(f fstest.MapFS) {
			f["projects/b.md"] = project("alpha", "", "Body")
		}, []string{`projects/b.md: duplicate project title "alpha" (also in projects/a.md)`}},
		{"duplicate group", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: G, areas: [A], items: [x]}\n  - {name: G, areas: [A], items: [y]}\n")
		}, []string{`skills.yaml: duplicate group name "G"`}},
		{"unknown area", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: G, areas: [A], items: [x]}\n  - {name: X, areas: [Foo], items: [y]}\n")
		}, []string{`skills.yaml: group "X": unknown area "Foo"`}},
		{"unused area", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A, B]\ngroups:\n  - {name: G, areas: [A], items: [x]}\n")
		}, []string{`skills.yaml: area "B" is not used by any group`}},
		{"no areas, no groups", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("# nothing yet\n")
		}, []string{`skills.yaml: missing required field "areas"`, `skills.yaml: missing required field "groups"`}},
		{"empty group items", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: G, areas: [A], items: []}\n")
		}, []string{`skills.yaml: group "G": missing required field "items"`}},
		{"blank group item", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: G, areas: [A], items: [x, \" \"]}\n")
		}, []string{`skills.yaml: group "G": field "items": item 2 is empty`}},
		{"nameless group", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {areas: [A], items: [x]}\n")
		}, []string{`skills.yaml: group 1: missing required field "name"`}},
		{"missing profile", func(f fstest.MapFS) { delete(f, "profile.md") },
			[]string{"profile.md: file not found"}},
		{"missing skills", func(f fstest.MapFS) { delete(f, "skills.yaml") },
			[]string{"skills.yaml: file not found"}},
		{"missing contact", func(f fstest.MapFS) { delete(f, "contact.md") },
			[]string{"contact.md: file not found"}},
		{"missing front matter", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("name: N\ntitle: T\ntagline: Tag\n")
		}, []string{`profile.md: missing front matter`}},
		{"unclosed front matter", func(f fstest.MapFS) {
			f["projects/a.md"].Data = []byte("---\ntitle: A\nsummary: S\nstack: [Go]\nBody\n")
		}, []string{`projects/a.md: front matter is not closed`}},
		{"bad slug", func(f fstest.MapFS) {
			f["projects/a.md"] = project("A", "slug: Not OK\n", "Body")
		}, []string{`projects/a.md: invalid slug "Not OK"`}},
		{"bad slug from file name", func(f fstest.MapFS) {
			f["projects/My Project.md"] = project("B", "", "Body")
		}, []string{`projects/My Project.md: file name gives the invalid slug "my project"`}},
		{"raw escape in field", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: \"N\x1b[2J\"\ntitle: T\ntagline: Tag\n---\n")
		}, []string{`profile.md: field "name" contains control character U+001B`}},
		{"YAML-escaped escape in field", func(f fstest.MapFS) {
			f["projects/a.md"] = project(`A\u001b]8;;x\u0007`, "", "Body")
		}, []string{`projects/a.md: field "title" contains control character U+001B`}},
		{"C1 control in list item", func(f fstest.MapFS) {
			f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: G, areas: [A], items: [\"x\\u009b\"]}\n")
		}, []string{`skills.yaml: group "G": field "items": item 1 contains control character U+009B`}},
		{"line break in one-line field", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: N\ntitle: T\ntagline: |\n  one\n  two\n---\n")
		}, []string{`profile.md: field "tagline" contains a line break`}},
		{"escape in body", func(f fstest.MapFS) {
			f["projects/a.md"] = project("A", "", "Fine\n\tindented\nbad \x1b[31m\n")
		}, []string{`projects/a.md: body line 8 contains control character U+001B`}},
		{"invalid UTF-8", func(f fstest.MapFS) {
			f["contact.md"].Data = []byte("---\nheading: H\n---\n\x9b31m\n")
		}, []string{`contact.md: not valid UTF-8`}},
		{"empty project body", func(f fstest.MapFS) {
			f["projects/a.md"] = project("A", "", " \n\n")
		}, []string{`projects/a.md: body is empty`}},
		{"empty contact body", func(f fstest.MapFS) {
			f["contact.md"].Data = []byte("---\nheading: H\n---\n")
		}, []string{`contact.md: body is empty`}},
		{"incomplete link", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: N\ntitle: T\ntagline: Tag\nlinks:\n  - label: GitHub\n---\n")
		}, []string{`profile.md: links item 1: missing required field "url"`}},
		{"link without scheme", func(f fstest.MapFS) {
			f["profile.md"].Data = []byte("---\nname: N\ntitle: T\ntagline: Tag\nlinks:\n  - {label: GitHub, url: github.com/x}\n---\n")
		}, []string{`profile.md: links item 1: url "github.com/x" must be a full address`}},
		{"no projects", func(f fstest.MapFS) { delete(f, "projects/a.md") },
			[]string{"projects/: no project files found"}},
		{"only non-project files", func(f fstest.MapFS) {
			delete(f, "projects/a.md")
			f["projects/notes.txt"] = &fstest.MapFile{Data: []byte("x")}
			f["projects/.a.md.swp.md"] = project("Hidden", "", "Body")
		}, []string{"projects/: no project files found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := validFS()
			c.break_(f)
			p, err := Load(f)
			if err == nil {
				t.Fatalf("loaded without error: %+v", p)
			}
			if p != nil {
				t.Error("returned a portfolio along with the error")
			}
			for _, w := range c.want {
				if !strings.Contains("\n"+err.Error(), "\n"+w) {
					t.Errorf("error does not report %q; got:\n%v", w, err)
				}
			}
		})
	}
}

// TestAllProblemsReported makes sure one run lists every problem, across
// files and within a file.
func TestAllProblemsReported(t *testing.T) {
	f := validFS()
	f["profile.md"].Data = []byte("---\ntitle: T\n---\n")
	f["skills.yaml"].Data = []byte("areas: [A]\ngroups:\n  - {name: G, areas: [B], items: []}\n")
	delete(f, "contact.md")
	f["projects/b.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Alpha\nslug: Bad!\n---\n")}
	_, err := Load(f)
	want := []string{
		`profile.md: missing required field "name"`,
		`profile.md: missing required field "tagline"`,
		`skills.yaml: group "G": missing required field "items"`,
		`skills.yaml: group "G": unknown area "B"`,
		`skills.yaml: area "A" is not used by any group`,
		`projects/b.md: missing required field "summary"`,
		`projects/b.md: missing required field "stack"`,
		`projects/b.md: body is empty`,
		`projects/b.md: invalid slug "Bad!"`,
		`projects/b.md: duplicate project title "Alpha" (also in projects/a.md)`,
		`contact.md: file not found`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error is not a joined error: %T", err)
	}
	if n := len(joined.Unwrap()); n != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", n, len(want), err)
	}
	for _, w := range want {
		if !strings.Contains("\n"+err.Error(), "\n"+w) {
			t.Errorf("missing %q in:\n%v", w, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Loading behaviour

func TestProjectOrderAndSlugs(t *testing.T) {
	f := validFS()
	f["projects/a.md"] = project("Alpha", "order: 2\n", "Body")
	f["projects/Z-Last.md"] = project("Zeta", "order: 1\n", "Body")
	f["projects/b.md"] = project("Beta", "order: 2\nslug: zz\n", "Body")
	f["projects/c.md"] = project("Gamma", "order: 2\nslug: aa\n", "Body")
	p, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pr := range p.Projects {
		got = append(got, pr.Slug+"="+pr.Source)
	}
	checkList(t, "projects", got, []string{"z-last=projects/Z-Last.md", "a=projects/a.md", "aa=projects/c.md", "zz=projects/b.md"})
}

func TestTrimsWhitespace(t *testing.T) {
	f := validFS()
	f["profile.md"].Data = []byte("---\nname: \"  N  \"\ntitle: T\ntagline: Tag\nfocus: [\" a \"]\n---\n\n\n  Body  \n\n")
	p, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if p.Profile.Name != "N" || p.Profile.Focus[0] != "a" || p.Profile.Body != "Body" {
		t.Errorf("not trimmed: %+v", p.Profile)
	}
}

func TestCRLFAndBOM(t *testing.T) {
	want := loadDefault(t)
	f := fstest.MapFS{}
	for _, name := range []string{"profile.md", "skills.yaml", "contact.md", "projects/notelytix.md", "projects/activity-logging.md"} {
		data, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(data), "\n", "\r\n")
		f[name] = &fstest.MapFile{Data: []byte("\uFEFF" + text)}
	}
	got, err := Load(f)
	if err != nil {
		t.Fatalf("CRLF + BOM content does not load:\n%v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CRLF + BOM content loads differently:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, Embedded()); err != nil {
		t.Fatal(err)
	}
	got, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir on a copy of the content: %v", err)
	}
	if want := loadDefault(t); !reflect.DeepEqual(got, want) {
		t.Errorf("LoadDir differs from Default:\n got %+v\nwant %+v", got, want)
	}

	// Problems name the file on disk.
	bad := filepath.Join(dir, "contact.md")
	if err := os.WriteFile(bad, []byte("---\nheading: H\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); err == nil || !strings.HasPrefix(err.Error(), bad+": body is empty") {
		t.Errorf("LoadDir error = %v, want it to start with %q", err, bad+": body is empty")
	}
}

func TestLoadDirMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := LoadDir(missing)
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("LoadDir(%q) error = %v, want a clear 'does not exist'", missing, err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("LoadDir on a file: error = %v, want 'not a directory'", err)
	}
}

// ---------------------------------------------------------------------------
// Helpers

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func checkList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// focusSentence turns the focus list back into the source's sentence form.
func focusSentence(focus []string) string {
	lower := make([]string, len(focus))
	for i, f := range focus {
		lower[i] = strings.ToLower(f)
	}
	if n := len(lower); n > 1 {
		lower[n-1] = "and " + lower[n-1]
	}
	return "Focused on " + strings.Join(lower, ", ") + "."
}

// A content file over MaxFile (a 2 GB sparse file) stops the start with an
// error naming the file and the cap, found by its size, not by reading it.
func TestLoadDirOversize(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, Embedded()); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "profile.md")
	if err := os.Truncate(big, 2<<30); err != nil {
		t.Fatal(err)
	}
	_, err := LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), big+": is 2 GiB, over the cap of 1 MiB for a content file") {
		t.Fatalf("LoadDir with a 2 GB profile.md = %v; want a refusal naming the file and the cap", err)
	}
}
