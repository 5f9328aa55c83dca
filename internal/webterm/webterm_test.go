package webterm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/coder/websocket"

	"github.com/pragyamugale/portfolio/internal/host"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// waitTimeout bounds every wait in these tests.
const waitTimeout = 15 * time.Second

// recorder is a model that records what the host delivers: the text of
// every key and every window size.
type recorder struct{ ev *events }

type events struct {
	mu    sync.Mutex
	typed strings.Builder
	sizes []host.Size
}

func (e *events) snapshot() (string, []host.Size) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.typed.String(), append([]host.Size(nil), e.sizes...)
}

func (m recorder) Init() tea.Cmd { return nil }
func (m recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.ev.mu.Lock()
	defer m.ev.mu.Unlock()
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		m.ev.typed.WriteString(msg.Text)
	case tea.WindowSizeMsg:
		m.ev.sizes = append(m.ev.sizes, host.Size{Width: msg.Width, Height: msg.Height})
	}
	return m, nil
}
func (m recorder) View() tea.View { return tea.NewView("recording") }
func (m recorder) Waiting() bool  { return false }

// server serves the adapter with o's hooks filled in where nil: every
// visitor admitted, visits run on a real host with a recorder.
func server(t *testing.T, o Options, ev *events) *httptest.Server {
	t.Helper()
	h := host.New(host.Config{})
	t.Cleanup(h.Shutdown)
	if o.Admit == nil {
		o.Admit = func(*http.Request) (func(), error) { return func() {}, nil }
	}
	if o.Visit == nil {
		o.Visit = func(_ *http.Request, term *Terminal, _ string) error {
			return h.NewVisit(term, recorder{ev}, host.Options{}).Run()
		}
	}
	srv := httptest.NewServer(Handler(o))
	t.Cleanup(srv.Close)
	return srv
}

// dial opens a socket as the page does (same origin).
func dial(t *testing.T, srv *httptest.Server) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {srv.URL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func send(t *testing.T, c *websocket.Conn, typ websocket.MessageType, b string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.Write(ctx, typ, []byte(b)); err != nil {
		t.Fatal(err)
	}
}

// drain reads the socket in the background (as a browser does) until it
// closes, and reports how it closed.
func drain(c *websocket.Conn) <-chan error {
	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				closed <- err
				return
			}
		}
	}()
	return closed
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testkit.Wait(t, waitTimeout, what, cond)
}

// TestSplitUTF8: characters split across binary messages reach the model
// whole: the adapter passes bytes on, and the host's decoder joins them.
func TestSplitUTF8(t *testing.T) {
	ev := &events{}
	c := dial(t, server(t, Options{}, ev))
	drain(c)
	send(t, c, websocket.MessageText, `{"cols":80,"rows":24}`)
	word := "語Đặng👋🏽é"
	b := []byte(word)
	// One byte per message: every multibyte character is split.
	for i := range b {
		send(t, c, websocket.MessageBinary, string(b[i:i+1]))
	}
	eventually(t, "the model typed "+word, func() bool { typed, _ := ev.snapshot(); return typed == word })
	if _, sizes := ev.snapshot(); len(sizes) == 0 || sizes[0] != (host.Size{Width: 80, Height: 24}) {
		t.Errorf("first size %v, want 80×24", sizes)
	}
}

// TestResizeStorm: hundreds of sizes at once end at the last one, clamped,
// and a size not yet taken is replaced rather than queued.
func TestResizeStorm(t *testing.T) {
	ev := &events{}
	clamp := func(s host.Size) host.Size { return host.Size{Width: min(s.Width, 300), Height: min(s.Height, 100)} }
	c := dial(t, server(t, Options{Clamp: clamp}, ev))
	drain(c)
	send(t, c, websocket.MessageText, `{"cols":80,"rows":24}`)
	for i := range 500 {
		send(t, c, websocket.MessageText, `{"cols":`+strconv.Itoa(40+i%200)+`,"rows":`+strconv.Itoa(10+i%50)+`}`)
	}
	send(t, c, websocket.MessageText, `{"cols":65535,"rows":65535}`)
	eventually(t, "the last size, clamped", func() bool {
		_, sizes := ev.snapshot()
		return len(sizes) > 0 && sizes[len(sizes)-1] == host.Size{Width: 300, Height: 100}
	})
	_, sizes := ev.snapshot()
	t.Logf("502 sizes sent, %d delivered", len(sizes))

	// Unit: with nobody taking sizes, only the latest is held.
	term := &Terminal{resizes: make(chan host.Size, 1)}
	for i := range 1000 {
		term.resize(host.Size{Width: i, Height: i})
	}
	if len(term.resizes) != 1 || <-term.resizes != (host.Size{Width: 999, Height: 999}) {
		t.Error("a pending size is not replaced by the latest")
	}
}

