package host

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
)

// readSize is the most a visit reads from a terminal at once (visit.go's
// input loop): the decoder is fed chunks no larger.
const readSize = 1024

// mixedScript is text visitors write, in many scripts, with the
// characters that writing needs and the decoder must carry whole: joiners
// (ZWJ in emoji and Indic conjuncts, ZWNJ in Persian), variation
// selectors, skin-tone modifiers, keycaps, regional-indicator and tag
// sequences, combining marks.
var mixedScript = []string{
	"Hello, world!",
	"مرحبا بالعالم، كيف حالك؟",              // Arabic
	"کتاب\u200cها را می\u200cخوانم",         // Persian, ZWNJ inside words
	"שלום עולם",                             // Hebrew
	"नमस्ते दुनिया, क्\u200dष और र्\u200dय", // Devanagari, with ZWJ conjuncts
	"আমি বাংলায় গান গাই",                   // Bengali
	"வணக்கம் உலகம்",                         // Tamil
	"สวัสดีชาวโลก",                          // Thai
	"សួស្តីពិភពលោក",                         // Khmer
	"你好，世界。日本語のテキスト。한국어 문장",                 // CJK
	"Tiếng Việt có dấu: Đặng Thị Ngọc Hoà",  // Vietnamese, precomposed
	"Tie\u0302\u0301ng Vie\u0323\u0302t",    // Vietnamese, combining marks
	"გამარჯობა მსოფლიო",                     // Georgian
	"👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 🧑‍🤝‍🧑",               // emoji ZWJ sequences, modifiers
	"1️⃣ #️⃣ 🇮🇳 🇯🇵 🏴󠁧󠁢󠁳󠁣󠁴󠁿 ❤️ ☺︎",           // keycaps, flags, tag sequence, VS15/16
	"👍🏿👋🏻 Zoë 李 Ünal",                       // modifiers next to Latin and CJK
	"a\u200db\u200cc\u2060d\u00ade",         // joiners and soft hyphen between letters
	"ℌ𝔢𝔩𝔩𝔬 𓀀 𐍈 𝄞",                           // astral plane
	"   spaces   and\u00a0no-break\u3000ideographic",
}

