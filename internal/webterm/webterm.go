// Package webterm is the browser's way into the UI host: a WebSocket
// adapter that turns a browser's xterm.js into a [host.Terminal], so the
// live terminal at /terminal runs the same visit as an SSH session.
//
// The wire protocol (see web/static/terminal.js): binary messages carry
// terminal bytes both ways, keys from the browser and the app's output
// from the server; a text message from the browser is the terminal's
// size, {"cols":N,"rows":N}. The first message must be the size: the
// visit starts with it. A text message from the server, sent once as a
// visit ends, is {"farewell":"line\nline"}: what the page shows in the
// terminal's place when the visitor quit (SSH visitors keep the same
// lines in their scrollback).
//
// Binary messages mean UTF-8 is never split into text frames (xterm.js
// decodes the byte stream across messages); output is written straight to
// the socket with nothing queued, so a browser that stops reading slows
// only its own visit, which the host then ends.
package webterm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/pragyamugale/portfolio/internal/host"
)

// Defaults for Options.
const (
	// DefaultMaxMessage caps one message from the browser: a paste of
	// this size already exceeds what the host takes as an open paste.
	DefaultMaxMessage = 64 << 10
	// sizeTimeout is how long a new socket may take to send its size.
	sizeTimeout = 10 * time.Second
	// maxSizeMessage caps a size message.
	maxSizeMessage = 128
)

// Refusal is a visitor turned away before their visit starts (a limit):
// the socket is closed with Code and Reason, which the page shows.
type Refusal struct {
	Code   websocket.StatusCode
	Reason string // one short line for the visitor (≤ 123 bytes)
}

func (r *Refusal) Error() string { return r.Reason }

// Options is how the adapter admits visitors and runs their visits.
type Options struct {
	// Admit is asked first, for every socket: a *Refusal (or another
	// error) turns the visitor away, otherwise release is called when
	// their socket ends. Connection and session-rate limits live here.
	Admit func(r *http.Request) (release func(), err error)
	// Visit runs the UI on term until the visit ends. open is the deep
	// link the page was opened with, e.g. "projects/notelytix" (or "").
	// Its error, if any, is logged by the caller; the socket is then
	// closed with Goodbye().
	Visit func(r *http.Request, term *Terminal, open string) error
	// Goodbye is the reason the socket closes with after a visit; nil:
	// a plain "the session has ended".
	Goodbye func() string
	// Clamp bounds a size the browser sends (as the SSH side bounds a
	// pty's); nil leaves sizes as they come (at least 1×1).
	Clamp func(host.Size) host.Size
	// MaxMessage caps one message from the browser; 0 means
	// DefaultMaxMessage. A larger one ends the socket as it arrives, with
	// 1009 (message too big) and a reason.
	MaxMessage int64
	// Keepalive pings the browser this often and ends the visit of one
	// that stops answering; 0 = never.
	Keepalive time.Duration
}

// Handler serves the WebSocket. Sockets from other origins are refused
// (the Origin must match the Host), so no other site can open a visit in
// a visitor's name.
func Handler(o Options) http.Handler {
	if o.MaxMessage == 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The HTTP server's read and write timeouts are for pages; a
		// visit lasts as long as the host's limits allow.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return // Accept has answered
		}
		defer conn.CloseNow()
		// The terminal refuses a message over MaxMessage itself, with a
		// reason for the visitor; the library's cap is a byte later.
		conn.SetReadLimit(o.MaxMessage + 1)

		release, err := o.Admit(r)
		if err != nil {
			var ref *Refusal
			if !errors.As(err, &ref) {
				ref = &Refusal{Code: websocket.StatusTryAgainLater, Reason: "The terminal is busy. Please try again later."}
			}
			_ = conn.Close(ref.Code, ref.Reason)
			return
		}
		defer release()

		term, err := newTerminal(r.Context(), conn, o.Clamp, o.MaxMessage)
		if err != nil {
			_ = conn.Close(websocket.StatusPolicyViolation, "The terminal did not send its size.")
			return
		}
		defer term.stop()
		if o.Keepalive > 0 {
			go term.keepalive(o.Keepalive)
		}
		_ = o.Visit(r, term, r.URL.Query().Get("open"))
		if term.farewell != "" {
			_ = term.sayFarewell()
		}
		reason := "The session has ended. Reload the page to start again."
		if o.Goodbye != nil {
			reason = o.Goodbye()
		}
		_ = term.closeWith(websocket.StatusNormalClosure, reason)
	})
}

