package content

import "unicode/utf8"

// Limits on a project's highlights: they are read at a glance on the first
// screen, beside every other project's, so they stay few and short.
const (
	MaxHighlights     = 3
	MaxHighlightChars = 80
)

// highlights validates a project's optional "highlights" list: one line
// each, at most MaxHighlights of at most MaxHighlightChars characters.
func (l *loader) highlights(file string, raw []string) []string {
	hs := l.list(file, "", "highlights", raw, false)
	if len(hs) > MaxHighlights {
		l.problemAt(file, l.at(file, "highlights"), "field %q has %d items; keep at most %d", "highlights", len(hs), MaxHighlights)
	}
	for i, h := range hs {
		if n := utf8.RuneCountInString(h); n > MaxHighlightChars {
			l.problemAt(file, l.itemLine(file, "highlights", i), "field %q: item %d is %d characters long; keep it under %d", "highlights", i+1, n, MaxHighlightChars+1)
		}
	}
	return hs
}
