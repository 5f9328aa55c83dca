package inbox

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/pragyamugale/portfolio/internal/corpus"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		multiline bool
		want      string
	}{
		{"plain", "Hello, world!", false, "Hello, world!"},
		{"osc52 clipboard", "hi \x1b]52;c;ZXZpbA==\x07there", false, "hi there"},
		{"osc52 clipboard ST", "a\x1b]52;c;ZXZpbA==\x1b\\b", true, "ab"},
		{"osc8 link", "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", false, "click me"},
		{"osc0 title", "\x1b]0;pwned\x07hello", false, "hello"},
		{"csi clear screen", "\x1b[2J\x1b[Hok", true, "ok"},
		{"csi colours", "\x1b[31mred\x1b[0m", false, "red"},
		{"8-bit csi", "\u009b31mred\u009b0m", false, "red"},
		{"8-bit osc", "a\u009d0;title\u009cb", false, "ab"},
		{"raw 0x9b byte", "a\x9b31mb", false, "a31mb"},
		{"other escapes", "\x1bc\x1b(B\x1b7x\x1bPq\x1b\\y\x1b_apc\x07", false, "xy"},
		{"unterminated osc keeps text", "\x1b]0;not a title", false, "0;not a title"},
		{"bare esc", "a\x1b", false, "a"},
		{"bidi override", "user\u202eexe.txt", false, "userexe.txt"},
		{"bidi isolates", "a\u2066b\u2067c\u2068d\u2069e", false, "abcde"},
		{"bidi embeddings and marks", "\u202aa\u202bb\u202cc\u202dd\u200ee\u200ff\u061cg", false, "abcdefg"},
		{"one format char between letters", "\ufeffa\u200bb\u200cc\u200dd\u2060e\u180ef\u00adg", false, "a\u200bb\u200cc\u200dd\u2060e\u180ef\u00adg"},
		{"invisible alone, at ends, in runs", "\u200ba\u200b\u200bb\u200c \u200dc\u200d", false, "ab c"},
		{"invisible around line breaks", "a\u200d\n\u200cb\u2060", true, "a\nb"},
		{"zwj after space", "a \u200d👩", false, "a 👩"},
		{"lone tags", "a\U000E0041c\U000E007F", false, "ac"},
		{"tags without a base", "\U000E0067\U000E0062\U000E007F x", false, "x"},
		{"unterminated tags", "🏴\U000E0067\U000E0062 x", false, "🏴 x"},
		{"subdivision flag", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F!", false, "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F!"},
		{"variation selector alone", "\ufe0f a\ufe0f\ufe0f", false, "a\ufe0f"},
		{"hangul fillers alone", "\u3164\u3164 x\uffa0", false, "x"},
		{"old hangul jamo keeps its filler", "\u1100\u1160", false, "\u1100\u1160"},
		{"family emoji", "👨\u200d👩\u200d👧", false, "👨\u200d👩\u200d👧"},
		{"persian zwnj", "کتاب\u200cها", false, "کتاب\u200cها"},
		{"interlinear annotation", "a\ufff9b\ufffac\ufffb", false, "abc"},
		{"line separators", "a\u2028b\u2029c", true, "abc"},
		{"nel multiline", "a\u0085b", true, "a\nb"},
		{"c0 controls", "a\x00b\x07c\x08d\x7fe\x1cf", false, "abcdef"},
		{"invalid utf8", "a\xffb\xc3(c\xe2\x82", false, "ab(c"},
		{"crlf multiline", "one\r\ntwo\rthree\n", true, "one\ntwo\nthree"},
		{"crlf single", "one\r\ntwo\rthree", false, "one two three"},
		{"tabs multiline", "a\tb\t\tc", true, "a b  c"},
		{"tabs single", "a\t\tb", false, "a b"},
		{"blank lines", "\n\n\nfirst\n\n\n\n\nsecond\n \n\t\nthird\n\n\n", true, "first\n\nsecond\n\nthird"},
		{"trailing spaces", "a   \n  b\t \nc", true, "a\n  b\nc"},
		{"single whitespace", "  a \u00a0 b\u3000c\n\nd  ", false, "a b c d"},
		{"nfd to nfc", "e\u0301", false, "\u00e9"},
		{"nfc across removed char", "e\u202e\u0301", false, "\u00e9"},
		{"only junk", "\x1b[2J\u200b\n\n", true, ""},
		{"emoji kept", "hi 👋🏽 ✌️", false, "hi 👋🏽 ✌️"},
		// Non-ASCII text around and inside sequences. "Đ" is C4 90, "語"
		// E8 AA 9E, "👋" F0 9F 91 8B and "ќ" D1 9C: their continuation
		// bytes are the 8-bit DCS, PM, APC and ST codes, and must be read
		// as text, never as controls.
		{"cjk in csi colours", "\x1b[1;31m語学\x1b[0m 日本", false, "語学 日本"},
		{"accents around osc", "Đặng\x1b]0;title\x07 Thị Ánh", false, "Đặng Thị Ánh"},
		{"emoji after csi", "\x1b[2J👋🏽\x1b[H🎉 done", true, "👋🏽🎉 done"},
		{"continuation bytes are text", "Đặng 語 👋 ќ", false, "Đặng 語 👋 ќ"},
		{"osc payload with st byte", "前\x1b]0;ќ語 ✌️ title\x07後", false, "前後"},
		{"apc payload with cjk", "a\x1b_語ќ👋\x1b\\b", false, "ab"},
		{"8-bit osc with cjk", "é\u009d2;ќ窓\u009cè", false, "éè"},
		{"csi cut by cjk", "\x1b[31語", false, "語"},
		{"unterminated osc with cjk", "\x1b]0;タイトル ќ", false, "0;タイトル ќ"},
		{"multiline cjk and escapes", "こんにちは\x1b[0m\r\n\x1b]8;;x\x1b\\Ngô\x1b]8;;\x1b\\ 👍", true, "こんにちは\nNgô 👍"},
		{"bel ends an apc", "\x1b_apc\x07語", false, "語"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in, tt.multiline)
			if got != tt.want {
				t.Errorf("Sanitize(%q, %v) = %q, want %q", tt.in, tt.multiline, got, tt.want)
			}
			if again := Sanitize(got, tt.multiline); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
			checkSanitized(t, got, tt.multiline)
		})
	}
}

