package core

import (
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/content"
)

func TestElsewhere(t *testing.T) {
	t.Parallel()
	pf := content.Portfolio{Profile: content.Profile{Links: []content.Link{
		{Label: "GitHub", URL: "https://github.com/example"},
		{Label: "Email", URL: "mailto:owner@example.com"},
		{Label: "https://example.com", URL: "https://example.com"},
	}}}
	got := strings.Join(elsewhere(&pf), "; ")
	const want = "GitHub (https://github.com/example); Email (owner@example.com); https://example.com"
	if got != want {
		t.Errorf("elsewhere = %q, want %q", got, want)
	}
	if e := elsewhere(&content.Portfolio{}); len(e) != 0 {
		t.Errorf("no links: %q", e)
	}
}

// TestPrintable: a content finding keeps its words and quotes for the log
// and loses what could act on a terminal.
func TestPrintable(t *testing.T) {
	in := "profile.md:3: field \"name\": \x1b[31mred\x1b[0m \u202eevil\u202c ok"
	want := "profile.md:3: field \"name\": \uFFFD[31mred\uFFFD[0m \uFFFDevil\uFFFD ok"
	if got := printable(in); got != want {
		t.Errorf("printable(%q) = %q, want %q", in, got, want)
	}
}
