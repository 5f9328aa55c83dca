package content

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pragyamugale/portfolio/internal/theme"
)

// findings is a report's errors or warnings as "file:line: message".
func findings(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	return out
}

// wantFinding fails unless one finding starts with prefix and contains
// each of parts.
func wantFinding(t *testing.T, got []Finding, prefix string, parts ...string) {
	t.Helper()
	for _, s := range findings(got) {
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(s, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no finding %q … %q in:\n%s", prefix, parts, strings.Join(findings(got), "\n"))
}

// TestCheckErrorsAtTheirLine: what the server refuses, each at its file
// and line, as compilers write it.
func TestCheckErrorsAtTheirLine(t *testing.T) {
	fsys := validFS()
	fsys["skills.yaml"] = &fstest.MapFile{Data: []byte("areas: [A]\ngroups:\n  - name: G\n    areas:\n      - A\n      - Nope\n    items: [x]\n")}
	fsys["projects/b.md"] = project("Beta", "slug: \"Bad Slug\"\n", "Body\n")
	fsys["profile.md"] = &fstest.MapFile{Data: []byte("---\nname: N\ntitle: T\ntagline: Tag.\nlinks:\n  - label: Site\n    url: example.org\n---\n")}
	fsys["contact.md"] = &fstest.MapFile{Data: []byte("---\nheading: H\n---\nHello.\nbad \x1b[31m\n")}
	r := CheckFS(fsys)
	if r.OK() || r.Portfolio != nil {
		t.Fatalf("check passed: %+v", r)
	}
	wantFinding(t, r.Errors, "skills.yaml:6: ", `unknown area "Nope"`)
	wantFinding(t, r.Errors, "projects/b.md:5: ", `invalid slug "Bad Slug"`)
	wantFinding(t, r.Errors, "profile.md:7: ", `url "example.org" must be a full address`)
	wantFinding(t, r.Errors, "contact.md:5: ", "control character")

	fsys = validFS()
	fsys["skills.yaml"] = &fstest.MapFile{Data: []byte("areas: [A]\ngroups:\n  - name: G\n    colour: red\n")}
	wantFinding(t, CheckFS(fsys).Errors, "skills.yaml:4: ", "colour")
}

// TestCheckWarnings: what a visitor would miss is a warning at its line;
// the content still serves.
func TestCheckWarnings(t *testing.T) {
	fsys := validFS()
	long := strings.Repeat("word ", 20)
	code := strings.Repeat("x", 90)
	tall := strings.Repeat("line\n", 25)
	fsys["projects/a.md"] = project("Alpha", "highlights: [\"Cut latency by 40%\", \"Served 3 regions\"]\n",
		"## Goal\n\nServed 3 regions.\n\n```\n"+code+"\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n"+tall+"```\n")
	fsys["projects/c.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Gamma\nsummary: \"" + long + "\"\nstack: [Go]\n---\nBody.\n")}
	r := CheckFS(fsys)
	if !r.OK() || r.Portfolio == nil {
		t.Fatalf("warnings only, yet errors: %v", r.Err())
	}
	wantFinding(t, r.Warnings, "profile.md: ", "no links")
	wantFinding(t, r.Warnings, "projects/a.md:5: ", "highlight 1", `"40%"`)
	wantFinding(t, r.Warnings, "projects/a.md:12: ", "code line is 90 columns")
	wantFinding(t, r.Warnings, "projects/a.md:15: ", "a table")
	wantFinding(t, r.Warnings, "projects/a.md:20: ", "code block is 25 lines")
	wantFinding(t, r.Warnings, "projects/c.md:3: ", "summary is 99 columns", "one line")
	for _, s := range findings(r.Warnings) {
		if strings.Contains(s, "Served 3 regions") {
			t.Errorf("a figure the case study states is flagged: %s", s)
		}
	}

	// The same content with links, one-line summaries and backed figures
	// has nothing to say.
	fsys = validFS()
	fsys["profile.md"] = &fstest.MapFile{Data: []byte("---\nname: N\ntitle: T\ntagline: Tag.\nlinks:\n  - label: Email\n    url: mailto:n@example.org\n---\n")}
	if r := CheckFS(fsys); !r.OK() || len(r.Warnings) > 0 {
		t.Errorf("clean content: %v / %v", r.Err(), findings(r.Warnings))
	}
}

// TestCheckJSONShape pins the documented JSON: editors and CI read it.
func TestCheckJSONShape(t *testing.T) {
	r := Report{
		Errors:   []Finding{{File: "skills.yaml", Line: 3, Message: "m"}},
		Warnings: []Finding{{File: "profile.md", Message: "w"}},
	}
	b, _ := json.Marshal(r)
	if want := `{"errors":[{"file":"skills.yaml","line":3,"message":"m"}],"warnings":[{"file":"profile.md","message":"w"}]}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	if b, _ := json.Marshal(Report{}); string(b) != `{"errors":[],"warnings":[]}` {
		t.Errorf("empty report = %s", b)
	}
}

// TestThemeContrastFails: an accent that fails the palette's contrast
// rules is an error naming the colour, the background and the ratio.
func TestThemeContrastFails(t *testing.T) {
	fsys := validFS()
	fsys["theme.yaml"] = &fstest.MapFile{Data: []byte("accent:\n  dark: \"#333333\"\n  light: \"#6B32C8\"\naccent2:\n  light: \"#FFFF00\"\n")}
	r := CheckFS(fsys)
	wantFinding(t, r.Errors, "theme.yaml:2: ", "accent dark: colour #333333 has contrast 1.11:1 on the dark background #282C34; it needs at least 4.5:1")
	wantFinding(t, r.Errors, "theme.yaml:5: ", "accent2 light: colour #FFFF00 has contrast 1.02:1 on the light background #F5F5F5")
	if _, err := Load(fsys); err == nil {
		t.Error("Load serves a low-contrast theme")
	}
	fsys["theme.yaml"] = &fstest.MapFile{Data: []byte("accent:\n  dark: red\n")}
	wantFinding(t, CheckFS(fsys).Errors, "theme.yaml:2: ", `"red" is not a colour`)
}

// TestThemeApplies: a good theme replaces the accent, with its 256- and
// 16-colour fallbacks derived to pass the same rules; the rest of the
// palette stays.
func TestThemeApplies(t *testing.T) {
	fsys := validFS()
	fsys["theme.yaml"] = &fstest.MapFile{Data: []byte("# mine\naccent:\n  dark: \"#FF8800\"\n  light: \"#A03000\"\n")}
	r := CheckFS(fsys)
	if !r.OK() {
		t.Fatal(r.Err())
	}
	set := r.Portfolio.Colors()
	if set.Accent.Dark.True != "#FF8800" || set.Accent.Light.True != "#A03000" {
		t.Fatalf("accent = %+v", set.Accent)
	}
	for _, dark := range []bool{true, false} {
		if f := theme.CheckTone(set.Accent.Tone(dark), dark, theme.TextContrast); len(f) > 0 {
			t.Errorf("derived accent fails: %v", f)
		}
	}
	if set.Accent2 != theme.Palette.Accent2 || set.Muted != theme.Palette.Muted {
		t.Error("a theme with only accent changed other roles")
	}
	if p, _ := Load(validFS()); p.Colors() != theme.Palette {
		t.Error("no theme.yaml, yet not the built-in palette")
	}
	if !slices.Equal(findings(r.Errors), nil) {
		t.Error(r.Errors)
	}
}