// FuzzDecode feeds untrusted bytes to the visit's input decoder, cut into
// reads as a visit gets them, and checks that it never panics, that its
// buffers stay within the 64 KiB caps (or it reports the overflow that
// ends the visit), that what it hands the UI is valid UTF-8 with no
// control characters in key text, and that plain text in any script comes
// out as written: typed as keys, and pasted as one paste.
//
// data is the input; cut (1–1024) the size of each read; size, when it
// is a multiple of 4, repeats data up to size mod (maxPending+4 KiB)
// bytes, so the caps are reached without huge corpus entries.
func FuzzDecode(f *testing.F) {
	for _, s := range mixedScript {
		f.Add([]byte(s), uint16(readSize), uint32(1))
		f.Add([]byte(s), uint16(1), uint32(1))                         // a byte a read: split UTF-8
		f.Add([]byte(s), uint16(3), uint32(1))                         // cuts inside characters
		f.Add([]byte("\x1b[200~"+s+"\x1b[201~"), uint16(7), uint32(1)) // a bracketed paste
		f.Add([]byte(s+"\x1b[A\x1b[B\r"), uint16(5), uint32(1))        // text, then keys
	}
	for _, c := range decodeCorpus() {
		f.Add([]byte(c.in), uint16(readSize), uint32(1))
		f.Add([]byte(c.in), uint16(2), uint32(1))
	}
	for _, s := range []string{
		"\xe8\xaa",                   // half a character
		"\xf0\x9f\x91",               // three quarters of an emoji
		"a\xffb\xc0\x80\xed\xa0\x80", // invalid, overlong, surrogate
		"\x1b]0;title\x07\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
		"\x1b]52;c;aGVsbG8=\x1b\\",
		"\x9d52;c;aGVsbG8=\x9c", // 8-bit OSC … ST
		"\x1bP+q544e\x1b\\",
		"\x1b_Gf=100;AAAA\x1b\\",
		"\x1b[200~\x1b[200~nested\x1b[201~\x1b[201~",
		"\x1b[<0;10;5M\x1b[<0;10;5m\x1b[M !!",
		"\x1b[1;5A\x1b[27;5;13~\x1b[13;2u\x1b[?62;22c",
	} {
		f.Add([]byte(s), uint16(readSize), uint32(1))
		f.Add([]byte(s), uint16(1), uint32(1))
	}
	// Past the caps: an endless paste, OSC and DCS; text behind a stray
	// byte; a long paste that does end.
	f.Add([]byte("\x1b[200~語Đặng🙂 "), uint16(readSize), uint32(maxOpenSequence+2048))
	f.Add([]byte("\x1b]52;c;QUFBQUFB"), uint16(997), uint32(maxOpenSequence+2048))
	f.Add([]byte("\x1bPxyz"), uint16(readSize), uint32(maxPending+2048))
	f.Add([]byte("\xffaaaaaaa"), uint16(readSize), uint32(maxPending+2048))
	f.Add([]byte("\x1b[200~"+strings.Repeat("y", 60<<10)+"\x1b[201~"), uint16(readSize), uint32(1))

	f.Fuzz(func(t *testing.T, data []byte, cut uint16, size uint32) {
		in := expand(data, size)
		n := int(cut)%readSize + 1
		if len(in) > 4<<10 {
			// Long inputs in reads of 256 bytes and up: decodeFuzz's
			// second decoder scans an open control string again on every
			// read, which a byte a read makes cost seconds at the cap
			// (as the decoder did before; BenchmarkDecodeOpenStringByteAtATime).
			n = max(n, 256)
		}

		events, overflowed := decodeFuzz(t, in, n)
		for _, ev := range events {
			switch ev := ev.(type) {
			case uv.KeyPressEvent:
				if !utf8.ValidString(ev.Text) || strings.ContainsFunc(ev.Text, isControl) {
					t.Fatalf("key text %q: invalid UTF-8 or a control character", ev.Text)
				}
			case uv.PasteEvent:
				if !utf8.ValidString(ev.Content) {
					t.Fatalf("paste %q is not valid UTF-8", ev.Content)
				}
			}
		}
		if !plainText(in) {
			return
		}
		// Typed: the keys' text is the input, byte for byte.
		if overflowed {
			t.Fatalf("plain text (%d bytes) overflowed the decoder", len(in))
		}
		var typed strings.Builder
		for _, ev := range events {
			k, ok := ev.(uv.KeyPressEvent)
			if !ok || k.Text == "" {
				t.Fatalf("plain text %q decoded to %#v, not keys with text", in, ev)
			}
			typed.WriteString(k.Text)
		}
		if typed.String() != string(in) {
			t.Fatalf("typed %q, the keys say %q", in, typed.String())
		}
		// Pasted: one paste of exactly the input, or the end of the
		// visit for a paste past the cap.
		pasted := "\x1b[200~" + string(in) + "\x1b[201~"
		events, overflowed = decodeFuzz(t, []byte(pasted), n)
		if len(in) > maxOpenSequence {
			if !overflowed {
				t.Fatalf("a paste of %d bytes, over the %d-byte cap, didn't overflow", len(in), maxOpenSequence)
			}
			return
		}
		if overflowed || len(events) != 1 {
			t.Fatalf("pasted %q: overflow %v, events %#v; want one paste", in, overflowed, events)
		}
		if p, ok := events[0].(uv.PasteEvent); !ok || p.Content != string(in) {
			t.Fatalf("pasted %q, got %#v", in, events[0])
		}
	})
}

// decodeFuzz feeds in to a new decoder in reads of n bytes, as a visit
// does: it stops at an overflow (the visit ends there), checks the caps
// after every read, and expires what is left at the end.
//
// A second decoder, made to scan again on every read (as before reads
// that can't end an open control string were skipped), must decode
// alike.
func decodeFuzz(t *testing.T, in []byte, n int) (events []uv.Event, overflowed bool) {
	t.Helper()
	var d, rescan inputDecoder
	for len(in) > 0 {
		p := in[:min(n, len(in))]
		in = in[len(p):]
		evs, more := d.feed(p)
		rescan.unended = false
		if revs, rmore := rescan.feed(p); !reflect.DeepEqual(evs, revs) || more != rmore || !bytes.Equal(d.buf, rescan.buf) {
			t.Fatalf("after %q: %#v, more %v, %q pending; scanning everything again: %#v, more %v, %q pending", p, evs, more, d.buf, revs, rmore, rescan.buf)
		}
		events = append(events, evs...)
		if d.overflow() != rescan.overflow() {
			t.Fatalf("overflow %v, scanning everything again %v", d.overflow(), rescan.overflow())
		}
		if d.overflow() {
			return events, true
		}
		if len(d.buf) > maxPending || len(d.paste) > maxOpenSequence || cap(d.buf) > 4*maxPending {
			t.Fatalf("past the caps without an overflow: %d bytes pending (cap %d), a paste of %d", len(d.buf), cap(d.buf), len(d.paste))
		}
	}
	return append(events, d.expire()...), false
}

