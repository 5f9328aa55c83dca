package host

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
)

// decodeCase is an input the visitor's terminal may send.
type decodeCase struct {
	name, in string
	// splitSensitive says why this input decodes differently when it
	// arrives in pieces, in ultraviolet's reader as in ours; empty when it
	// must not.
	splitSensitive string
	// libraryTable says why the library's events for this input depend on
	// where it is cut: a read that leaves exactly an entry of its key table
	// waiting is looked up, not decoded (see TestDecoderLibraryDifferences).
	libraryTable string
	// holds says why this input, with more behind it, waits until expire
	// (ours and the library alike): "everything" leaves it out, as it
	// would hide the cuts after it.
	holds string
}

// escHolds is why ESC and one byte, as alt+key, waits until expire even
// with more input behind it.
const escHolds = "ESC and one byte waits for expire"

// stSplit is why sequences ended by ST (ESC \) are split-sensitive: input
// that ends with the ESC of the ST ends the sequence there (cancelled), and
// the \ that follows is a key of its own.
const stSplit = "an ESC at the end of a read ends a string sequence"

// invalidHolds is why invalid UTF-8 waits until expire: a byte that
// isn't a character yet may be one when the rest comes.
const invalidHolds = "an invalid byte waits for expire"

// decodeCorpus is what visitors' terminals send: keys as xterm, PuTTY and
// Windows Terminal encode them, and the answers to the server's queries.
// Ours and ultraviolet's reader decode all of it alike.
func decodeCorpus() []decodeCase {
	cases := []decodeCase{
		{name: "ascii", in: "hello"},
		{name: "utf-8", in: "héllo 日本 👍"},
		{name: "up", in: "\x1b[A"},
		{name: "down", in: "\x1b[B"},
		{name: "right", in: "\x1b[C"},
		{name: "left", in: "\x1b[D"},
		{name: "ss3 up", in: "\x1bOA"},
		{name: "ss3 down", in: "\x1bOB"},
		{name: "ss3 right", in: "\x1bOC"},
		{name: "ss3 left", in: "\x1bOD"},
		{name: "ctrl+up", in: "\x1b[1;5A"},
		{name: "alt+up", in: "\x1b\x1b[A", splitSensitive: "ESC ESC [ is alt+[ when the A is still to come"},
		{name: "home csi H", in: "\x1b[H"},
		{name: "end csi F", in: "\x1b[F"},
		{name: "home ss3 H", in: "\x1bOH"},
		{name: "end ss3 F", in: "\x1bOF"},
		{name: "home 1~", in: "\x1b[1~"},
		{name: "end 4~", in: "\x1b[4~"},
		{name: "home 7~", in: "\x1b[7~"},
		{name: "end 8~", in: "\x1b[8~"},
		{name: "insert", in: "\x1b[2~"},
		{name: "delete", in: "\x1b[3~"},
		{name: "pgup", in: "\x1b[5~"},
		{name: "pgdown", in: "\x1b[6~"},
		{name: "tab", in: "\t"},
		{name: "shift+tab", in: "\x1b[Z"},
		{name: "enter", in: "\r"},
		{name: "backspace", in: "\x7f"},
		{name: "ctrl+c", in: "\x03"},
		{name: "alt+j", in: "\x1bj", holds: escHolds},
		{name: "alt+j then k", in: "\x1bjk", holds: escHolds},
		{name: "alt+esc", in: "\x1b\x1b", holds: escHolds},
		{name: "esc", in: "\x1b", holds: escHolds},
		{name: "key then esc", in: "a\x1b", holds: escHolds},
		{name: "invalid utf-8", in: "a\xffb", holds: invalidHolds},
		{name: "c1 control", in: "\x85"},
		{name: "sgr wheel", in: "\x1b[<64;10;5M"},
		{name: "sgr click and release", in: "\x1b[<0;3;4M\x1b[<0;3;4m"},
		{name: "x10 click", in: "\x1b[M @!", splitSensitive: "CSI M without its 3 bytes is an unknown sequence at once"},
		{name: "paste", in: "\x1b[200~line1\rline2\x1b[201~"},
		{name: "paste of utf-8", in: "\x1b[200~héllo 日本 👍\t\x1b[201~"},
		{name: "paste of keys", in: "\x1b[200~a\x1b[Ab\x1bOPc\x1b[201~", libraryTable: "ESC [ A alone in the buffer is the up key, even in a paste"},
		{name: "paste of ESC and a key", in: "\x1b[200~a\x1bxb\x1b[201~", holds: escHolds},
		{name: "paste of invalid utf-8", in: "\x1b[200~a\x85b\xffc\x1b[201~", holds: invalidHolds},
		{name: "background colour BEL", in: "\x1b]11;rgb:0000/0000/0000\x07"},
		{name: "background colour ST", in: "\x1b]11;rgb:ffff/ffff/ffff\x1b\\", splitSensitive: stSplit},
		{name: "clipboard", in: "\x1b]52;c;aGVsbG8=\x07"},
		{name: "decrpm 2026 reset", in: "\x1b[?2026;2$y"},
		{name: "decrpm 2027 unknown", in: "\x1b[?2027;0$y"},
		{name: "focus in", in: "\x1b[I"},
		{name: "focus out", in: "\x1b[O"},
		{name: "kitty keyboard", in: "\x1b[?0u"},
		{name: "primary device attributes", in: "\x1b[?62;22c"},
		{name: "xtversion", in: "\x1bP>|xterm(1)\x1b\\", splitSensitive: stSplit},
		{name: "cursor position", in: "\x1b[6;10R"},
		// Alone in a read, CSI 1;5R is in the library's key table (see
		// TestDecoderLibraryDifferences); after other input it isn't.
		{name: "ctrl+f3 after a key", in: "a\x1b[1;5R", libraryTable: "CSI 1;5R alone in the buffer is ctrl+f3 only"},
	}
	for i, seq := range []string{"\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS"} {
		cases = append(cases, decodeCase{name: fmt.Sprintf("f%d ss3", i+1), in: seq})
	}
	for i, n := range []int{11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24} {
		cases = append(cases, decodeCase{name: fmt.Sprintf("f%d csi", i+1), in: fmt.Sprintf("\x1b[%d~", n)})
	}
	cases = append(cases,
		decodeCase{name: "typing", in: "hello\x1b[A\x1b[B\r\x7f\x03\t\x1b[Z\x1b[5~\x1bOP\x1b[24~日本\x1bj", holds: escHolds},
		decodeCase{name: "query answers", in: "\x1b]11;rgb:0000/0000/0000\x07\x1b[?2026;2$y\x1b[?2027;0$y\x1b[?0u\x1b[I\x1b[O"},
		decodeCase{name: "keys around a paste", in: "a\x1b[200~line1\rline2\x1b[201~\x1b[Bb"},
	)
	// All of it in one read: the cuts of "everything" are between every
	// two of the cases above.
	var all strings.Builder
	for _, c := range cases {
		if c.libraryTable == "" && c.holds == "" {
			all.WriteString(c.in)
		}
	}
	return append(cases, decodeCase{name: "everything", in: all.String(), splitSensitive: stSplit})
}

