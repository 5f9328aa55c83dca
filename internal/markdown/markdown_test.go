package markdown

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	xansi "github.com/charmbracelet/x/ansi"
)

const sample = "## Heading\n\n- **Label:** a bullet with *emphasis* and enough words to wrap at narrow widths.\n"

func TestRenderCachedOncePerKey(t *testing.T) {
	src := sample + t.Name() // a source no other test renders
	before := CacheLen()
	var wg sync.WaitGroup
	outs := make([]string, 8)
	for i := range outs {
		wg.Add(1)
		go func() { // concurrent sessions asking at once share one render
			defer wg.Done()
			outs[i] = Render(src, 40, Theme{Accent: "#B794F6"})
		}()
	}
	wg.Wait()
	if got := CacheLen() - before; got != 1 {
		t.Fatalf("8 concurrent renders added %d cache entries, want 1", got)
	}
	for _, o := range outs[1:] {
		if o != outs[0] {
			t.Fatal("concurrent renders differ")
		}
	}
	Render(src, 41, Theme{Accent: "#B794F6"})
	Render(src, 40, Theme{Accent: "#6B32C8"})
	if got := CacheLen() - before; got != 3 {
		t.Fatalf("a new width and a new theme should each add an entry; got %d entries", got)
	}
}

func TestPlainHasNoEscapes(t *testing.T) {
	out := Render(sample, 30, Theme{Plain: true})
	if strings.ContainsRune(out, '\x1b') {
		t.Fatalf("plain rendering contains ESC: %q", out)
	}
	for _, want := range []string{"## Heading", "Label: a bullet"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain rendering lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "**") {
		t.Errorf("plain rendering keeps Markdown emphasis markers:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > 30 {
			t.Errorf("line wider than 30: %q", l)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing space: %q", l)
		}
	}
}

func TestColourHasNoEmptyStyling(t *testing.T) {
	out := Render(sample+"\n"+strings.Repeat("word ", 40), 50, Theme{Accent: "#B794F6"})
	if regexp.MustCompile(`(\x1b\[[0-9;]*m)+\x1b\[0?m`).MatchString(out) {
		t.Errorf("styling set and reset with nothing between: %q", out)
	}
}

func TestCacheBounded(t *testing.T) {
	for i := range mdCacheMax + 10 {
		Render("x", 10+i, Theme{Plain: true})
	}
	if n := CacheLen(); n > mdCacheMax {
		t.Fatalf("cache holds %d entries, max %d", n, mdCacheMax)
	}
}

func TestListItemsHang(t *testing.T) {
	src := "- **Lead:** " + strings.Repeat("word ", 30) + "\n- short\n"
	for _, theme := range []Theme{{Plain: true}, {Accent: "5"}} {
		out := xansi.Strip(Render(src, 40, theme))
		lines := strings.Split(out, "\n")
		if len(lines) < 4 {
			t.Fatalf("expected wrapping:\n%s", out)
		}
		for i, l := range lines {
			if xansi.StringWidth(l) > 40 {
				t.Errorf("line %d wider than 40: %q", i, l)
			}
			if strings.HasPrefix(strings.TrimLeft(l, " "), "word") && !strings.HasPrefix(l, "    word") {
				t.Errorf("continuation line not under the item's text: %q\n%s", l, out)
			}
		}
	}
}

func TestHeadingHugsItsText(t *testing.T) {
	out := xansi.Strip(Render("Intro.\n\n## Next\n\nBody.\n", 40, Theme{Accent: "5"}))
	want := "Intro.\n\n▍Next\nBody."
	if out != want {
		t.Errorf("got %q, want %q (space above a heading, none below)", out, want)
	}
}

func TestBodyKeepsTerminalColours(t *testing.T) {
	out := Render("Plain **bold** text.\n\n## Head\n", 40, Theme{Accent: "5"})
	if strings.Contains(out, "38;") {
		t.Errorf("body text or heading uses an extended colour: %q", out)
	}
	if !strings.Contains(out, "\x1b[1;35m") && !strings.Contains(out, "35") {
		t.Errorf("heading not in the accent: %q", out)
	}
	if strings.Contains(out, "\x1b[3m") || strings.Contains(out, ";3m") {
		t.Errorf("italics used: %q", out)
	}
	first := strings.Split(out, "\n")[0]
	if strings.HasPrefix(first, "\x1b[3") {
		t.Errorf("body text coloured: %q", first)
	}
}

func TestLinks(t *testing.T) {
	src := "See [the site](https://example.com/x) now.\n"
	if out := Render(src, 60, Theme{Plain: true}); !strings.Contains(out, "the site (https://example.com/x)") {
		t.Errorf("plain link lacks its address: %q", out)
	}
	if out := Render(src, 60, Theme{Accent: "5", Hyperlinks: true}); !strings.Contains(out, "\x1b]8;;https://example.com/x") {
		t.Errorf("no OSC 8 hyperlink: %q", out)
	}
}

// BenchmarkRenderCold is one uncached render of a case study at 78
// columns: what the first visitor at a new width pays.
func BenchmarkRenderCold(b *testing.B) {
	src, err := os.ReadFile("../../content/projects/notelytix.md")
	if err != nil {
		b.Fatal(err)
	}
	body := strings.SplitN(string(src), "\n---\n", 2)[1]
	theme := Theme{Accent: "#B794F6"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		Render(body+strings.Repeat("\n", i%1000+1)+strconv.Itoa(i), 78, theme)
	}
}