// Terminal is one browser's terminal, as the host sees it. Its socket is
// read as messages arrive, whatever the host is doing (see pump): a
// message over the cap is refused at once, and a browser that has gone
// ends the visit at once, even while the host is still working through
// earlier keys.
type Terminal struct {
	conn    *websocket.Conn
	ctx     context.Context // ends when the socket does
	cancel  context.CancelFunc
	clamp   func(host.Size) host.Size
	max     int64
	size    host.Size
	resizes chan host.Size // holds the latest size not yet taken
	in      chan []byte    // binary messages, from pump; closed when the socket ends
	pending []byte         // what Read hasn't returned of the message it took
	errMu   sync.Mutex
	err     error // why the socket ended, once in is closed
	done    chan struct{}
	// farewell is what the page shows after the visit (SetFarewell).
	farewell string
	once     sync.Once
}

var _ host.Terminal = (*Terminal)(nil)

// sizeMsg is the browser's size message.
type sizeMsg struct {
	Cols int `json:"cols"`
	Rows int `json:"rows"`
}

// newTerminal waits for the browser's first message, its size, then
// reads the socket as messages arrive.
func newTerminal(parent context.Context, conn *websocket.Conn, clamp func(host.Size) host.Size, maxMessage int64) (*Terminal, error) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	t := &Terminal{conn: conn, ctx: ctx, cancel: cancel, clamp: clamp, max: maxMessage,
		resizes: make(chan host.Size, 1), in: make(chan []byte), done: make(chan struct{})}
	sctx, scancel := context.WithTimeout(ctx, sizeTimeout)
	defer scancel()
	typ, r, err := conn.Reader(sctx)
	if err != nil {
		cancel()
		return nil, err
	}
	if typ != websocket.MessageText {
		cancel()
		return nil, errors.New("first message is not the size")
	}
	if t.size, err = t.readSize(r); err != nil {
		cancel()
		return nil, err
	}
	go t.pump()
	return t, nil
}

// ErrTooBig ends a socket whose browser sent a message over the cap.
var ErrTooBig = errors.New("webterm: message too big")

// pump reads the socket as messages arrive: sizes are taken at once, and
// a binary message (keys, a paste) is read whole, up to the cap, and
// handed to Read. A message over the cap closes the socket there and
// then with 1009 (message too big); the socket's end (the browser gone,
// a keepalive unanswered) ends the visit at once. At most one message
// waits for the host beyond the one it is reading.
func (t *Terminal) pump() {
	defer close(t.in)
	for {
		typ, r, err := t.conn.Reader(t.ctx)
		if err != nil {
			t.end(err)
			return
		}
		if typ == websocket.MessageText {
			s, err := t.readSize(r)
			if err != nil {
				t.end(err)
				_ = t.closeWith(websocket.StatusPolicyViolation, "The terminal sent something this server doesn't understand.")
				return
			}
			t.resize(s)
			continue
		}
		b, err := io.ReadAll(io.LimitReader(r, t.max+1))
		if err == nil && int64(len(b)) > t.max {
			t.end(ErrTooBig)
			_ = t.closeWith(websocket.StatusMessageTooBig, fmt.Sprintf("The terminal takes up to %d KiB at a time: that paste was bigger. Reload the page to start again.", t.max>>10))
			return
		}
		if err != nil {
			t.end(err)
			return
		}
		select {
		case t.in <- b:
		case <-t.done:
			return
		}
	}
}

// end records why the socket ended and marks the browser as gone.
func (t *Terminal) end(err error) {
	t.errMu.Lock()
	if t.err == nil {
		t.err = err
	}
	t.errMu.Unlock()
	t.gone()
}

