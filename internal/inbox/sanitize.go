package inbox

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/uax29/v2/graphemes"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// Sanitize makes visitor text safe to store and to print on a terminal,
// and keeps everything a person writes. It is the one text policy of the
// inbox: every channel (terminal form, piped contact, web form, web
// terminal) goes through it, and README.md ("What a message keeps")
// restates it.
//
// The result is valid UTF-8 in NFC (Unicode normalisation form C).
//
// Removed, because it attacks the reader rather than says something:
//   - terminal escape sequences (CSI, OSC, DCS, APC, PM, SOS — 7-bit
//     "ESC …" and 8-bit C1 forms), whole, as charmbracelet/x/ansi parses
//     them;
//   - every other C0/C1 control (category Cc), and U+2028/U+2029;
//   - the bidi controls of UAX #9 (property Bidi_Control: embeddings,
//     overrides, isolates and the marks LRM, RLM, ALM), which reorder
//     what the reader sees;
//   - the interlinear annotation controls U+FFF9–U+FFFB;
//   - default-ignorable code points (Unicode's derived property
//     Default_Ignorable_Code_Point: characters that show nothing) standing
//     alone, at the ends of the text, a line or a word, or in runs — except
//     where writing puts them, below.
//
// Kept, because scripts and emoji are written with them (UTS #51, UAX #29):
//   - one format character (category Cf: ZERO WIDTH JOINER and NON-JOINER,
//     zero width space, word joiner, soft hyphen, Mongolian vowel
//     separator…) between two visible characters: Persian "کتاب‌ها",
//     Devanagari half forms "क्‍ष", emoji ZWJ sequences "👨‍👩‍👧";
//   - a variation selector or U+034F COMBINING GRAPHEME JOINER right after
//     a visible character ("✌️", keycaps "#️⃣");
//   - a whole emoji tag sequence (tag characters U+E0020–U+E007E closed by
//     U+E007F CANCEL TAG) after a visible character: subdivision flags;
//   - any other default-ignorable (Hangul fillers, Khmer inherent vowels)
//     only inside a grapheme cluster after a visible character, as in old
//     Hangul jamo sequences.
//
// Everything else is text and is kept as typed: letters and marks of every
// script, emoji and their modifiers, regional-indicator flags, visible
// format characters (Arabic number signs, Egyptian hieroglyph controls).
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

// Truncate shortens s to at most max characters as Length counts them
// (code points), never splitting a grapheme cluster: a family emoji or a
// letter with its accents stays whole or goes whole.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if len(s) <= max {
		return s // no more code points than bytes
	}
	n := 0
	it := graphemes.FromString(s)
	for it.Next() {
		n += Length(it.Value())
		if n > max {
			return s[:it.Start()]
		}
	}
	return s
}

func sanitizePass(s string, multiline bool) string {
	plain := stripSequences(s)
	// First the characters that go wherever they are, and whitespace.
	var b strings.Builder
	b.Grow(len(plain))
	ignorable := false // the text holds default-ignorables, to be judged in context
	for i, r := range plain {
		switch {
		case r >= ' ' && r < 0x7f: // printable ASCII, most of any text
			b.WriteByte(byte(r))
		case r == '\r':
			if strings.HasPrefix(plain[i+1:], "\n") {
				continue // the '\n' that follows is the break
			}
			b.WriteRune(lineBreak(multiline))
		case r == '\n' || r == '\u0085': // LF, NEL
			b.WriteRune(lineBreak(multiline))
		case removed(r):
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			ignorable = ignorable || DefaultIgnorable(r)
			b.WriteRune(r)
		}
	}
	text := b.String()
	if ignorable {
		text = string(keepWriting([]rune(text)))
	}
	var out string
	if multiline {
		out = tidyLines(text)
	} else {
		out = strings.Join(strings.Fields(text), " ")
	}
	return norm.NFC.String(out)
}

func lineBreak(multiline bool) rune {
	if multiline {
		return '\n'
	}
	return ' '
}

