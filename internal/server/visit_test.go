package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/gofrs/flock"

	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// openVTermSize is openVTerm at a size no other test uses, so the shared
// first-frame cache starts empty for it.
func openVTermSize(t *testing.T, ts *testServer, w, h int) *vterm {
	t.Helper()
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	vt := &vterm{term: openTerm(t, c, w, h), w: w, h: h}
	vt.waitScreen("Pragya Mugale", "1 About")
	return vt
}

// waitSleeps waits until n programs have been put to sleep on ts.
func waitSleeps(t *testing.T, ts *testServer, n float64) {
	t.Helper()
	if !eventually(waitTimeout, func() bool { return ts.metric("portfolio_ui_sleeps_total") >= n }) {
		t.Fatalf("%v programs put to sleep, want %v", ts.metric("portfolio_ui_sleeps_total"), n)
	}
}

// TestFirstFramePresented: the first visitor at a window size renders the
// first frame through Bubble Tea; the next one is shown the cached bytes
// at once, and the program's own identical first frame is not sent again.
// (host's TestFirstFrameCached checks the bytes themselves.)
func TestFirstFramePresented(t *testing.T) {
	ts := startServerWith(t, nil)
	first := openVTermSize(t, ts, 97, 31)
	want := first.waitScreen("1 About")

	second := openVTermSize(t, ts, 97, 31)
	// Give the program time to render its first frame (a tick is 8 ms).
	// Not a wait the test depends on: on a machine too busy for that, the
	// checks below prove less but can't fail (the frame's bytes aren't
	// observable from here; host's TestFirstFrameCached waits for it).
	time.Sleep(200 * time.Millisecond)
	out := second.out.String()
	// The cached frame leads, before the terminal queries (the first
	// visitor's program wrote them first).
	if !strings.HasPrefix(out, ansi.SetModeAltScreenSaveCursor) {
		t.Errorf("second visitor's output doesn't start with the cached frame:\n%q", out[:min(len(out), 120)])
	}
	// Only once, even when either program's renderer ticked before its
	// first render (on a busy machine) and so set some modes apart from
	// its first frame (host's TestScreenWriter).
	if n := strings.Count(out, ansi.EraseEntireScreen); n != 1 {
		t.Errorf("second visitor's output erases the screen %d times, want 1 (the cached frame only):\n%q", n, out)
	}
	if got := second.screen(); got != want {
		t.Errorf("second visitor sees\n%s\nwant the first's\n%s", got, want)
	}
	// The cached frame is a real program's: keys work on top of it.
	second.send("2")
	second.waitScreen("Programming Languages")
	first.quit()
	second.quit()
}

// TestSleepAndWake: an idle visitor's program is put to sleep (freeing its
// renderer) with the screen left as it is; the next key wakes a new
// program that repaints in place, without entering the alternate screen
// again, and shows exactly what a visitor who never slept sees.
func TestSleepAndWake(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { c.UISleep = 150 * time.Millisecond })
	vt := openVTermSize(t, ts, 91, 29)
	vt.send("3")
	vt.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")

	waitSleeps(t, ts, 1)
	if n := ts.metric("portfolio_ui_programs"); n != 0 {
		t.Errorf("%v programs running while the only visitor sleeps", n)
	}
	asleep := vt.out.String()
	if !strings.Contains(asleep, ansi.SetModeAltScreenSaveCursor) || strings.Contains(asleep, ansi.ResetModeAltScreenSaveCursor) {
		t.Fatalf("going to sleep touched the terminal's screen mode:\n%q", asleep)
	}

	vt.send("j")
	woken := vt.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")
	if n := strings.Count(vt.out.String(), ansi.SetModeAltScreenSaveCursor); n != 1 {
		t.Errorf("alternate screen entered %d times, want once", n)
	}

	// A visitor who never slept, same keys.
	ref := startServerWith(t, func(c *Config) { c.UISleep = 0 })
	rt := openVTermSize(t, ref, 91, 29)
	rt.send("3")
	rt.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")
	rt.send("j")
	want := ""
	if !eventually(waitTimeout, func() bool { want = rt.screen(); return want == vt.screen() }) {
		t.Errorf("after waking the visitor sees\n%s\nwant (never slept)\n%s", woken, want)
	}
	if ref.metric("portfolio_ui_sleeps_total") != 0 {
		t.Errorf("--ui-sleep 0 still put a program to sleep")
	}

	// Quitting from a fresh sleep restores the terminal as usual.
	waitSleeps(t, ts, 2)
	vt.quit()
	if out := vt.out.String(); !strings.Contains(out, ansi.ResetModeAltScreenSaveCursor) {
		t.Errorf("quitting while asleep left the alternate screen on:\n%q", out[max(0, len(out)-200):])
	}
	rt.quit()
}