// decodeChunks feeds chunks to a new inputDecoder in order and, if input is
// left waiting at the end, expires it: what a visit delivers when the input
// stops after the last chunk.
func decodeChunks(chunks ...string) []uv.Event {
	var d inputDecoder
	var events []uv.Event
	more := false
	for _, c := range chunks {
		var evs []uv.Event
		evs, more = d.feed([]byte(c))
		events = append(events, evs...)
	}
	if more {
		events = append(events, d.expire()...)
	}
	return events
}

// libraryEvents is what ultraviolet's TerminalReader (Bubble Tea's own
// reader) makes of the chunks, read one by one, after which the input ends.
// Its escape timeout is an hour, so only the end of input expires what
// waits, as decodeChunks does: no timing in the test.
func libraryEvents(t *testing.T, chunks ...string) []uv.Event {
	t.Helper()
	r := uv.NewTerminalReader(&chunkReader{chunks: slices.Clone(chunks)}, "xterm-256color")
	r.EscTimeout = time.Hour
	ch := make(chan uv.Event)
	done := make(chan []uv.Event)
	go func() {
		var events []uv.Event
		for ev := range ch {
			events = append(events, ev)
		}
		done <- events
	}()
	err := r.StreamEvents(t.Context(), ch)
	close(ch)
	events := <-done
	if err != nil {
		t.Fatalf("StreamEvents: %v", err)
	}
	return events
}

