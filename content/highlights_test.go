package content

import (
	"strings"
	"testing"
)

// TestHighlightsComeFromTheCaseStudy: the first screen shows highlights,
// and every figure in one must appear in its own case study: no invented
// numbers.
func TestHighlightsComeFromTheCaseStudy(t *testing.T) {

	n := 0
	for _, p := range loadDefault(t).Projects {
		for _, h := range p.Highlights {
			n++
			for _, f := range figures(h) {
				if !strings.Contains(p.Body, f) {
					t.Errorf("%s: highlight %q has %q, which its case study doesn't", p.Slug, h, f)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no project has highlights: the first screen has none to show")
	}
}

func TestHighlightsValidated(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"too many", "highlights: [a, b, c, d]\n", `field "highlights" has 4 items; keep at most 3`},
		{"too long", "highlights: [\"" + strings.Repeat("x", 81) + "\"]\n", `item 1 is 81 characters long`},
		{"empty item", "highlights: [\"\"]\n", `field "highlights": item 1 is empty`},
		{"control", "highlights: [\"a\\u001b[31m\"]\n", `control character`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := validFS()
			fsys["projects/foo.md"] = project("Foo", tc.yaml, "Body\n")
			_, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "projects/foo.md") {
				t.Fatalf("error %v, want one naming projects/foo.md and %q", err, tc.want)
			}
		})
	}
	fsys := validFS()
	fsys["projects/foo.md"] = project("Foo", "highlights: [\"Fast\", \"Durable\"]\n", "Body\n")
	pf, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pf.Projects {
		if p.Slug == "foo" && strings.Join(p.Highlights, "|") != "Fast|Durable" {
			t.Errorf("highlights = %q", p.Highlights)
		}
	}
}
