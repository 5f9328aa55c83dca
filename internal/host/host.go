// Package host runs visitors' Bubble Tea UIs over any transport: one
// visit per visitor, from their first frame to their last key.
//
// A transport (SSH in package server; a browser's WebSocket next) hands
// the host a [Terminal] (input bytes in, output bytes out, size changes,
// the client's environment) and a [Model]; [Visit.Run] does the rest:
//
//	key bytes → inputDecoder (decode.go) → batches of events, paced →
//	the program's Update (each event) and View (each batch) → its
//	renderer → screen (screen.go) → Terminal
//
// What makes it cheap, measured in BENCHMARKS.md:
//
//   - Programs get no input of their own (tea.WithInput(nil)): the visit
//     reads the terminal and decodes it with ultraviolet's table-free
//     decoder, so no program builds Bubble Tea's ~150 KiB key table, and
//     an asleep visitor's keys are still heard.
//   - The first frame is cached per window size, colour profile, TERM and
//     [Options.FirstFrame], and shown to the next visitor with the same
//     key before any program renders (Bubble Tea writes frames only on
//     its renderer's tick).
//   - An idle visitor's program is put to sleep ([Config.Sleep]) with the
//     terminal left as it is; the model stays, and the next key starts a
//     new program on it that repaints in place. A crowd of new visitors
//     shown the cached frame starts asleep ([Config.Prestart]). Memory
//     freed by sleeping programs is handed back to the OS.
//   - A visitor's events are paced ([Options.Events] shares one pace
//     among visits, say one address's) and handed over in batches, and
//     their input is capped: an open paste or control string, and bytes a
//     minute.
//   - Limits hold whatever the client does: idle and session-length
//     limits are announced through [Config.Notice], and a visit whose
//     output is stuck (the client stopped reading) is ended by closing
//     its terminal a few seconds past the limit.
//
// Every assumption about Bubble Tea and ultraviolet internals this relies
// on has a contract test (contract_test.go) named for it.
package host

import (
	"io"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/cache"
)

// Size is a terminal's size in cells.
type Size struct{ Width, Height int }

// Terminal is a visitor's terminal as a transport delivers it. The host
// calls Read from one goroutine and Write from others (never at once);
// the other methods may be called from any goroutine.
type Terminal interface {
	// Read returns the visitor's input bytes. An error ends the input
	// (the UI stays until the visitor leaves or a limit ends the visit).
	io.Reader
	// Write sends output to the visitor's terminal.
	io.Writer
	// Environ is the client's environment as KEY=value pairs, TERM
	// included; the colour profile is read from it (colorprofile.Env).
	Environ() []string
	// Size is the terminal's size when the visit starts.
	Size() Size
	// Resizes delivers later size changes; nil if there are none.
	Resizes() <-chan Size
	// Done is closed when the visitor has gone: the visit ends at once,
	// without touching the terminal.
	Done() <-chan struct{}
	// Close ends the visitor's connection, unblocking a pending Read or
	// Write. The host calls it only when output is stuck (the client
	// stopped reading) and a limit has to end the visit anyway.
	Close() error
}

// Model is the model a visit drives: any Bubble Tea model that can say
// whether it waits for the result of a command it started. The model
// outlives the visit's programs, so its Update must change it in place
// and return it (a pointer model), as the portfolio's does.
//
// Its View must use the alternate screen (tea.View.AltScreen), which the
// cached first frame and sleeping in place rely on. The host needs
// nothing else from it. It knows by itself whether the
// model has had any message besides its size (until then the model shows
// its first screen, which [Options.FirstFrame] says may be shared), and
// it learns whether a message changes what the model shows by comparing
// View before and after (see [Visit]).
type Model interface {
	tea.Model
	// Waiting reports whether the model waits for the result of a command
	// it started (say, a message being stored): the host then keeps its
	// program running, since putting it to sleep would lose the result.
	// It is called on the program's goroutine, between Updates.
	Waiting() bool
}

// Observer hears about the host's work, for metrics. Its methods are
// called from many goroutines and must be quick.
type Observer interface {
	// FirstOutput is the time from a visit's start to its first output.
	FirstOutput(time.Duration)
	// ProgramStarted is called for every program started: for a new
	// visitor, or to wake an asleep one.
	ProgramStarted()
	// ProgramSlept is called for every program put to sleep.
	ProgramSlept()
}

// Config is how a host runs its visits.
type Config struct {
	// Sleep puts a visitor's program to sleep after this long without a
	// message; 0 keeps every program running for the whole visit.
	Sleep time.Duration
	// Prestart: a new visitor shown the cached first frame gets a program
	// at once while fewer than this many run, so their first key is drawn
	// on the next tick; beyond it they start asleep. No effect when Sleep
	// is 0.
	Prestart int
	// Idle ends a visit after this long without input; MaxSession ends
	// any visit after this long. Both are announced through Notice a
	// minute (or a quarter of the limit) before. 0 = no limit.
	Idle, MaxSession time.Duration
	// Notice makes the message that shows the visitor a one-line notice
	// (a limit coming up); nil: notices aren't shown.
	Notice func(text string) tea.Msg
	// Observer, if set, hears about first frames and programs.
	Observer Observer
}

// Host runs visits. One host serves every visit of a server; its methods
// are safe for concurrent use.
type Host struct {
	cfg      Config
	obs      Observer
	programs atomic.Int64
	frames   *cache.Bounded[frameKey, []byte]
	memory   *memoryReleaser
	closing  chan struct{}
	closed   atomic.Bool
}

// New returns a host.
func New(cfg Config) *Host {
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	return &Host{
		cfg:     cfg,
		obs:     obs,
		frames:  cache.New[frameKey, []byte](firstFramesMax),
		memory:  newMemoryReleaser(),
		closing: make(chan struct{}),
	}
}

// Programs is the number of programs running: visitors' UIs not asleep.
func (h *Host) Programs() int { return int(h.programs.Load()) }

// Shutdown ends every visit the way a visitor's quit does, so terminals
// are restored; visits started later end at once.
func (h *Host) Shutdown() {
	if h.closed.CompareAndSwap(false, true) {
		close(h.closing)
	}
}

// frameKey is what a first frame depends on: the model's first screen
// (the transport's key, the size, the colour profile) and how the
// renderer writes it for the terminal type.
type frameKey struct {
	screen        any
	width, height int
	profile       colorprofile.Profile
	term          string
}

// firstFramesMax bounds the cache of first frames against visitors
// cycling window sizes.
const firstFramesMax = 256

type nopObserver struct{}

func (nopObserver) FirstOutput(time.Duration) {}
func (nopObserver) ProgramStarted()           {}
func (nopObserver) ProgramSlept()             {}
