package host

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func TestScreenWriter(t *testing.T) {
	frame := []byte(ansi.SetModeAltScreenSaveCursor + ansi.EraseEntireScreen + "hello")
	t.Run("cached frame, same first frame: dropped", func(t *testing.T) {
		var out bytes.Buffer
		s := newScreen(&out, nil)
		s.present(frame)
		s.begin(nil)
		s.Write(frame)
		s.Write([]byte("diff"))
		if got, want := out.String(), string(frame)+"diff"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("cached frame, other first frame: repaints in place", func(t *testing.T) {
		var out bytes.Buffer
		s := newScreen(&out, nil)
		s.present(frame)
		s.begin(nil)
		s.Write([]byte(ansi.SetModeAltScreenSaveCursor + ansi.EraseEntireScreen + "light"))
		if got, want := out.String(), string(frame)+ansi.EraseEntireScreen+"light"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("cached frame, same screen with modes in another order: modes only", func(t *testing.T) {
		// A renderer that ticks before its program's first render sends
		// bracketed paste apart, before the frame; the cached frame then
		// lacks it, and a program on time sends it inside its frame.
		title := ansi.SetWindowTitle("née 語 🎉")
		cached := []byte(ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + title + ansi.EraseEntireScreen + "hello")
		onTime := ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + ansi.SetModeBracketedPaste + title + ansi.EraseEntireScreen + "hello"
		var out bytes.Buffer
		s := newScreen(&out, nil)
		s.present(cached)
		s.begin(nil)
		s.Write([]byte(onTime))
		s.Write([]byte("diff"))
		if got, want := out.String(), string(cached)+ansi.ResetModeTextCursorEnable+ansi.SetModeBracketedPaste+title+"diff"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("asleep: nothing leaves, the next program repaints in place", func(t *testing.T) {
		var out bytes.Buffer
		s := newScreen(&out, nil)
		s.begin(nil)
		s.Write(frame)
		s.sleep()
		s.Write([]byte("restore the terminal"))
		s.begin(nil)
		s.Write(frame)
		if got, want := out.String(), string(frame)+ansi.EraseEntireScreen+"hello"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("an empty first frame is recorded with the content after it", func(t *testing.T) {
		var got [][]byte
		s := newScreen(&bytes.Buffer{}, nil)
		s.begin(func(f []byte) { got = append(got, f) })
		empty := ansi.SetModeAltScreenSaveCursor + ansi.EraseEntireScreen + "  \r\n "
		s.Write([]byte(empty))
		if len(got) != 0 {
			t.Fatalf("recorded %q, an empty screen", got)
		}
		s.Write([]byte("hello"))
		s.Write([]byte("more"))
		if len(got) != 1 || string(got[0]) != empty+"hello" {
			t.Errorf("recorded %q, want the empty screen and the content drawn on it", got)
		}
	})
	t.Run("a query before the first frame passes and isn't the frame", func(t *testing.T) {
		var got [][]byte
		var out bytes.Buffer
		s := newScreen(&out, nil)
		s.present(frame)
		s.begin(func(f []byte) { got = append(got, f) })
		s.Write([]byte(ansi.RequestBackgroundColor))
		s.Write(frame)
		if want := string(frame) + ansi.RequestBackgroundColor; out.String() != want {
			t.Errorf("got %q, want %q (the query passes, the shown frame is dropped)", out.String(), want)
		}
		s = newScreen(&out, nil)
		s.begin(func(f []byte) { got = append(got, f) })
		s.Write([]byte(ansi.RequestBackgroundColor))
		s.Write(frame)
		if len(got) != 1 || !bytes.Equal(got[0], frame) {
			t.Errorf("recorded %q, want the frame alone", got)
		}
	})
	t.Run("recorded only when untouched", func(t *testing.T) {
		var got [][]byte
		record := func(f []byte) { got = append(got, f) }
		s := newScreen(&bytes.Buffer{}, nil)
		s.begin(record)
		s.Write(frame)
		s.begin(record)
		s.touch()
		s.Write(frame)
		if len(got) != 1 || !bytes.Equal(got[0], frame) {
			t.Errorf("recorded %q, want the untouched program's frame only", got)
		}
	})
	t.Run("first output is timed once", func(t *testing.T) {
		var n int
		s := newScreen(&bytes.Buffer{}, func(time.Duration) { n++ })
		s.direct([]byte("queries"))
		s.begin(nil)
		s.Write(frame)
		if n != 1 {
			t.Errorf("observed %d times, want 1", n)
		}
	})
}

func TestScreenRestore(t *testing.T) {
	frame := ansi.SetModeAltScreenSaveCursor + ansi.EraseEntireScreen + "hello"
	var out bytes.Buffer
	s := newScreen(&out, nil)
	s.present([]byte(frame))
	s.begin(nil)
	s.restore()
	if got, want := out.String(), frame+restoreModes; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	out.Reset()
	s = newScreen(&out, nil)
	s.begin(nil)
	s.Write([]byte(frame))
	s.Write([]byte("bye" + ansi.ResetModeAltScreenSaveCursor))
	s.restore()
	if got, want := out.String(), frame+"bye"+ansi.ResetModeAltScreenSaveCursor; got != want {
		t.Errorf("restored after the program did: got %q", got)
	}
}
