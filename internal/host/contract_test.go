package host

// Contract tests: one for every assumption the host makes about Bubble Tea
// and ultraviolet beyond their documented API. When a library upgrade
// breaks one, the test's name says which assumption went, and its comment
// says what in the host relies on it.

import (
	"bytes"
	"io"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// writes records every Write call separately.
type writes struct {
	mu    sync.Mutex
	calls [][]byte
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, bytes.Clone(p))
	return len(p), nil
}

func (w *writes) all() [][]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.calls...)
}

func (w *writes) joined() string { return string(bytes.Join(w.all(), nil)) }

// viewModel shows text in the alternate screen; "q" quits, another key
// replaces the text.
type viewModel struct{ text string }

func (m viewModel) Init() tea.Cmd { return nil }
func (m viewModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if k.String() == "q" {
			return m, tea.Quit
		}
		m.text = "key " + k.String()
	}
	return m, nil
}
func (m viewModel) View() tea.View {
	v := tea.NewView(m.text)
	v.AltScreen = true
	return v
}

// startProgram runs a program as the host does (no input, no signals, a
// fixed size) on out, and returns it with a func that waits for its end.
func startProgram(t *testing.T, m tea.Model, out io.Writer, opts ...tea.ProgramOption) (*tea.Program, func()) {
	t.Helper()
	p := tea.NewProgram(m, append([]tea.ProgramOption{
		tea.WithInput(nil), tea.WithOutput(out), tea.WithoutSignalHandler(),
		tea.WithWindowSize(40, 10), tea.WithFPS(fps),
		tea.WithEnvironment([]string{"TERM=xterm-256color"}),
	}, opts...)...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = p.Run()
	}()
	return p, func() {
		t.Helper()
		select {
		case <-done:
		case <-time.After(waitTimeout):
			t.Fatal("the program did not end")
		}
	}
}

// TestContractRendererFirstWriteIsFullFrame: a program without input
// sends no queries of its own, so its first Write is its first frame
// (unless a command of the model writes a query first, which the screen
// passes through), and that frame is a full repaint (or, when its
// renderer ticks before the first render, the empty screen) that starts
// by entering the alternate screen. The
// screen relies on it to cache first frames, to drop a program's first
// frame when the terminal shows it already, and to strip the alternate
// screen's entry when a woken program repaints in place.
func TestContractRendererFirstWriteIsFullFrame(t *testing.T) {
	out := &writes{}
	p, wait := startProgram(t, viewModel{"hello contract"}, out)
	if !eventually(waitTimeout, func() bool { return len(out.all()) > 0 }) {
		t.Fatal("no frame")
	}
	first := string(out.all()[0])
	if !strings.HasPrefix(first, ansi.SetModeAltScreenSaveCursor) {
		t.Errorf("first write doesn't start by entering the alternate screen: %q", first)
	}
	if !strings.Contains(first, ansi.EraseEntireScreen) {
		t.Errorf("first write doesn't erase the screen: %q", first)
	}
	// (On a slow machine the renderer's tick can come before the first
	// render: then the first frame is the empty screen, which the screen
	// never caches; see visible.)
	if visible([]byte(first)) && !strings.Contains(first, "hello contract") {
		t.Errorf("first write isn't a full frame: %q", first)
	}
	p.Quit()
	wait()
}

// TestContractQuitRestoresTerminal: a program that quits leaves the
// alternate screen itself, and writes nothing of its own after it; the
// screen's restore (restoreModes) only covers visits that end without a
// program to do it (asleep, or a program that died before drawing).
func TestContractQuitRestoresTerminal(t *testing.T) {
	out := &writes{}
	p, wait := startProgram(t, viewModel{"bye"}, out)
	if !eventually(waitTimeout, func() bool { return len(out.all()) > 0 }) {
		t.Fatal("no frame")
	}
	p.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	wait()
	if all := out.joined(); !strings.Contains(all, ansi.ResetModeAltScreenSaveCursor) {
		t.Errorf("quitting didn't leave the alternate screen: %q", all[max(0, len(all)-120):])
	}
	for _, mode := range []string{ansi.ResetModeAltScreenSaveCursor, ansi.ShowCursor} {
		if !strings.Contains(restoreModes, mode) {
			t.Errorf("restoreModes lacks %q", mode)
		}
	}
}

