package host

import (
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// escTimeout is how long a lone ESC (or ESC and one byte) waits for the
// rest of a sequence before it counts as the Escape key (or Alt+key), as in
// Bubble Tea's own reader.
const escTimeout = uv.DefaultEscTimeout

// inputDecoder turns a visitor's input bytes into terminal events: keys,
// mouse, pastes and the terminal's answers to queries.
//
// Bubble Tea's own reader builds a ~150 KiB key table for every program;
// the server instead starts programs without input, reads the session
// itself and decodes it here with ultraviolet's table-free EventDecoder,
// which knows what xterm-compatible terminals, PuTTY and Windows Terminal
// send. It follows the scanning rules of ultraviolet's reader (the
// Bubble Tea default): a sequence that may be incomplete waits for more
// input until escTimeout, and a bracketed paste becomes one PasteEvent.
type inputDecoder struct {
	dec     uv.EventDecoder
	buf     []byte // input not decoded yet
	paste   []byte // the open bracketed paste's text
	pasting bool
	// unended: buf is a control string (OSC, DCS…) that the last scan
	// found without its end.
	unended bool
}

// feed adds input and returns the events it completes. more reports that
// undecoded input remains that may be the start of a longer sequence: call
// expire if nothing else arrives within escTimeout.
func (d *inputDecoder) feed(p []byte) (events []uv.Event, more bool) {
	d.buf = append(d.buf, p...)
	if d.unended && !slices.ContainsFunc(p, endsString) {
		// The control string goes on, and its end isn't in p: decoding
		// it again would find what the last scan found, at a cost that
		// grows with the string (a visitor sending one a byte a read
		// would cost seconds of CPU before it reached the cap).
		more = true
	} else {
		events, more = d.scan(false)
	}
	if len(d.buf) > maxPending && !d.overflow() {
		// No key or reply is this long: whatever it is has ended.
		events = append(events, d.expire()...)
		more = len(d.buf) > 0
	}
	return events, more
}

// maxOpenSequence is the most input accepted inside one bracketed paste
// or control string (OSC, DCS…): far above the largest message a visitor
// can send (2,000 characters). Both are buffered whole until they end, so
// without a cap one visitor streaming "ESC [200~" and no end could take
// the server's memory and, through re-scans, a core.
const maxOpenSequence = 64 << 10

// maxSequence is the longest input waited on as one sequence that may be
// incomplete, other than a control string (a paste's text is taken as it
// comes): far above any key or reply (a kitty key report with its text,
// an SGR mouse report), and low enough that decoding it again on every
// read costs little.
const maxSequence = 1 << 10

// maxPending caps the input kept waiting for the rest of a sequence
// (outside a paste, whose text is taken as it comes). It is above
// maxOpenSequence, so an open control string that long is caught by
// overflow before it is decoded as keys.
const maxPending = 2 * maxOpenSequence

// overflow reports whether an open paste or control string has passed
// maxOpenSequence: the visit ends the session. The decoder knows the real
// state of the input (UTF-8 included), so a visitor typing "語" or an
// emoji, whose bytes include 0x90–0x9f, is never mistaken for one.
func (d *inputDecoder) overflow() bool {
	return len(d.paste) > maxOpenSequence || (len(d.buf) > maxOpenSequence && d.openString())
}

// openString reports whether the undecoded input is an unfinished control
// string (OSC, DCS, APC, PM, SOS): unlike a short ambiguous prefix it may
// legitimately take a while to arrive, and overflow caps its size.
func (d *inputDecoder) openString() bool { return openString(d.buf) }

// openString reports whether b starts a control string (OSC, DCS, APC,
// PM, SOS).
func openString(b []byte) bool {
	if len(b) > 0 && b[0] == ansi.ESC {
		b = b[1:]
		return len(b) > 0 && strings.IndexByte("]P_^X", b[0]) >= 0
	}
	return len(b) > 0 && (b[0] == ansi.OSC || b[0] == ansi.DCS || b[0] == ansi.APC || b[0] == ansi.PM || b[0] == ansi.SOS)
}

// expire decodes what is left as it stands: the rest of the sequence
// never came.
func (d *inputDecoder) expire() []uv.Event {
	events, _ := d.scan(true)
	return events
}

func (d *inputDecoder) scan(expired bool) (events []uv.Event, more bool) {
	buf := d.buf
	d.unended = false
	defer func() {
		// Keep the undecoded rest at the front of the buffer, so it
		// doesn't grow with the session.
		if len(buf) != len(d.buf) {
			d.buf = append(d.buf[:0], buf...)
		}
		more = len(d.buf) > 0
	}()
	for len(buf) > 0 {
		esc := buf[0] == ansi.ESC
		n, ev := d.dec.Decode(buf)
		if n == 0 {
			return events, true
		}
		if k, ok := ev.(uv.KeyPressEvent); ok && !utf8.ValidString(k.Text) {
			// The library's grapheme segmenter joins a Prepend character
			// (U+0D4E, U+0600–U+0605…) with the bytes after it even when
			// they aren't a character yet: wait for the rest, as for any
			// partial character, or key the valid part alone.
			if !expired && n == len(buf) {
				return events, true
			}
			ev, n = validKey(k)
		}
		if k, ok := ev.(uv.KeyPressEvent); ok && strings.ContainsFunc(k.Text, controlRune) {
			// A key's text is what the key types: never a control
			// character, whatever a kitty-protocol report (CSI …;…;27u)
			// claims.
			k.Text = strings.Map(func(r rune) rune {
				if controlRune(r) {
					return -1
				}
				return r
			}, k.Text)
			ev = k
		}
		// A sequence that may be incomplete waits for the rest, until
		// escTimeout after its first byte (the visit's timer is pushed
		// back by later input only for an open control string, so a stray
		// byte can't hold input forever).
		//
		// Nor does a sequence past maxSequence that isn't a control
		// string: no key or reply is that long, and waiting would decode
		// it again on every read, its cost growing with it.
		wait := !expired && (len(buf) <= maxSequence || openString(buf))
		if d.pasting {
			switch ev := ev.(type) {
			case uv.PasteEndEvent:
				d.pasting = false
				events = append(events, uv.PasteEvent{Content: validRunes(d.paste)})
				d.paste = nil
			case uv.KeyPressEvent:
				if ev.Text != "" {
					d.paste = append(d.paste, ev.Text...)
				} else {
					if esc && n <= 2 && wait {
						return events, true
					}
					d.paste = append(d.paste, buf[:n]...)
				}
			case uv.UnknownEvent:
				if wait {
					d.unended = openString(buf)
					return events, true
				}
			}
			buf = buf[n:]
			continue
		}
		switch ev := ev.(type) {
		case uv.UnknownEvent:
			if wait {
				d.unended = openString(buf)
				return events, true
			}
			events = append(events, ev)
		case uv.PasteStartEvent:
			d.pasting, d.paste = true, []byte{}
		case uv.MultiEvent:
			events = append(events, ev...)
		case nil:
		default:
			if internal(ev) {
				break // a cancelled sequence: the library's reader drops it too
			}
			if esc && n <= 2 && wait {
				return events, true // ESC alone, or ESC and one byte: wait
			}
			events = append(events, ev)
		}
		buf = buf[n:]
	}
	return events, false
}

// internal reports whether ev is of a type the library keeps to itself
// (the "ignored" event of a cancelled control string): its reader drops
// those, and so must we.
func internal(ev uv.Event) bool {
	name := reflect.TypeOf(ev).Name()
	return name != "" && !unicode.IsUpper([]rune(name)[0])
}

// validKey is k with only the valid UTF-8 its text starts with (at least
// one character: the library never keys an invalid first byte), and that
// text's length.
func validKey(k uv.KeyPressEvent) (uv.KeyPressEvent, int) {
	text := k.Text
	for i, r := range text {
		if r == utf8.RuneError {
			if _, w := utf8.DecodeRuneInString(text[i:]); w == 1 {
				text = text[:i]
				break
			}
		}
	}
	k.Text = text
	if r, w := utf8.DecodeRuneInString(text); w == len(text) {
		k.Code = r
	} else {
		k.Code = uv.KeyExtended
	}
	return k, len(text)
}

// endsString reports whether b may end (or cancel) a control string in
// the library's decoder: BEL (an OSC's end), ESC (of ST, or any other),
// the 8-bit ST, CAN and SUB.
func endsString(b byte) bool {
	return b == ansi.BEL || b == ansi.ESC || b == ansi.ST || b == ansi.CAN || b == ansi.SUB
}

// controlRune reports whether r is a C0 or C1 control character or DEL.
func controlRune(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// validRunes is the paste's text without invalid UTF-8, as Bubble Tea
// delivers it.
func validRunes(b []byte) string {
	out := make([]rune, 0, len(b))
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		if r != utf8.RuneError {
			out = append(out, r)
		}
		b = b[w:]
	}
	return string(out)
}