// TestNoSleepWhileBusy: a program waiting for the result of work it
// started (a message being stored) is not put to sleep, or the result
// would be lost.
func TestNoSleepWhileBusy(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { c.UISleep = 100 * time.Millisecond })
	// Holding the message log's lock keeps the message "sending" (the
	// store waits up to 2 s for the lock).
	lock := flock.New(filepath.Join(ts.cfg.DataDir, filestore.FileName+".lock"))
	if err := lock.Lock(); err != nil {
		t.Fatal(err)
	}
	vt := openVTermSize(t, ts, 89, 27)
	vt.openForm()
	vt.fill("Ada", "ada@example.com", "Hello there, this is a message.")
	// On a slow machine the program may sleep between the keys that fill
	// the form, as it should: count only from a program asleep, which no
	// sleep can be counted for until Ctrl+S wakes it, busy.
	if !eventually(waitTimeout, func() bool { return ts.metric("portfolio_ui_programs") == 0 }) {
		t.Fatal("an idle visitor's program was never put to sleep")
	}
	before := ts.metric("portfolio_ui_sleeps_total")
	vt.send(keyCtrlS)
	vt.waitScreen("sending")
	time.Sleep(600 * time.Millisecond) // several sleep periods
	if n := ts.metric("portfolio_ui_sleeps_total"); n != before {
		t.Errorf("a busy program was put to sleep")
	}
	if ts.submit.InFlight() != 1 {
		t.Fatal("the message store stopped waiting for the lock: the test ran too slowly to prove anything")
	}
	_ = lock.Unlock()
	vt.waitScreen("✓ Sent: message")
	vt.quit()
}

// TestScreenWriter pins the screen's rules for a program's first frame.
// TestMemoryReleaser: releases wait until enough memory is freed, and come
// at most once per interval however much more is freed meanwhile; nothing
// freed is forgotten.
// TestWakeOnResize: a resize wakes a sleeping program at the new size;
// the visitor then sees what a visitor who opened at that size sees.
func TestWakeOnResize(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { c.UISleep = 150 * time.Millisecond })
	vt := openVTermSize(t, ts, 83, 23)
	vt.send("3")
	vt.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")
	waitSleeps(t, ts, 1)
	if err := vt.sess.WindowChange(33, 101); err != nil {
		t.Fatal(err)
	}
	vt.w, vt.h = 101, 33

	rt := openVTermSize(t, ts, 101, 33)
	rt.send("3")
	want := rt.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")
	var got string
	if !eventually(waitTimeout, func() bool { got = vt.screen(); return got == want }) {
		t.Errorf("after a resize while asleep the visitor sees\n%s\nwant\n%s", got, want)
	}
	vt.quit()
	rt.quit()
}

// TestStrayByteDoesNotHoldInput: a byte that starts no known sequence
// waits at most the escape timeout for the rest, however much input
// follows, so a terminal (or a visitor) can't freeze the UI with one.
func TestStrayByteDoesNotHoldInput(t *testing.T) {
	ts := startServerWith(t, nil)
	vt := openVTermSize(t, ts, 87, 25)
	stop := make(chan struct{})
	noise := make(chan struct{})
	go func() {
		defer close(noise)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				_, _ = vt.stdin.Write([]byte("k")) // a key every 10 ms
			}
		}
	}()
	vt.send("\xff2")
	start := time.Now()
	if !eventually(2*time.Second, func() bool { return strings.Contains(vt.screen(), "Programming Languages") }) {
		t.Errorf("input held back for 2 s behind a stray byte")
	}
	close(stop)
	<-noise
	if d := time.Since(start); d > time.Second {
		t.Errorf("the key after a stray byte took %s", d)
	}
	vt.quit()
}