// chunkReader returns its chunks one Read each, then io.EOF.
type chunkReader struct{ chunks []string }

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	if r.chunks[0] = r.chunks[0][n:]; r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

// withoutPasteMarkers drops the library's PasteStartEvent and PasteEndEvent,
// which ours doesn't send (see TestDecoderLibraryDifferences).
func withoutPasteMarkers(events []uv.Event) []uv.Event {
	var out []uv.Event
	for _, ev := range events {
		switch ev.(type) {
		case uv.PasteStartEvent, uv.PasteEndEvent:
		default:
			out = append(out, ev)
		}
	}
	return out
}

func sameEvents(a, b []uv.Event) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// bytewise is s one byte a chunk.
func bytewise(s string) []string {
	chunks := make([]string, len(s))
	for i := range len(s) {
		chunks[i] = s[i : i+1]
	}
	return chunks
}

// TestDecoderMatchesLibrary pins that the server's table-free decoder turns
// what terminals send into the same events as Bubble Tea's own reader, so
// programs behave the same whichever reads their input.
func TestDecoderMatchesLibrary(t *testing.T) {
	for _, tc := range decodeCorpus() {
		t.Run(tc.name, func(t *testing.T) {
			got := decodeChunks(tc.in)
			want := withoutPasteMarkers(libraryEvents(t, tc.in))
			if len(want) == 0 {
				t.Fatalf("the library decodes %q to nothing: not a useful case", tc.in)
			}
			if !sameEvents(got, want) {
				t.Errorf("%q:\n got %#v\nwant %#v", tc.in, got, want)
			}
			var d inputDecoder
			if _, more := d.feed([]byte(tc.in + "x")); more && tc.holds == "" {
				t.Errorf("%q waits for expire with more input behind it", tc.in)
			}
		})
	}
}

// TestDecoderSplitInput pins that input decodes the same however the
// network cuts it: fed a byte at a time, or cut once anywhere, it makes the
// same events as the library reading the same pieces, and (unless even the
// library can't tell) the same as when it arrives whole.
func TestDecoderSplitInput(t *testing.T) {
	for _, tc := range decodeCorpus() {
		t.Run(tc.name, func(t *testing.T) {
			whole := decodeChunks(tc.in)
			check := func(how string, chunks []string) {
				t.Helper()
				got := decodeChunks(chunks...)
				if tc.libraryTable == "" {
					if lib := withoutPasteMarkers(libraryEvents(t, chunks...)); !sameEvents(got, lib) {
						t.Errorf("%q %s: not as the library:\n got %#v\nwant %#v", tc.in, how, got, lib)
					}
				}
				if tc.splitSensitive == "" && !sameEvents(got, whole) {
					t.Errorf("%q %s: not as whole:\n got %#v\nwant %#v", tc.in, how, got, whole)
				}
			}
			check("a byte at a time", bytewise(tc.in))
			for i := 1; i < len(tc.in); i++ {
				check(fmt.Sprintf("cut at %d", i), []string{tc.in[:i], tc.in[i:]})
			}
		})
	}
}

// TestDecoderSplitSensitive pins why the corpus's split-sensitive inputs
// are exempt from decoding as whole: the library itself doesn't.
func TestDecoderSplitSensitive(t *testing.T) {
	for _, tc := range []struct {
		name   string
		chunks []string
	}{
		{"ST cut before its backslash", []string{"\x1b]11;rgb:ffff/ffff/ffff\x1b", "\\"}},
		{"alt+up cut before its final byte", []string{"\x1b\x1b[", "A"}},
		{"x10 mouse cut before its 3 bytes", []string{"\x1b[M", " @!"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := libraryEvents(t, strings.Join(tc.chunks, ""))
			if split := libraryEvents(t, tc.chunks...); sameEvents(split, whole) {
				t.Errorf("the library decodes %q alike whole and split (%#v): drop the exemption", tc.chunks, whole)
			}
		})
	}
}