// TestContractModeReportReplay: a mode report sent to a program as a
// message (not read from its input) changes how its renderer writes: a
// terminal that has synchronized output (mode 2026, reported reset) gets
// frames wrapped in it. The host asks the terminal once per visit and
// replays the reports to every program it starts.
func TestContractModeReportReplay(t *testing.T) {
	out := &writes{}
	p, wait := startProgram(t, viewModel{"one"}, out)
	p.Send(tea.ModeReportMsg{Mode: ansi.ModeSynchronizedOutput, Value: ansi.ModeReset})
	p.Send(tea.KeyPressMsg{Code: 'a', Text: "a"}) // a frame after the report
	if !eventually(waitTimeout, func() bool {
		return strings.Contains(out.joined(), ansi.SetModeSynchronizedOutput)
	}) {
		t.Errorf("a replayed 2026 report didn't turn synchronized output on: %q", out.joined())
	}
	p.Quit()
	wait()
}

// TestContractKeyTableCost: a program that reads its own input builds
// Bubble Tea's key table (and reader) per program, over 64 KiB more than
// a program without input. That cost is why the host starts programs with
// tea.WithInput(nil) and decodes input itself; if this fails, the
// library's reader became cheap and inputDecoder may not be worth it.
func TestContractKeyTableCost(t *testing.T) {
	alloc := func(input bool) uint64 {
		best := uint64(1 << 62)
		for range 3 {
			var opts []tea.ProgramOption
			var keys *io.PipeWriter
			if input {
				var r *io.PipeReader
				r, keys = io.Pipe()
				opts = append(opts, tea.WithInput(r))
			}
			out := &writes{}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			p, wait := startProgram(t, viewModel{"x"}, out, opts...)
			if !eventually(waitTimeout, func() bool { return len(out.all()) > 0 }) {
				t.Fatal("no frame")
			}
			runtime.ReadMemStats(&after)
			p.Quit()
			if keys != nil {
				keys.Close()
			}
			wait()
			best = min(best, after.TotalAlloc-before.TotalAlloc)
		}
		return best
	}
	without, with := alloc(false), alloc(true)
	t.Logf("a program allocates %d KiB without input, %d KiB with", without>>10, with>>10)
	if with < without+64<<10 {
		t.Errorf("reading input costs a program only %d KiB more: the reason for WithInput(nil) is gone", (with-without)>>10)
	}
}

// TestContractDecoderInternalEventType: ultraviolet's decoder reports a
// cancelled control string as an event of an unexported type, which its
// own reader drops. The host can't name the type, so internal() spots it
// by reflection (an unexported type name) and drops it too.
func TestContractDecoderInternalEventType(t *testing.T) {
	var d uv.EventDecoder
	in := []byte("\x1b]0;title\x18")
	n, ev := d.Decode(in)
	if n != len(in) {
		t.Fatalf("decoded %d of %d bytes", n, len(in))
	}
	typ := reflect.TypeOf(ev)
	if typ == nil || typ.PkgPath() != reflect.TypeOf(uv.UnknownEvent("")).PkgPath() || !internal(ev) {
		t.Fatalf("a cancelled string decodes to %T, not to an unexported ultraviolet type", ev)
	}
	if got := libraryEvents(t, string(in)); len(got) != 0 {
		t.Errorf("the library's reader delivers %v for a cancelled string, want nothing", got)
	}
	if got := decodeChunks(string(in)); len(got) != 0 {
		t.Errorf("inputDecoder delivers %v for a cancelled string, want nothing", got)
	}
}