// readErr is why the socket ended.
func (t *Terminal) readErr() error {
	t.errMu.Lock()
	defer t.errMu.Unlock()
	if t.err == nil {
		return io.EOF
	}
	return t.err
}

// readSize reads a size message.
func (t *Terminal) readSize(r io.Reader) (host.Size, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSizeMessage+1))
	if err != nil {
		return host.Size{}, err
	}
	var m sizeMsg
	if len(b) > maxSizeMessage || json.Unmarshal(b, &m) != nil || m.Cols < 1 || m.Rows < 1 {
		return host.Size{}, errors.New("bad size message")
	}
	s := host.Size{Width: m.Cols, Height: m.Rows}
	if t.clamp != nil {
		s = t.clamp(s)
	}
	return s, nil
}

// Read returns the visitor's key bytes, in order, a message in as many
// reads as it takes: a character split across two messages reaches the
// host's decoder whole.
func (t *Terminal) Read(p []byte) (int, error) {
	for len(t.pending) == 0 {
		b, ok := <-t.in
		if !ok {
			return 0, t.readErr()
		}
		t.pending = b
	}
	n := copy(p, t.pending)
	t.pending = t.pending[n:]
	return n, nil
}

// resize offers the latest size: one not yet taken is replaced, so a
// storm of resizes costs the host one redraw, at the last size.
func (t *Terminal) resize(s host.Size) {
	select {
	case <-t.resizes:
	default:
	}
	select {
	case t.resizes <- s:
	default:
	}
}

// Write sends output as one binary message. It blocks while the browser
// doesn't read, queueing nothing.
func (t *Terminal) Write(p []byte) (int, error) {
	if err := t.conn.Write(t.ctx, websocket.MessageBinary, p); err != nil {
		t.gone()
		return 0, err
	}
	return len(p), nil
}

// Environ is what xterm.js is: a 256-colour xterm with true colour, light
// text on the page's dark background (COLORFGBG, as rxvt sets it), in a
// browser (TERM_PROGRAM, which ui.InBrowser reads).
func (t *Terminal) Environ() []string {
	return []string{"TERM=xterm-256color", "COLORTERM=truecolor", "COLORFGBG=15;0", "TERM_PROGRAM=portfolio-web"}
}

// Size is the size the browser sent first.
func (t *Terminal) Size() host.Size { return t.size }

// Resizes delivers the browser's later sizes, the latest only.
func (t *Terminal) Resizes() <-chan host.Size { return t.resizes }

// Done is closed when the browser has gone.
func (t *Terminal) Done() <-chan struct{} { return t.done }

// Close drops the socket at once (the host calls it when output is stuck).
func (t *Terminal) Close() error {
	t.gone()
	return t.conn.CloseNow()
}

// SetFarewell sets the lines the page shows in the terminal's place when
// the visit ends, as the visit's runner decides once it is over (the
// visitor quit); "" for none. Not for use during the visit.
func (t *Terminal) SetFarewell(text string) { t.farewell = text }

// farewellWait bounds sending the farewell to a browser that has stopped
// reading.
const farewellWait = 5 * time.Second

// sayFarewell sends the farewell message.
func (t *Terminal) sayFarewell() error {
	b, err := json.Marshal(struct {
		Farewell string `json:"farewell"`
	}{t.farewell})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(t.ctx, farewellWait)
	defer cancel()
	return t.conn.Write(ctx, websocket.MessageText, b)
}

// closeWith ends the socket with a close message the page shows.
func (t *Terminal) closeWith(code websocket.StatusCode, reason string) error {
	defer t.gone()
	return t.conn.Close(code, reason)
}

// gone marks the browser as gone.
func (t *Terminal) gone() { t.once.Do(func() { close(t.done) }) }

// stop releases the terminal's context after the visit.
func (t *Terminal) stop() {
	t.gone()
	t.cancel()
}

// keepalive pings the browser every interval; one that doesn't answer
// within it is gone.
func (t *Terminal) keepalive(every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-t.done:
			return
		case <-tick.C:
			ctx, cancel := context.WithTimeout(t.ctx, every)
			err := t.conn.Ping(ctx)
			cancel()
			if err != nil {
				_ = t.Close()
				return
			}
		}
	}
}