// TestDecoderLibraryDifferences lists where ours and the library differ by
// design, so a change on either side shows: the library's key table and its
// Windows console path are what the server leaves out.
func TestDecoderLibraryDifferences(t *testing.T) {
	ctrlF3 := uv.KeyPressEvent{Code: uv.KeyF3, Mod: uv.ModCtrl}
	shiftF3 := uv.KeyPressEvent{Code: uv.KeyF3, Mod: uv.ModShift}
	for _, tc := range []struct {
		name      string
		chunks    []string
		lib, ours []uv.Event
	}{
		{
			// Ours sends the paste alone; nothing in the UI uses
			// Bubble Tea's PasteStartMsg or PasteEndMsg.
			name:   "paste markers",
			chunks: []string{"\x1b[200~hi\x1b[201~"},
			lib:    []uv.Event{uv.PasteStartEvent{}, uv.PasteEvent{Content: "hi"}, uv.PasteEndEvent{}},
			ours:   []uv.Event{uv.PasteEvent{Content: "hi"}},
		},
		{
			// xterm's modified F3 is also a cursor position report:
			// alone in a read, the library's table calls it the key;
			// ours (as the library does after other input) sends both.
			name:   "ctrl+f3 alone in a read",
			chunks: []string{"\x1b[1;5R"},
			lib:    []uv.Event{ctrlF3},
			ours:   []uv.Event{ctrlF3, uv.CursorPositionEvent{X: 4, Y: 0}},
		},
		{
			name:   "shift+f3 alone in a read",
			chunks: []string{"\x1b[1;2R"},
			lib:    []uv.Event{shiftF3},
			ours:   []uv.Event{shiftF3, uv.CursorPositionEvent{X: 1, Y: 0}},
		},
		{
			// A read that leaves exactly a table entry waiting is
			// looked up before the paste is: the library turns that
			// part of the paste into a key press.
			name:   "key sequence alone in a read, inside a paste",
			chunks: []string{"\x1b[200~a", "\x1b[A", "b\x1b[201~"},
			lib: []uv.Event{
				uv.PasteStartEvent{}, uv.KeyPressEvent{Code: uv.KeyUp},
				uv.PasteEvent{Content: "ab"}, uv.PasteEndEvent{},
			},
			ours: []uv.Event{uv.PasteEvent{Content: "a\x1b[Ab"}},
		},
		{
			// win32-input-mode's UTF-16 units (virtual key 0): Windows
			// Terminal sends them only once a program enables mode
			// 9001, which neither the server nor Bubble Tea does.
			name:   "win32-input-mode utf-16 unit",
			chunks: []string{"\x1b[0;0;233;1;0;1_"},
			lib:    []uv.Event{uv.KeyPressEvent{Code: 'é', Text: "é"}},
			ours:   []uv.Event{uv.KeyPressEvent{BaseCode: 'é'}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := libraryEvents(t, tc.chunks...); !sameEvents(got, tc.lib) {
				t.Errorf("library: %q:\n got %#v\nwant %#v", tc.chunks, got, tc.lib)
			}
			if got := decodeChunks(tc.chunks...); !sameEvents(got, tc.ours) {
				t.Errorf("ours: %q:\n got %#v\nwant %#v", tc.chunks, got, tc.ours)
			}
		})
	}
}

// TestDecoderDropsCancelledSequences pins that a string sequence cancelled
// by CAN, or by an ESC that doesn't start its ST, makes no event, as in the
// library: uv's EventDecoder returns these as its unexported ignoredEvent,
// which the library's reader drops; it is no message for a program and
// mustn't wake a sleeping one.
func TestDecoderDropsCancelledSequences(t *testing.T) {
	key := func(r rune) uv.KeyPressEvent { return uv.KeyPressEvent{Code: r, Text: string(r)} }
	for _, tc := range []struct {
		name   string
		chunks []string
		want   []uv.Event
	}{
		{"OSC cancelled by CAN", []string{"\x1b]11;foo\x18"}, nil},
		{"OSC cancelled by CAN between keys", []string{"a\x1b]11;foo\x18b"}, []uv.Event{key('a'), key('b')}},
		{"OSC cut by ESC", []string{"\x1b]11;foo\x1bx"}, []uv.Event{key('x')}},
		{"APC cut by ESC", []string{"\x1b_abc\x1b"}, nil},
		{"ST cut before its backslash", []string{"\x1b]11;rgb:ffff/ffff/ffff\x1b", "\\"}, []uv.Event{key('\\')}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if lib := libraryEvents(t, tc.chunks...); !sameEvents(lib, tc.want) {
				t.Fatalf("library: %q:\n got %#v\nwant %#v", tc.chunks, lib, tc.want)
			}
			if got := decodeChunks(tc.chunks...); !sameEvents(got, tc.want) {
				t.Errorf("%q:\n got %#v\nwant %#v", tc.chunks, got, tc.want)
			}
		})
	}
}