// TestContractSendAfterEnd: Send to a program that has ended returns at
// once. The visit sends to its program without checking whether it has
// just ended (the visitor's q races every key behind it).
func TestContractSendAfterEnd(t *testing.T) {
	p, wait := startProgram(t, viewModel{"x"}, &writes{})
	p.Quit()
	wait()
	sent := make(chan struct{})
	go func() {
		p.Send(tea.KeyPressMsg{Code: 'a', Text: "a"})
		close(sent)
	}()
	select {
	case <-sent:
	case <-time.After(waitTimeout):
		t.Fatal("Send to an ended program blocked")
	}
}

// TestContractBatchMsgRunsCommands: a BatchMsg sent to a program runs its
// commands. When a terminal report changes an asleep model, its Update's
// command is handed to the program woken for it this way.
func TestContractBatchMsgRunsCommands(t *testing.T) {
	p, wait := startProgram(t, viewModel{"x"}, &writes{})
	ran := make(chan struct{})
	p.Send(tea.BatchMsg{func() tea.Msg { close(ran); return nil }})
	select {
	case <-ran:
	case <-time.After(waitTimeout):
		t.Error("a sent BatchMsg's command never ran")
	}
	p.Quit()
	wait()
}

// TestContractFilterSeesSentMessages: WithFilter sees messages given to
// Send, on the program's goroutine, before Update. The sleep check rides
// on it to ask the model, beside its Updates, whether it waits for work.
func TestContractFilterSeesSentMessages(t *testing.T) {
	type ping struct{ reply chan bool }
	p, wait := startProgram(t, viewModel{"x"}, &writes{}, tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
		if c, ok := msg.(ping); ok {
			c.reply <- true
			return nil
		}
		return msg
	}))
	reply := make(chan bool, 1)
	p.Send(ping{reply})
	select {
	case <-reply:
	case <-time.After(waitTimeout):
		t.Error("the filter never saw a sent message")
	}
	p.Quit()
	wait()
}

// views counts its View calls.
type views struct {
	viewModel
	n *atomic.Int64
}

func (m views) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.viewModel.Update(msg)
	m.viewModel = next.(viewModel)
	return m, cmd
}
func (m views) View() tea.View { m.n.Add(1); return m.viewModel.View() }

// TestContractViewAfterEveryUpdate: a program calls View after every
// message, however many arrive within a frame. That is why the host hands
// a read's keys to the model as one eventBatch: a client streaming keys
// would otherwise cost a whole render per key.
func TestContractViewAfterEveryUpdate(t *testing.T) {
	var n atomic.Int64
	p, wait := startProgram(t, views{viewModel{"x"}, &n}, &writes{})
	before := n.Load()
	for range 50 {
		p.Send(tea.KeyPressMsg{Code: 'a', Text: "a"})
	}
	p.Quit()
	wait()
	if got := n.Load() - before; got < 50 {
		t.Errorf("50 messages sent within a frame cost %d Views: the library coalesces renders now, eventBatch may go", got)
	}
}

// TestContractStartupSizeSentByProgram: a program sends its model its
// start-up size (WithWindowSize) as a WindowSizeMsg through its own Send,
// from a goroutine, so it can land after sizes sent since. The host's
// filter drops every plain WindowSizeMsg and passes its own sizes as
// visitSize (filterMessages): the last size a visitor gives wins.
func TestContractStartupSizeSentByProgram(t *testing.T) {
	seen := make(chan tea.WindowSizeMsg, 4)
	p, wait := startProgram(t, viewModel{"x"}, &writes{}, tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
		if s, ok := msg.(tea.WindowSizeMsg); ok {
			seen <- s
		}
		return msg
	}))
	select {
	case s := <-seen:
		if s != (tea.WindowSizeMsg{Width: 40, Height: 10}) {
			t.Errorf("start-up size %v, want 40×10", s)
		}
	case <-time.After(waitTimeout):
		t.Error("the program never sent its start-up size: filterMessages' drop may be moot")
	}
	p.Quit()
	wait()
}