// TestScreenRestore: a program that ends before drawing (a panic) leaves
// the terminal in the alternate screen the cached frame or a slept program
// put it in; the visit then restores it itself, and only then.
// TestDecoderPendingCap: input that never completes a sequence is decoded
// as it stands once maxPending bytes wait, so the buffer stays bounded.
// TestDecoderOpenString: only an unfinished control string may keep the
// escape deadline moving; short ambiguous prefixes may not.
// TestPace: events beyond the burst wait for the rate (a client streaming
// keys can't keep a core busy with Updates and Views), and a session or
// server that ends stops the wait at once.
// TestCachedVisitorStartsAsleep: once --ui-prestart programs run, a
// visitor shown a cached first frame has no program (and no renderer
// memory) until they act. The terminal's answer to the background query
// wakes nothing unless it changes the theme (the first frame, before the
// background is known, has the colours for either: a dark answer changes
// them too); the first key starts a program that draws that key's screen.
func TestCachedVisitorStartsAsleep(t *testing.T) {
	const (
		darkReply  = "\x1b]11;rgb:0000/0000/0000\a"
		lightReply = "\x1b]11;rgb:ffff/ffff/ffff\a"
	)
	ts := startServerWith(t, func(c *Config) { c.UISleep, c.UIPrestart = time.Hour, 1 })
	programs := func() float64 { return ts.metric("portfolio_ui_programs") }
	stays := func(n float64, what string) {
		t.Helper()
		time.Sleep(150 * time.Millisecond) // time enough to start a program, if one were started
		if got := programs(); got != n {
			t.Errorf("%s: %v programs running, want %v", what, got, n)
		}
	}
	first := openVTermSize(t, ts, 93, 27) // draws the first frame, which is cached
	stays(1, "first visitor")

	second := openVTermSize(t, ts, 93, 27)
	stays(1, "second visitor shown the cached frame")
	before := second.out.Len()
	second.send(darkReply)
	if !eventually(waitTimeout, func() bool { return programs() == 2 && second.out.Len() > before }) {
		t.Errorf("a dark terminal's report: %v programs running and %d bytes repainted, want 2 and a repaint", programs(), second.out.Len()-before)
	}
	second.send("2")
	second.waitScreen("Programming Languages")
	if got := programs(); got != 2 {
		t.Errorf("after the second visitor's first key: %v programs running, want 2", got)
	}

	third := openVTermSize(t, ts, 93, 27)
	before = third.out.Len()
	third.send(lightReply)
	if !eventually(waitTimeout, func() bool { return programs() == 3 && third.out.Len() > before }) {
		t.Errorf("a light terminal's report: %v programs running and %d bytes repainted, want 3 and a repaint", programs(), third.out.Len()-before)
	}
	third.waitScreen("Pragya Mugale", "1 About")
	for _, vt := range []*vterm{first, second, third} {
		vt.quit()
	}

	// Below --ui-prestart, or with sleeping turned off, a visitor shown the
	// cached frame gets a program at once.
	for name, edit := range map[string]func(*Config){
		"--ui-prestart 2": func(c *Config) { c.UISleep, c.UIPrestart = time.Hour, 2 },
		"--ui-sleep 0":    func(c *Config) { c.UISleep, c.UIPrestart = 0, 0 },
	} {
		awake := startServerWith(t, edit)
		vt := openVTermSize(t, awake, 93, 27)
		if !eventually(waitTimeout, func() bool { return awake.metric("portfolio_ui_programs") == 1 }) {
			t.Errorf("%s: %v programs running for a visitor shown the cached frame, want 1", name, awake.metric("portfolio_ui_programs"))
		}
		vt.quit()
	}
}

// TestShutdownWhileAsleep: a server shutting down ends an asleep visit
// without starting a program just to end it (a renderer per asleep
// visitor, all at once): the terminal is restored and the goodbye shown,
// with nothing drawn before them.
func TestShutdownWhileAsleep(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { c.UISleep, c.UIPrestart = time.Hour, 0 })
	first := openVTermSize(t, ts, 87, 25) // the first frame is cached now
	starts := ts.metric("portfolio_ui_starts_total")
	asleep := openVTermSize(t, ts, 87, 25)
	if n := ts.metric("portfolio_ui_starts_total"); n != starts {
		t.Fatalf("%v programs started, want %v (the second visitor starts asleep)", n, starts)
	}
	before := asleep.out.Len()

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := asleep.wait(waitTimeout); err != nil {
		t.Errorf("asleep visitor's session after the shutdown: %v", err)
	}
	out := asleep.out.String()[before:]
	if !strings.Contains(out, ansi.ResetModeAltScreenSaveCursor) || !strings.Contains(out, "restarting for an update") {
		t.Errorf("asleep visitor at shutdown got %q, want the terminal restored and the goodbye", out)
	}
	if strings.Contains(out, ansi.EraseEntireScreen) || strings.Contains(out, "Pragya Mugale") {
		t.Errorf("asleep visitor at shutdown got a repaint before leaving: %q", out)
	}
	_ = first.wait(waitTimeout)
	if n := ts.metric("portfolio_ui_starts_total"); n != starts {
		t.Errorf("%v programs started by the end, want %v: the shutdown started one for the asleep visitor", n, starts)
	}
}