// TestDecoderLoneEscape pins the Escape key: an ESC at the end of the input
// may begin a sequence, so it waits (more) and becomes Escape only when
// expire says the rest never came; if the rest comes, it's that sequence.
func TestDecoderLoneEscape(t *testing.T) {
	var d inputDecoder
	events, more := d.feed([]byte("\x1b"))
	if len(events) != 0 || !more {
		t.Fatalf("feed(ESC) = %#v, %v; want no events, more", events, more)
	}
	want := []uv.Event{uv.KeyPressEvent{Code: uv.KeyEscape}}
	if got := d.expire(); !reflect.DeepEqual(got, want) {
		t.Fatalf("expire() = %#v, want %#v", got, want)
	}
	if got := d.expire(); len(got) != 0 {
		t.Errorf("a second expire() = %#v, want nothing", got)
	}
	if events, more := d.feed([]byte("a\x1b")); !sameEvents(events, []uv.Event{uv.KeyPressEvent{Code: 'a', Text: "a"}}) || !more {
		t.Errorf("feed(a ESC) = %#v, %v; want the a, more", events, more)
	}
	if events, more := d.feed([]byte("[A")); !sameEvents(events, []uv.Event{uv.KeyPressEvent{Code: uv.KeyUp}}) || more {
		t.Errorf("feed([A) after ESC = %#v, %v; want up, no more", events, more)
	}
}

// TestDecoderPasteInPieces pins that a bracketed paste however cut makes
// exactly one PasteEvent with all of its text, only once it ends, and that
// invalid UTF-8 in it is dropped (a byte that may begin a character waits
// for the rest until expire, as in the library).
func TestDecoderPasteInPieces(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
		expire              bool // the paste ends only at expire
	}{
		{"text", "line1\rline2\nhéllo 日本 👍\tend", "line1\rline2\nhéllo 日本 👍\tend", false},
		{"keys", "a\x1b[Ab\x1bOPc", "a\x1b[Ab\x1bOPc", false},
		{"a C1 byte (or stray continuation byte)", "a\x85b", "ab", false},
		{"an invalid byte", "a\xffb\xc3(c", "ab(c", true},
	} {
		in := "\x1b[200~" + tc.content + "\x1b[201~"
		for _, size := range []int{1, 2, 3, 5, 7, 64} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, size), func(t *testing.T) {
				var d inputDecoder
				var events []uv.Event
				more := false
				for i := 0; i < len(in); i += size {
					var evs []uv.Event
					evs, more = d.feed([]byte(in[i:min(i+size, len(in))]))
					if i+size < len(in) && len(evs) > 0 {
						t.Fatalf("events %#v before the paste ended", evs)
					}
					events = append(events, evs...)
				}
				if more != tc.expire {
					t.Fatalf("more = %v after the paste's end, want %v", more, tc.expire)
				}
				if more {
					events = append(events, d.expire()...)
				}
				want := []uv.Event{uv.PasteEvent{Content: tc.want}}
				if !reflect.DeepEqual(events, want) {
					t.Errorf("%q in pieces of %d:\n got %#v\nwant %#v", in, size, events, want)
				}
				if d.pasting || d.paste != nil || len(d.buf) != 0 {
					t.Errorf("after the paste: pasting %v, paste %q, buf %q", d.pasting, d.paste, d.buf)
				}
			})
		}
	}
}

// TestDecoderBufferStaysSmall pins that decoded input leaves the buffer:
// a long session of key presses, each in its own read or cut into bytes,
// keeps no input and no more room than a read needs.
func TestDecoderBufferStaysSmall(t *testing.T) {
	keys := []string{"j", "\x1b[A", "é", "👍", "\x1b[<64;10;5M", "\r", "\x1b[1;5A", "\x1bOP", "\x1b[?2026;2$y"}
	t.Run("a key a read", func(t *testing.T) {
		var d inputDecoder
		for i := range 10000 {
			key := keys[i%len(keys)]
			if events, more := d.feed([]byte(key)); len(events) != 1 || more {
				t.Fatalf("feed(%q) = %#v, %v; want one event, no more", key, events, more)
			}
		}
		if len(d.buf) != 0 || cap(d.buf) >= 1024 {
			t.Errorf("after 10,000 keys: len(buf) = %d, cap(buf) = %d; want 0 and < 1 KiB", len(d.buf), cap(d.buf))
		}
	})
	t.Run("a byte a read", func(t *testing.T) {
		var d inputDecoder
		n := 0
		for i := range 10000 {
			for _, b := range bytewise(keys[i%len(keys)]) {
				events, _ := d.feed([]byte(b))
				n += len(events)
			}
		}
		if n != 10000 {
			t.Errorf("%d events from 10,000 keys", n)
		}
		if len(d.buf) != 0 || cap(d.buf) >= 1024 {
			t.Errorf("after 10,000 keys: len(buf) = %d, cap(buf) = %d; want 0 and < 1 KiB", len(d.buf), cap(d.buf))
		}
	})
}