// removed reports whether r is dropped wherever it is: controls (C0/C1
// that aren't handled as whitespace), the bidi controls of UAX #9, the
// interlinear annotation controls and the Unicode line and paragraph
// separators.
func removed(r rune) bool {
	switch {
	case r == '\t' || r == '\v' || r == '\f':
		return false // whitespace: becomes a space
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Bidi_Control, r):
		return true
	case r == '\u2028', r == '\u2029', r >= '\ufff9' && r <= '\ufffb':
		return true
	}
	return false
}

// ignorableSources are the properties whose union, less the exceptions
// in DefaultIgnorable, is Unicode's derived Default_Ignorable_Code_Point
// (DerivedCoreProperties.txt).
var ignorableSources = rangetable.Merge(unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)

// DefaultIgnorable reports whether r is a default-ignorable code point:
// a character that shows nothing where it isn't supported or is used
// (joiners, variation selectors, tags, fillers…). Derived as Unicode
// derives it: Other_Default_Ignorable_Code_Point + Cf + Variation_Selector
// − White_Space − U+FFF9..U+FFFB − U+13430..U+1343F −
// Prepended_Concatenation_Mark.
func DefaultIgnorable(r rune) bool {
	if r < 0xad || !unicode.Is(ignorableSources, r) {
		return false
	}
	switch {
	case r >= 0xfff9 && r <= 0xfffb, r >= 0x13430 && r <= 0x1343f,
		unicode.Is(unicode.White_Space, r), unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	}
	return true
}

// Tag characters (UTS #51 emoji tag sequences).
const (
	tagFirst  = 0xe0020
	tagLast   = 0xe007e
	cancelTag = 0xe007f
)

func isTag(r rune) bool { return r >= tagFirst && r <= cancelTag }

// extender: a default-ignorable that belongs to the character before it
// (variation selectors and COMBINING GRAPHEME JOINER).
func extender(r rune) bool {
	return r == '\u034f' || unicode.Is(unicode.Variation_Selector, r)
}

// visible reports whether r shows something: not a space, a line break or
// a default-ignorable.
func visible(r rune) bool {
	return r != ' ' && r != '\n' && !unicode.IsSpace(r) && !DefaultIgnorable(r)
}

// keepWriting drops the default-ignorable code points of rs that no
// writing puts where they are (see Sanitize for the rules).
func keepWriting(rs []rune) []rune {
	keep := make([]bool, len(rs))
	var clusterStart map[int]bool // rune index → starts a grapheme cluster; made when needed
	// after: rs[i-1] is visible, or a kept extender or tag sequence of a
	// visible character.
	after := func(i int) bool {
		return i > 0 && (visible(rs[i-1]) || keep[i-1] && (extender(rs[i-1]) || rs[i-1] == cancelTag))
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case !DefaultIgnorable(r):
			keep[i] = true
		case isTag(r):
			// A tag sequence goes whole or not at all.
			j := i
			for j < len(rs) && rs[j] >= tagFirst && rs[j] <= tagLast {
				j++
			}
			ok := j > i && j < len(rs) && rs[j] == cancelTag && i > 0 && visible(rs[i-1])
			if j < len(rs) && rs[j] == cancelTag {
				j++
			} else if j == i {
				j++ // a lone CANCEL TAG
			}
			for k := i; k < j; k++ {
				keep[k] = ok
			}
			i = j - 1
		case extender(r):
			keep[i] = i > 0 && visible(rs[i-1])
		case unicode.Is(unicode.Cf, r):
			keep[i] = after(i) && i+1 < len(rs) && visible(rs[i+1])
		default:
			if clusterStart == nil {
				clusterStart = graphemeStarts(rs)
			}
			keep[i] = !clusterStart[i] && i > 0 && visible(rs[i-1])
		}
	}
	out := rs[:0]
	for i, r := range rs {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out
}

// graphemeStarts returns the indexes in rs of the runes that start a
// grapheme cluster (UAX #29, by clipperhouse/uax29).
func graphemeStarts(rs []rune) map[int]bool {
	s := string(rs)
	starts := map[int]bool{}
	idx := 0 // rune index of byte offset pos
	pos := 0
	it := graphemes.FromString(s)
	for it.Next() {
		for pos < it.Start() {
			_, n := utf8.DecodeRuneInString(s[pos:])
			pos += n
			idx++
		}
		starts[idx] = true
	}
	return starts
}

