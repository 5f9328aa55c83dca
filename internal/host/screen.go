package host

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// screen is the terminal's output as the UI's programs see it. Bubble Tea
// writes frames only on its renderer's tick, so on its own a new visitor
// waits a tick for the first screen; and a program that is put to sleep
// would restore the terminal on its way out. screen lets the host
//
//   - show a new visitor a cached copy of the first frame at once (present),
//     and drop the program's own first frame when it is the same bytes;
//   - put a program to sleep without touching the terminal (sleep), and
//     let the next program repaint in place, in the alternate screen the
//     terminal is already in.
//
// Every write to the terminal, the host's own included, goes through it.
type screen struct {
	w io.Writer

	mu      sync.Mutex
	first   bool   // the current program hasn't written yet
	shown   bool   // the terminal shows a frame the current program didn't write
	expect  []byte // what the terminal shows, when it is a known first frame
	discard bool   // the current program is being put to sleep
	touched bool   // the current program has had an event before its first frame
	record  func(frame []byte)
	pending []byte // the program's output so far, while it shows nothing
	alt     bool   // the terminal has been put in the alternate screen and not back

	start   time.Time
	written bool  // anything has been written: the first-frame time is taken
	output  int64 // unix nanoseconds of the current program's last output
	observe func(time.Duration)
}

func newScreen(w io.Writer, observe func(time.Duration)) *screen {
	return &screen{w: w, start: time.Now(), observe: observe}
}

// Write is the program's output.
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(p)
	if s.discard {
		return n, nil
	}
	s.output = time.Now().UnixNano()
	if s.first {
		if !bytes.Contains(p, altOn) {
			// Not a frame: a query a command of the program sent before
			// its first frame (say, Init's background colour request).
			return s.write(p)
		}
		// The program's first frame: a full repaint that enters the
		// alternate screen (or, if the renderer ticked before the first
		// render, the empty screen, its content following).
		s.first = false
		switch {
		case s.shown && bytes.Equal(p, s.expect):
			s.shown, s.expect = false, nil
			return n, nil // already on screen
		case s.shown:
			expect := s.expect
			s.shown, s.expect = false, nil
			if modes, drawing := splitModes(p); expect != nil && bytes.Equal(drawing, drawingOf(expect)) {
				// The same screen, its modes set in another order: a
				// renderer that ticked before its program's first render
				// set some of them apart (in this program or the cached
				// frame's). Set them; the screen stays.
				p = bytes.ReplaceAll(modes, altOn, nil)
				break
			}
			// The terminal is in the alternate screen already: entering it
			// again would overwrite the cursor saved on the way in.
			p = bytes.TrimPrefix(p, altOn)
		}
	}
	if s.record != nil {
		s.recordFrame(p)
	}
	if _, err := s.write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// write sends p to the terminal; the first write of all is the first frame.
func (s *screen) write(p []byte) (int, error) {
	if i := bytes.LastIndex(p, altOn); i >= 0 {
		s.alt = !bytes.Contains(p[i:], altOff)
	} else if bytes.Contains(p, altOff) {
		s.alt = false
	}
	if !s.written && len(p) > 0 {
		s.written = true
		if s.observe != nil {
			s.observe(time.Since(s.start))
		}
	}
	return s.w.Write(p)
}

// recordFrame hands the program's first frame to record, unless an event
// reached the program first. A renderer ticks from before its first
// render, so on a slow machine its first frame can be the empty screen
// followed by the content as a diff: together they are the full frame.
func (s *screen) recordFrame(p []byte) {
	if s.touched || len(s.pending)+len(p) > maxFirstFrame {
		s.record, s.pending = nil, nil
		return
	}
	s.pending = append(s.pending, p...)
	if visible(s.pending) {
		s.record(s.pending)
		s.record, s.pending = nil, nil
	}
}

// maxFirstFrame bounds what is kept while waiting for a first frame that
// shows something: far above a full screen of 300×100 styled cells.
const maxFirstFrame = 1 << 20

// visible reports whether a frame shows anything. A program's renderer
// ticks from before its first render, so on a slow machine its first
// frame can be the empty screen; that one must not be cached for every
// later visitor.
func visible(frame []byte) bool {
	return strings.TrimSpace(ansi.Strip(string(frame))) != ""
}

// splitModes separates what a frame sets (DEC private modes, and OSC
// strings such as the window title) from what it draws.
func splitModes(frame []byte) (modes, drawing []byte) {
	p := ansi.NewParser()
	var state byte
	for len(frame) > 0 {
		seq, _, n, next := ansi.DecodeSequence(frame, state, p)
		if n == 0 {
			break
		}
		state = next
		cmd := ansi.Cmd(p.Command())
		if ansi.HasOscPrefix(seq) || ansi.HasCsiPrefix(seq) && cmd.Prefix() == '?' && (cmd.Final() == 'h' || cmd.Final() == 'l') {
			modes = append(modes, seq...)
		} else {
			drawing = append(drawing, seq...)
		}
		frame = frame[n:]
	}
	return modes, drawing
}

// drawingOf is what a frame draws (splitModes).
func drawingOf(frame []byte) []byte {
	_, drawing := splitModes(frame)
	return drawing
}

var (
	altOn  = []byte(ansi.SetModeAltScreenSaveCursor)
	altOff = []byte(ansi.ResetModeAltScreenSaveCursor)
)

// restoreModes puts back what a UI program changes in a terminal: the
// alternate screen, cursor, bracketed paste, mouse reporting, title and
// grapheme widths (mode 2027).
const restoreModes = ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor +
	ansi.ResetModeBracketedPaste + ansi.ResetModeMouseButtonEvent +
	ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr + "\x1b]2;\a" +
	ansi.ResetModeUnicodeCore

// restore leaves the terminal as it found it if no program did: a visit
// that ends asleep has no program to restore it, and Bubble Tea restores
// only what its own frames set, so a program that ends (a panic) before
// its first frame would leave the cached frame's or a slept program's
// screen and modes behind.
func (s *screen) restore() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.alt {
		_, _ = s.write([]byte(restoreModes))
	}
}

// direct writes the host's own bytes (a cached frame, queries) to the
// terminal, in order with the program's.
func (s *screen) direct(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = s.write(p)
}

// present shows a cached first frame before any program has rendered: the
// next program's first frame is dropped if it is the same.
func (s *screen) present(frame []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.write(frame); err == nil {
		s.shown, s.expect = true, frame
	}
}

// begin readies the screen for a new program. record, if set, receives the
// program's first frame when nothing reached the program before it, so it
// shows the model as it started.
func (s *screen) begin(record func(frame []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.first, s.discard, s.touched, s.record, s.pending = true, false, false, record, nil
}

// touch notes that the current program has had an event.
func (s *screen) touch() {
	s.mu.Lock()
	s.touched = true
	s.mu.Unlock()
}

// showsFrame reports whether the terminal shows a frame: the current
// program's own, or one it was shown before (a cached or a slept one).
func (s *screen) showsFrame() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.first || s.shown
}

// wroteSince reports whether the current program has written anything
// since t (unix nanoseconds).
func (s *screen) wroteSince(t int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.output >= t
}

// sleep drops everything the current program writes from now on, so it can
// end without restoring the terminal: its last frame stays on screen for
// the next program to repaint in place.
func (s *screen) sleep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.discard = true
	if !s.first {
		// The program has drawn: the screen is its last frame.
		s.shown, s.expect = true, nil
	}
}