// Unterminated control strings must not make Sanitize quadratic: a
// visitor's paste is sanitised before its length is checked.
func TestSanitizeLinear(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("\x1b]", 200_000),
		strings.Repeat("\u009d", 200_000),
		strings.Repeat("\x1bP\x1b", 200_000),
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			Sanitize(in, true)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Sanitize(%q…) took over 10s", in[:4])
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello", 3, "hel"},
		{"héllo", 2, "hé"},
		{"👋👋👋", 2, "👋👋"},
		{"a👨\u200d👩\u200d👧b", 4, "a"}, // never half a family
		{"a👨\u200d👩\u200d👧b", 6, "a👨\u200d👩\u200d👧"},
		{"e\u0301e\u0301", 3, "e\u0301"},
		{"a\r\nb", 2, "a\r\n"},
		{"abc", 0, ""},
		{"abc", -1, ""},
		{"", 3, ""},
	}
	for _, tt := range tests {
		got := Truncate(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) split a rune: %q", tt.in, tt.max, got)
		}
	}
}

// checkSanitized asserts what Sanitize promises about its output.
func checkSanitized(t *testing.T, out string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output not valid UTF-8: %q", out)
	}
	if !norm.NFC.IsNormalString(out) {
		t.Fatalf("output not NFC: %q", out)
	}
	rs := []rune(out)
	shows := func(i int) bool {
		return i >= 0 && i < len(rs) && !unicode.IsSpace(rs[i]) && !DefaultIgnorable(rs[i])
	}
	for i, r := range rs {
		switch {
		case r == '\n' && multiline:
		case r == 0x1b || r == 0x9b:
			t.Fatalf("escape introducer %U in output %q", r, out)
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Bidi_Control, r), r == '\u2028', r == '\u2029', r >= 0xfff9 && r <= 0xfffb:
			t.Fatalf("forbidden rune %U in output %q", r, out)
		case isTag(r):
			// Part of a run after a visible character, closed by CANCEL TAG.
			j := i
			for j > 0 && isTag(rs[j-1]) {
				j--
			}
			k := i
			for k < len(rs) && rs[k] != cancelTag && isTag(rs[k]) {
				k++
			}
			if !shows(j-1) || k == len(rs) || rs[k] != cancelTag || k == j {
				t.Fatalf("tag %U out of a tag sequence at %d in %q", r, i, out)
			}
		case !DefaultIgnorable(r):
		case extender(r):
			if !shows(i - 1) {
				t.Fatalf("%U not after a visible character at %d in %q", r, i, out)
			}
		case unicode.Is(unicode.Cf, r):
			prevOK := shows(i-1) || i > 0 && (extender(rs[i-1]) || rs[i-1] == cancelTag)
			if !prevOK || !shows(i+1) {
				t.Fatalf("%U not between two visible characters at %d in %q", r, i, out)
			}
		default:
			if !shows(i - 1) {
				t.Fatalf("invisible %U standing alone at %d in %q", r, i, out)
			}
		}
	}
	if strings.HasPrefix(out, "\n") || strings.HasSuffix(out, "\n") || strings.Contains(out, "\n\n\n") {
		t.Fatalf("blank lines not tidied: %q", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasSuffix(l, " ") {
			t.Fatalf("trailing space on a line: %q", out)
		}
	}
	if !multiline && (out != strings.TrimSpace(out) || strings.Contains(out, "  ")) {
		t.Fatalf("whitespace not collapsed: %q", out)
	}
}

func FuzzSanitize(f *testing.F) {
	// The committed corpus in testdata/fuzz/FuzzSanitize holds the hostile
	// seeds; these cover the trivial cases.
	f.Add("", false)
	f.Add("plain text", true)
	for _, s := range corpus.Scripts { // text in every script, joiners and all
		f.Add(s, true)
		f.Add("\u200d"+s+"\u200c\u200c\x1b[2J", false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		out := Sanitize(s, multiline)
		checkSanitized(t, out, multiline)
		if again := Sanitize(out, multiline); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}

// BenchmarkSanitize: a 2,000-character message of mixed scripts with a
// few escape sequences, as the form stores it.
func BenchmarkSanitize(b *testing.B) {
	msg := strings.Repeat("Hello there, 語学 Đặng Thị 👋🏽 \x1b[31mred\x1b[0m and a link \x1b]8;;https://x.example\x07here\x1b]8;;\x07.\n", 20)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		Sanitize(msg, true)
	}
}

// BenchmarkSanitizeJoiners: a message of about 2,000 characters in many
// scripts with joiners, non-joiners and emoji sequences, which the policy
// judges in context (the slower path).
func BenchmarkSanitizeJoiners(b *testing.B) {
	var parts []string
	for _, s := range corpus.Scripts {
		parts = append(parts, s)
	}
	msg := strings.Join(parts, "\n")
	msg = strings.Repeat(msg+"\n", max(1, 2000/Length(msg)))
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		Sanitize(msg, true)
	}
}
