package markdown

import (
	"strings"
	"sync"
	"testing"
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
			outs[i] = Render(src, 40, Theme{Dark: true, Accent: "#B794F6"})
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
	Render(src, 41, Theme{Dark: true, Accent: "#B794F6"})
	Render(src, 40, Theme{Dark: false, Accent: "#6B32C8"})
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
	out := Render(sample+"\n"+strings.Repeat("word ", 40), 50, Theme{Dark: true, Accent: "#B794F6"})
	if noopSGR.MatchString(out) {
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