func TestDecoderPendingCap(t *testing.T) {
	var d inputDecoder
	d.feed([]byte("\xff"))
	for range 3 * maxPending / 1000 {
		d.feed(bytes.Repeat([]byte("a"), 1000))
	}
	if len(d.buf) > maxPending || cap(d.buf) > 4*maxPending {
		t.Errorf("buffer len %d cap %d after 10 KB behind a stray byte", len(d.buf), cap(d.buf))
	}
}

func TestDecoderOpenString(t *testing.T) {
	for in, want := range map[string]bool{
		"\x1b]11;rgb:00": true, "\x1bP+q": true, "\x1b_Gabc": true, "\x9d52;c;": true,
		"\x1b": false, "\x1b[": false, "\x1b[1;": false, "\xff": false, "\xe6\x97": false,
	} {
		var d inputDecoder
		d.feed([]byte(in))
		if got := d.openString(); got != want {
			t.Errorf("%q: openString %v, want %v", in, got, want)
		}
	}
}

// TestDecoderOverflow: the decoder ends a visit only for a paste or
// control string left open past maxOpenSequence. Text in any script
// (whose UTF-8 bytes include 0x90–0x9f, the 8-bit control-string
// starts) and any number of closed pastes and strings never trip it.
func TestDecoderOverflow(t *testing.T) {
	big := strings.Repeat("x", maxOpenSequence+1)
	multibyte := "語Đặng🙂 "
	for _, tc := range []struct {
		name  string
		input []string // chunks, fed in order
		flood bool
	}{
		{"typing", []string{"hello", "jjjkk", "\x1b[A\x1b[B", "q"}, false},
		{"CJK, Vietnamese and emoji, then a lot more", append([]string{"語", "Đặng", "🙂", "\xe8\xaa", "\x9e"}, chunks(strings.Repeat(multibyte, 30<<10), 1024)...), false},
		{"a finished paste", []string{"\x1b[200~" + strings.Repeat("y", 8000) + "\x1b[201~"}, false},
		{"many finished multibyte pastes", chunks(strings.Repeat("\x1b[200~"+strings.Repeat(multibyte, 3000)+"\x1b[201~", 10), 1024), false},
		{"a wheel stream", chunks(strings.Repeat("\x1b[<65;10;10M", 20000), 1024), false},
		{"an endless paste", []string{"\x1b[200~", big}, true},
		{"an endless multibyte paste in pieces", append([]string{"\x1b[2", "00~"}, chunks(strings.Repeat(multibyte, 8<<10), 1024)...), true},
		{"a paste that ends across chunks", []string{"\x1b[200~" + strings.Repeat("y", 60<<10) + "\x1b[20", "1~" + strings.Repeat("k", 60<<10)}, false},
		{"an endless OSC", append([]string{"\x1b]52;c;"}, chunks(big, 1024)...), true},
		{"an endless DCS", append([]string{"\x1bP"}, chunks(big, 1024)...), true},
		{"OSC ended by BEL", repeat("\x1b]0;"+strings.Repeat("t", 30<<10)+"\x07", 5), false},
		{"OSC ended by ST", repeat("\x1b]0;"+strings.Repeat("t", 30<<10)+"\x1b\\", 5), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d inputDecoder
			flood := false
			for _, c := range tc.input {
				d.feed([]byte(c))
				flood = flood || d.overflow()
			}
			if flood != tc.flood {
				t.Errorf("overflow = %v, want %v", flood, tc.flood)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// chunks cuts s into pieces of n bytes, wherever that falls (inside a
// character or a sequence), as reads do.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}
