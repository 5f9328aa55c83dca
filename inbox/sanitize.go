package inbox

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Sanitize makes visitor text safe to store and to print on a terminal.
//
// The result is valid UTF-8 in NFC. Terminal escape sequences (CSI, OSC,
// DCS, APC, PM, SOS — 7-bit "ESC …" and 8-bit C1 forms) are removed
// whole; every other C0/C1 control is removed, as are all format
// characters (Unicode category Cf: bidi embeddings, overrides, isolates
// and marks, zero-width space/joiner/non-joiner, word joiner, BOM, soft
// hyphen, tag characters…) and U+2028/U+2029.
//
// With multiline, "\r\n", lone '\r' and U+0085 become '\n', other
// whitespace becomes a space, trailing spaces are trimmed from every line,
// runs of blank lines collapse to one blank line and leading and trailing
// blank lines are dropped. Without it, line breaks count as whitespace,
// every run of whitespace becomes one space and the ends are trimmed.
//
// Sanitize is idempotent: Sanitize(Sanitize(s, m), m) == Sanitize(s, m).
func Sanitize(s string, multiline bool) string {
	out := sanitizePass(s, multiline)
	// Normalisation can, in theory, bring together text that the first
	// pass would treat differently; repeat until nothing changes (in
	// practice the second pass is always a no-op).
	for i := 0; i < 4; i++ {
		next := sanitizePass(out, multiline)
		if next == out {
			break
		}
		out = next
	}
	return out
}

// Truncate shortens s to at most max runes, never splitting a rune.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

func sanitizePass(s string, multiline bool) string {
	rs := decodeValid(s)
	var b strings.Builder
	b.Grow(len(s))
	// Once a control string is found unterminated, every later one is
	// too; remembering that keeps the pass linear.
	unterminated := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\r':
			if i+1 < len(rs) && rs[i+1] == '\n' {
				continue // the '\n' that follows is the break
			}
			b.WriteRune(lineBreak(multiline))
		case r == '\n' || r == '\u0085': // LF, NEL
			b.WriteRune(lineBreak(multiline))
		case r == 0x1b: // ESC
			i += escapeLen(rs[i+1:], &unterminated)
		case r >= 0x80 && r <= 0x9f: // C1
			i += c1Len(r, rs[i+1:], &unterminated)
		case removed(r):
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	var out string
	if multiline {
		out = tidyLines(b.String())
	} else {
		out = strings.Join(strings.Fields(b.String()), " ")
	}
	return norm.NFC.String(out)
}

func lineBreak(multiline bool) rune {
	if multiline {
		return '\n'
	}
	return ' '
}

// removed reports whether r is dropped outright: controls (C0/C1 that
// aren't handled as whitespace), format characters and the Unicode line
// and paragraph separators.
func removed(r rune) bool {
	switch {
	case r == '\t' || r == '\v' || r == '\f':
		return false // whitespace: becomes a space
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r):
		return true
	case r == '\u2028', r == '\u2029':
		return true
	}
	return false
}

// decodeValid returns the runes of s, dropping bytes that aren't valid UTF-8.
func decodeValid(s string) []rune {
	rs := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		rs = append(rs, r)
	}
	return rs
}

// escapeLen returns how many runes after an ESC belong to its escape
// sequence (all of them are dropped with the ESC).
func escapeLen(rest []rune, unterminated *bool) int {
	if len(rest) == 0 {
		return 0
	}
	switch r := rest[0]; {
	case r == '[': // CSI
		return 1 + csiLen(rest[1:])
	case r == ']' || r == 'P' || r == 'X' || r == '^' || r == '_': // OSC DCS SOS PM APC
		return 1 + stringLen(rest[1:], unterminated)
	case r >= 0x20 && r <= 0x2f: // intermediates, then a final byte
		n := 1
		for n < len(rest) && rest[n] >= 0x20 && rest[n] <= 0x2f {
			n++
		}
		if n < len(rest) && rest[n] >= 0x30 && rest[n] <= 0x7e {
			n++
		}
		return n
	case r >= 0x30 && r <= 0x7e: // two-character escape (ESC c, ESC 7…)
		return 1
	}
	return 0
}

// c1Len is escapeLen for 8-bit C1 introducers.
func c1Len(r rune, rest []rune, unterminated *bool) int {
	switch r {
	case 0x9b: // CSI
		return csiLen(rest)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC DCS SOS PM APC
		return stringLen(rest, unterminated)
	}
	return 0
}

// csiLen returns the length of a control sequence's parameters,
// intermediates and final byte.
func csiLen(rest []rune) int {
	n := 0
	for n < len(rest) && rest[n] >= 0x20 && rest[n] <= 0x3f {
		n++
	}
	if n < len(rest) && rest[n] >= 0x40 && rest[n] <= 0x7e {
		n++
	}
	return n
}

// stringLen returns the length of a control string (OSC payload…) up to
// and including its terminator: BEL, ESC \ or ST (U+009C). An unterminated
// string isn't swallowed — only its introducer goes, so a stray "ESC ]"
// can't eat the rest of a message.
func stringLen(rest []rune, unterminated *bool) int {
	if *unterminated {
		return 0
	}
	for n := 0; n < len(rest); n++ {
		switch rest[n] {
		case 0x07, 0x9c:
			return n + 1
		case 0x1b:
			if n+1 < len(rest) && rest[n+1] == '\\' {
				return n + 2
			}
		}
	}
	*unterminated = true
	return 0
}

// tidyLines trims trailing spaces from each line, collapses runs of blank
// lines to one and drops leading and trailing blank lines.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