// expand repeats data up to size mod (maxPending+4 KiB) bytes when size is
// a multiple of 4, and returns data as it is otherwise.
func expand(data []byte, size uint32) []byte {
	target := int(size % (maxPending + 4096))
	if size%4 != 0 || len(data) == 0 || target <= len(data) {
		return data
	}
	out := make([]byte, 0, target)
	for len(out) < target {
		out = append(out, data[:min(len(data), target-len(out))]...)
	}
	return out
}

// plainText reports whether b is text a visitor types: valid UTF-8 with
// no control characters (C0, DEL, C1). U+FFFD is left out: the library
// decodes it as the invalid byte it usually stands for.
func plainText(b []byte) bool {
	return len(b) > 0 && utf8.Valid(b) && !strings.ContainsFunc(string(b), func(r rune) bool {
		return isControl(r) || r == utf8.RuneError
	})
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// TestDecoderPrependThenSplitCharacter: a Prepend character (the
// Malayalam dot reph U+0D4E, an Arabic number sign U+0600–U+0605) groups
// with the character after it into one grapheme cluster. When that
// character's bytes are split between reads, or invalid, the library
// made a key of the Prepend character and the partial bytes (invalid
// UTF-8), and the rest of the character was lost. Found by FuzzDecode.
func TestDecoderPrependThenSplitCharacter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks []string
		want   string // the keys' text, in order
	}{
		{"malayalam dot reph, the consonant split", []string{"\u0d4e\xe0\xb4", "\x95"}, "\u0d4eക"},
		{"arabic number sign, the digit split", []string{"\u0600\xd9", "\xa3"}, "\u0600٣"},
		{"arabic number sign, an invalid byte after", []string{"\u0604\xa70"}, "\u06040"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var typed strings.Builder
			for _, ev := range decodeChunks(tc.chunks...) {
				if k, ok := ev.(uv.KeyPressEvent); ok {
					if !utf8.ValidString(k.Text) {
						t.Errorf("key text %q is not valid UTF-8", k.Text)
					}
					typed.WriteString(k.Text)
				}
			}
			if typed.String() != tc.want {
				t.Errorf("keys say %q, want %q", typed.String(), tc.want)
			}
		})
	}
}

// TestDecoderKeyTextHasNoControls: a kitty-protocol key report carries
// the text the key types as code points (CSI code;mods;text u); a visitor
// can claim any, ESC and C1 included. Key text never holds a control
// character. Found by FuzzDecode.
func TestDecoderKeyTextHasNoControls(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[0;;1u":        "",
		"\x1b[97;;27u":      "",
		"\x1b[97;;97:27u":   "a",
		"\x1b[97;;155:98u":  "b",
		"\x1b[97;;97:98u":   "ab",
		"\x1b[97;;1488u":    "א",
		"\x1b[97;;127:99u":  "c",
		"\x1b[97;;13:10:9u": "",
	} {
		var text strings.Builder
		for _, ev := range decodeChunks(in) {
			if k, ok := ev.(uv.KeyPressEvent); ok {
				text.WriteString(k.Text)
			}
		}
		if text.String() != want {
			t.Errorf("%q: key text %q, want %q", in, text.String(), want)
		}
	}
}

// BenchmarkDecodeUnendedByteAtATime: a sequence that never ends, sent a
// byte a read until the decoder gives up on it (the 64 KiB cap of a
// control string ends the visit; a longer CSI is decoded as it stands):
// the CPU one visitor can cost with a few hundred KiB. Scanning the whole
// sequence again on every read made it quadratic: on a busy 2-core
// machine 9.4 s for an OSC, over 40 s for a CSI (alone or in a paste).
// Now reads that can't end a control string aren't scanned again, and
// other sequences are waited on up to maxSequence: about 1 ms per KiB.
func BenchmarkDecodeUnendedByteAtATime(b *testing.B) {
	for _, c := range []struct{ name, start, fill string }{
		{"osc", "\x1b]52;c;", "A"},
		{"dcs", "\x1bP1;2|", "A"},
		{"csi", "\x1b[<", "1"},
		{"csi in a paste", "\x1b[200~\x1b[<", "1"},
		{"osc in a paste", "\x1b[200~\x1b]0;", "t"},
	} {
		b.Run(c.name, func(b *testing.B) {
			fill := []byte(c.fill)
			for b.Loop() {
				var d inputDecoder
				d.feed([]byte(c.start))
				for i := 0; i < 2*maxPending && !d.overflow(); i++ {
					d.feed(fill)
				}
			}
		})
	}
}
