package host

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/time/rate"
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

func TestMemoryReleaser(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	r := &memoryReleaser{threshold: 100, every: 150 * time.Millisecond, release: func() {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
	}}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(times) }
	r.freed(60)
	time.Sleep(20 * time.Millisecond) // a negative check: no release comes
	if n := count(); n != 0 {
		t.Fatalf("released after 60 of 100 bytes")
	}
	r.freed(60)
	if !eventually(waitTimeout, func() bool { return count() == 1 }) {
		t.Fatalf("no release after 120 bytes")
	}
	for range 5 {
		r.freed(100)
	}
	if !eventually(waitTimeout, func() bool { return count() == 2 }) {
		t.Fatalf("memory freed after a release was never released")
	}
	time.Sleep(200 * time.Millisecond) // a negative check: no third release
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 2 {
		t.Errorf("%d releases, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < r.every {
		t.Errorf("releases %s apart, want ≥ %s", gap, r.every)
	}
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

func TestPace(t *testing.T) {
	l := rate.NewLimiter(100, 10)
	start := time.Now()
	for range 30 {
		if !pace(l, 1, nil, nil) {
			t.Fatal("pace gave up with nothing ending")
		}
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("30 events at 100/s after a burst of 10 took %s, want ≥ 200 ms", d)
	}
	// A batch larger than the burst waits for all of it.
	start = time.Now()
	if !pace(l, 25, nil, nil) {
		t.Fatal("pace gave up with nothing ending")
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("a batch of 25 events at 100/s took %s, want ≥ 200 ms", d)
	}
	closing := make(chan struct{})
	close(closing)
	start = time.Now()
	for range 5 {
		if pace(l, 1, nil, closing) {
			t.Fatal("pace went on while the server closes")
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("pace held a closing server for %s", d)
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

// TestInputBudget: more than maxInputPerMinute bytes in a minute ends the
// visit; the same input spread over minutes doesn't.
func TestInputBudget(t *testing.T) {
	now := time.Now()
	w := newWatchdog(0, 0)
	for i := range 6 {
		if !w.input(512<<10, now.Add(time.Duration(i)*61*time.Second)) {
			t.Fatalf("half a MiB a minute over budget at minute %d", i)
		}
	}
	w = newWatchdog(0, 0)
	ok := true
	for range 17 {
		ok = ok && w.input(64<<10, now)
	}
	if ok {
		t.Error("1.06 MiB within a minute stayed within the budget")
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