// TestClientNeverReads: a browser that stops reading blocks its own
// visit's writes (nothing is queued for it), and the keepalive, unanswered,
// ends the visit.
func TestClientNeverReads(t *testing.T) {
	var written atomic.Int64
	visitEnded := make(chan error, 1)
	const chunk, limit = 256 << 10, 1 << 30
	srv := server(t, Options{
		Keepalive: 200 * time.Millisecond,
		Visit: func(_ *http.Request, term *Terminal, _ string) error {
			buf := make([]byte, chunk)
			for written.Load() < limit {
				n, err := term.Write(buf)
				written.Add(int64(n))
				if err != nil {
					visitEnded <- err
					return err
				}
			}
			visitEnded <- nil
			return nil
		},
	}, nil)
	c := dial(t, srv)
	send(t, c, websocket.MessageText, `{"cols":80,"rows":24}`)
	// The client never reads again.
	select {
	case err := <-visitEnded:
		if err == nil {
			t.Fatalf("the visit wrote %d bytes to a client that never reads", written.Load())
		}
	case <-time.After(waitTimeout):
		t.Fatalf("the visit did not end; %d bytes written", written.Load())
	}
	if w := written.Load(); w > 64<<20 {
		t.Errorf("%d bytes written before the writes blocked: output is queued somewhere", w)
	} else {
		t.Logf("%d KiB written before the writes blocked (the sockets' buffers)", w>>10)
	}
}

// TestFirstMessageMustBeSize: a socket that starts with keys, or with a
// size that isn't one, is closed with a reason and runs no visit.
func TestFirstMessageMustBeSize(t *testing.T) {
	for _, first := range []struct {
		typ websocket.MessageType
		msg string
	}{
		{websocket.MessageBinary, "q"},
		{websocket.MessageText, `{"cols":0,"rows":24}`},
		{websocket.MessageText, `not json`},
		{websocket.MessageText, `{"cols":80,"rows":24,"pad":"` + strings.Repeat("x", 200) + `"}`},
	} {
		var visits atomic.Int32
		srv := server(t, Options{Visit: func(*http.Request, *Terminal, string) error { visits.Add(1); return nil }}, nil)
		c := dial(t, srv)
		closed := drain(c)
		send(t, c, first.typ, first.msg)
		err := <-closed
		if websocket.CloseStatus(err) != websocket.StatusPolicyViolation || visits.Load() != 0 {
			t.Errorf("first message %q: closed with %v, %d visits", first.msg, err, visits.Load())
		}
	}
}

// TestInputCaps: a message over MaxMessage ends the socket, and with it
// the visit.
func TestInputCaps(t *testing.T) {
	ev := &events{}
	c := dial(t, server(t, Options{MaxMessage: 4 << 10}, ev))
	closed := drain(c)
	send(t, c, websocket.MessageText, `{"cols":80,"rows":24}`)
	send(t, c, websocket.MessageBinary, "ok")
	eventually(t, "the first keys", func() bool { typed, _ := ev.snapshot(); return typed == "ok" })
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_ = c.Write(ctx, websocket.MessageBinary, []byte(strings.Repeat("x", 5<<10)))
	select {
	case err := <-closed:
		if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
			t.Errorf("closed with %v, want message too big", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("an oversized message did not end the socket")
	}
}

// TestRefusedAndCrossOrigin: a limit's refusal reaches the page as the
// close reason; a socket from another site's page never gets that far.
func TestRefusedAndCrossOrigin(t *testing.T) {
	var admits atomic.Int32
	srv := server(t, Options{Admit: func(*http.Request) (func(), error) {
		admits.Add(1)
		return nil, &Refusal{Code: websocket.StatusTryAgainLater, Reason: "Too many terminals are open from your address."}
	}}, nil)
	c := dial(t, srv)
	err := <-drain(c)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusTryAgainLater || ce.Reason != "Too many terminals are open from your address." {
		t.Errorf("refused socket closed with %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"https://evil.example"}},
	})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin socket: %v, %v", err, resp)
	}
	if admits.Load() != 1 {
		t.Errorf("Admit called %d times, want 1 (not for the cross-origin socket)", admits.Load())
	}
}

// TestVisitorLeaves: closing the page ends the visit at once.
func TestVisitorLeaves(t *testing.T) {
	ended := make(chan struct{})
	srv := server(t, Options{Visit: func(_ *http.Request, term *Terminal, _ string) error {
		defer close(ended)
		buf := make([]byte, 1)
		for {
			if _, err := term.Read(buf); err != nil {
				<-term.Done()
				return err
			}
		}
	}}, nil)
	c := dial(t, srv)
	send(t, c, websocket.MessageText, `{"cols":80,"rows":24}`)
	c.CloseNow()
	select {
	case <-ended:
	case <-time.After(waitTimeout):
		t.Fatal("the visit outlived its socket")
	}
}

// TestFarewell: a visit that ends with a farewell set sends it, as one
// text message, before the socket closes; one without sends none.
func TestFarewell(t *testing.T) {
	for _, want := range []string{"Thanks for visiting.\nGet in touch: ssh -t host contact", ""} {
		srv := server(t, Options{Visit: func(_ *http.Request, term *Terminal, _ string) error {
			term.SetFarewell(want)
			return nil
		}}, nil)
		c := dial(t, srv)
		send(t, c, websocket.MessageText, `{"cols":80,"rows":24}`)
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		typ, b, err := c.Read(ctx)
		cancel()
		if want == "" {
			if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Errorf("no farewell: read %v %q, %v; want the close", typ, b, err)
			}
			continue
		}
		if err != nil || typ != websocket.MessageText || string(b) != `{"farewell":"Thanks for visiting.\nGet in touch: ssh -t host contact"}` {
			t.Fatalf("read %v %q, %v; want the farewell", typ, b, err)
		}
		ctx, cancel = context.WithTimeout(context.Background(), waitTimeout)
		_, _, err = c.Read(ctx)
		cancel()
		if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			t.Errorf("after the farewell: %v, want the close", err)
		}
	}
}