// c1Introducers maps the C1 controls (U+0080 to U+009F, by offset from
// U+0080) that open or close a control sequence to their 7-bit
// equivalents (ESC followed by the code minus 0x40), so the sequence
// parser sees one form of each. The other C1 controls stay runes, removed
// (or, for NEL, turned into a line break) by the policy.
var c1Introducers = [0x20]string{
	0x10: "\x1bP",  // DCS
	0x18: "\x1bX",  // SOS
	0x1b: "\x1b[",  // CSI
	0x1c: "\x1b\\", // ST
	0x1d: "\x1b]",  // OSC
	0x1e: "\x1b^",  // PM
	0x1f: "\x1b_",  // APC
}

// stripSequences returns s as valid UTF-8 (invalid bytes dropped) with
// every terminal control sequence removed: CSI, OSC, DCS, SOS, PM, APC and
// two-character escapes, in their 7-bit and C1 forms. Controls outside
// sequences are left for the rune policy.
//
// The grammar is charmbracelet/x/ansi's. It works on bytes, and in a
// control string it reads the byte 0x9c as ST, though that byte is also a
// UTF-8 continuation byte (of "ќ", many CJK characters…). So the parser is
// given a shape of the text in which every non-ASCII byte is 0xa0 (data
// inside a string, the end of a CSI or ESC sequence, one byte of text
// outside), and the C1 introducers, already rewritten to their 7-bit forms,
// are the only way to start a sequence: the boundaries it finds are
// UTF-8-correct and are cut from the text itself.
func stripSequences(s string) string {
	text, shape := c1To7Bit(s)
	if strings.IndexByte(shape, ansi.ESC) < 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(shape); {
		j := strings.IndexByte(shape[i:], ansi.ESC)
		if j < 0 {
			b.WriteString(text[i:])
			break
		}
		b.WriteString(text[i : i+j])
		i += j
		i += sequenceLen(shape[i:])
	}
	return b.String()
}

// sequenceLen returns how many bytes of the control sequence at the start
// of shape (which starts with ESC) are dropped.
func sequenceLen(shape string) int {
	seq, _, n, state := ansi.DecodeSequence(shape, ansi.NormalState, nil)
	if !isControlString(seq) {
		return n // escapes, CSI; one left open at the end goes whole
	}
	// BEL ends every control string, not only OSC: terminals differ, and
	// a payload must never leak after what some terminal takes as its end.
	if k := strings.IndexByte(seq[2:], ansi.BEL); k >= 0 {
		return 2 + k + 1
	}
	if state == ansi.StringState {
		// Never terminated: only the introducer goes, so a stray "ESC ]"
		// can't eat the rest of a message.
		return 2
	}
	return n
}

// isControlString reports whether seq opens an OSC, DCS, SOS, PM or APC
// string (7-bit forms: c1To7Bit has rewritten the 8-bit ones).
func isControlString(seq string) bool {
	return len(seq) >= 2 && seq[0] == ansi.ESC && strings.IndexByte("]PX^_", seq[1]) >= 0
}

// c1To7Bit returns s without its invalid UTF-8 bytes and with the C1
// sequence introducers in their 7-bit form, and its shape: the same bytes
// with every non-ASCII byte replaced by 0xa0 (see stripSequences).
func c1To7Bit(s string) (text, shape string) {
	t := make([]byte, 0, len(s))
	sh := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			t, sh = append(t, c), append(sh, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1: // invalid: dropped
		case r >= 0x80 && r <= 0x9f && c1Introducers[r-0x80] != "":
			seven := c1Introducers[r-0x80]
			t, sh = append(t, seven...), append(sh, seven...)
		default:
			t = append(t, s[i:i+size]...)
			for range size {
				sh = append(sh, 0xa0)
			}
		}
		i += size
	}
	return string(t), string(sh)
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
