package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/testkit"
)

func TestSplitURLs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ", nil},
		{"https://example.com/hook", []string{"https://example.com/hook"}},
		{"ntfy://ntfy.sh/a, https://example.com/hook", []string{"ntfy://ntfy.sh/a", "https://example.com/hook"}},
		// Commas inside a URL's query stay in it.
		{"ntfy://ntfy.sh/a?tags=mail,new,telegram://t@telegram?chats=@a,@b", []string{"ntfy://ntfy.sh/a?tags=mail,new", "telegram://t@telegram?chats=@a,@b"}},
	} {
		got := SplitURLs(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("SplitURLs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseErrorsHideSecrets(t *testing.T) {
	for _, raw := range []string{
		"nope://s3cr3t-token@host/path",
		"discord://s3cr3t-token",                                            // no webhook id
		"smtp://user:s3cr3t-token@mail.example.com:587/?from=a@example.com", // no recipient
		"s3cr3t-token",
		"https:///s3cr3t-token",
	} {
		_, err := Parse(raw)
		if err == nil {
			t.Errorf("Parse(%q) = nil error, want one", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Parse(%q) error shows the secret: %v", raw, err)
		}
	}
	ss, err := Parse("ntfy://ntfy.sh/topic, https://example.com/hook?token=x,discord://tok@123, telegram://1:abc@telegram?chats=@a,@b, smtp://u:p@mail.example.com:587/?from=a@example.com&to=b@example.com, generic+https://example.com/hook")
	if err != nil || len(ss) != 6 {
		t.Fatalf("Parse = %d services, %v; want 6", len(ss), err)
	}
	var names []string
	for _, s := range ss {
		names = append(names, s.Name())
	}
	if got := strings.Join(names, ","); got != "ntfy,webhook,discord,telegram,smtp,generic" {
		t.Errorf("names %s", got)
	}
}

func TestFlag(t *testing.T) {
	urls := "https://env.example.com/hook?token=s3cr3t"
	f := &Flag{URLs: &urls}
	if s := f.String(); strings.Contains(s, "s3cr3t") || !strings.Contains(s, "env.example.com") {
		t.Errorf("String() = %q", s)
	}
	_ = f.Set("ntfy://ntfy.sh/a")
	_ = f.Set("discord://t@1,https://example.com/x")
	if want := "ntfy://ntfy.sh/a,discord://t@1,https://example.com/x"; urls != want {
		t.Errorf("after Set: %q, want %q (the first use replaces the environment's)", urls, want)
	}
}

// request is what a stand-in receiver got.
type request struct {
	host, path, contentType, title string
	body                           string
}

// receiver is a local stand-in for ntfy, Slack, Discord, Telegram and
// generic webhooks, on 127.0.0.1. Requests for the public services reach
// it through redirectPublic.
func receiver(t *testing.T) (*httptest.Server, func() []request) {
	t.Helper()
	var (
		mu  sync.Mutex
		got []request
	)
	srv := localServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		host := r.Header.Get("X-Test-Original-Host")
		if host == "" {
			host = "local"
		}
		mu.Lock()
		got = append(got, request{host, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Title"), string(body)})
		mu.Unlock()
		switch {
		case host == "discord.com":
			w.WriteHeader(http.StatusNoContent)
		case host == "hooks.slack.com":
			_, _ = io.WriteString(w, "ok")
		case host == "api.telegram.org":
			_, _ = io.WriteString(w, `{"ok":true,"result":{"message_id":1,"chat":{"id":1}}}`)
		default: // ntfy, generic
			_, _ = io.WriteString(w, `{"id":"abc","time":1,"event":"message","topic":"t"}`)
		}
	})
	return srv, func() []request {
		mu.Lock()
		defer mu.Unlock()
		return append([]request(nil), got...)
	}
}

// redirectPublic sends the requests that Discord, Slack and Telegram's
// clients make (through http.DefaultTransport: their hosts are fixed) to
// the local receiver instead, for the rest of the test.
func redirectPublic(t *testing.T, addr string) {
	orig := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		switch r.URL.Host {
		case "discord.com", "hooks.slack.com", "api.telegram.org":
			r = r.Clone(r.Context())
			r.Header.Set("X-Test-Original-Host", r.URL.Host)
			r.URL.Scheme, r.URL.Host, r.Host = "http", addr, addr
		}
		return orig.RoundTrip(r)
	})
	t.Cleanup(func() { http.DefaultTransport = orig })
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

var testNote = Note{
	Title: "New message from 山田 太郎",
	Body:  "こんにちは! I read the case study.\nCan we talk?\n\nReply to: taro@example.jp",
	JSON:  []byte(`{"id":"abcd","checksum":"sha256:00"}`),
}

// TestServicesDeliverToLocalReceivers sends one note through every
// supported kind of service, each pointed at a receiver on 127.0.0.1, and
// checks what arrives is readable: the title and the body as text, never
// the checksum or the raw JSON (except for the JSON webhook).
func TestServicesDeliverToLocalReceivers(t *testing.T) {
	srv, got := receiver(t)
	addr := srv.Listener.Addr().String()
	redirectPublic(t, addr)
	smtpAddr, mails := smtpServer(t)
	urls := strings.Join([]string{
		"ntfy://" + addr + "/portfolio-s3cr3t?scheme=http",
		"discord://s3cr3t@123456789",
		"slack://hook:WNA3PBYV6-F20DUQND3RQ-Webc4MAvoacrpPakR8phF0zi@webhook",
		"telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@owner",
		"smtp://" + smtpAddr + "/?from=portfolio@example.com&to=owner@example.com&auth=None&encryption=None&usestarttls=no",
		"generic+http://" + addr + "/generic?template=json",
		"http://" + addr + "/webhook?token=s3cr3t",
	}, ",")
	services, err := Parse(urls)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := s.Send(ctx, testNote); err != nil {
			t.Errorf("%s: %v", s.Name(), err)
		}
		cancel()
	}

	byHost := map[string]request{}
	for _, r := range got() {
		key := r.host
		if key == "local" {
			key = strings.Split(strings.Trim(r.path, "/"), "/")[0]
		}
		byHost[key] = r
	}
	readable := func(name, text string) {
		t.Helper()
		if !strings.Contains(text, "山田 太郎") || !strings.Contains(text, "Can we talk?") || !strings.Contains(text, "taro@example.jp") {
			t.Errorf("%s: title or body missing from %q", name, text)
		}
		if strings.Contains(text, "sha256") || strings.Contains(text, `"checksum"`) {
			t.Errorf("%s: checksum or raw JSON in %q", name, text)
		}
	}
	ntfy := byHost["portfolio-s3cr3t"]
	readable("ntfy", ntfy.title+"\n"+ntfy.body)
	if ntfy.title != testNote.Title || ntfy.body != testNote.Body {
		t.Errorf("ntfy: title %q body %q", ntfy.title, ntfy.body)
	}
	for _, host := range []string{"discord.com", "hooks.slack.com", "api.telegram.org"} {
		r, ok := byHost[host]
		if !ok {
			t.Errorf("%s: nothing received", host)
			continue
		}
		readable(host, jsonText(t, r.body))
	}
	generic := byHost["generic"]
	readable("generic", jsonText(t, generic.body))
	if wh := byHost["webhook"]; wh.body != string(testNote.JSON) || wh.contentType != "application/json" {
		t.Errorf("webhook got %q (%s), want the JSON payload", wh.body, wh.contentType)
	}

	m := mails()
	if len(m) != 1 {
		t.Fatalf("%d mails, want 1", len(m))
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m[0].Header.Get("Subject"))
	if err != nil || subject != testNote.Title {
		t.Errorf("mail subject %q (%v), want %q", m[0].Header.Get("Subject"), err, testNote.Title)
	}
	body, _ := io.ReadAll(m[0].Body)
	readable("smtp", subject+"\n"+string(body))
}

// jsonText is every string in a JSON document, one per line, so a test
// can look for text whatever the service's payload shape.
func jsonText(t *testing.T, doc string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Errorf("not JSON: %q", doc)
		return ""
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\n")
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// TestErrorsHideSecrets: a failing service's error never shows its URL's
// token.
func TestErrorsHideSecrets(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	services, err := Parse("ntfy://user:s3cr3t@" + addr + "/topic-s3cr3t?scheme=http,http://" + addr + "/hook/s3cr3t?token=s3cr3t,generic+http://" + addr + "/s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		err := s.Send(context.Background(), testNote)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: error %v; want one without the secret", s.Name(), err)
		}
	}
}

// TestSendGivesUpAtDeadline: a receiver that never answers costs a send
// its deadline, not forever.
func TestSendGivesUpAtDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := localServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release) // before srv.Close (cleanup) waits for handlers
	addr := srv.Listener.Addr().String()
	services, err := Parse("generic+http://" + addr + "/hang,http://" + addr + "/hang")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- s.Send(ctx, testNote) }()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s: no error from a receiver that never answered", s.Name())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Send ignored its deadline", s.Name())
		}
		cancel()
	}
}

func TestWebhookErrorKinds(t *testing.T) {
	status := http.StatusBadRequest
	srv := localServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(status)
	})
	s := newWebhook(srv.URL)
	if err := s.Send(context.Background(), testNote); !IsPermanent(err) {
		t.Errorf("400: %v, want permanent", err)
	}
	status = http.StatusTooManyRequests
	if err := s.Send(context.Background(), testNote); IsPermanent(err) || RetryAfter(err) != 7*time.Second {
		t.Errorf("429: %v (retry after %s), want temporary after 7s", err, RetryAfter(err))
	}
	if !errors.Is(scrub(context.Canceled, nil), context.Canceled) {
		t.Error("scrub loses the error's identity")
	}
}

// smtpServer is a minimal SMTP server on 127.0.0.1 that accepts every mail
// (no auth, no TLS) and keeps it.
func smtpServer(t *testing.T) (string, func() []*mail.Message) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		mails []*mail.Message
	)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				r := bufio.NewReader(c)
				say := func(s string) { _, _ = io.WriteString(c, s+"\r\n") }
				say("220 localhost test SMTP")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
						say("250 localhost")
					case cmd == "DATA":
						say("354 go ahead")
						var data strings.Builder
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" || l == ".\n" {
								break
							}
							data.WriteString(strings.TrimPrefix(l, "."))
						}
						if m, err := mail.ReadMessage(strings.NewReader(data.String())); err == nil {
							mu.Lock()
							mails = append(mails, m)
							mu.Unlock()
						}
						say("250 queued")
					case cmd == "QUIT":
						say("221 bye")
						return
					default: // MAIL, RCPT, RSET, NOOP
						say("250 ok")
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), func() []*mail.Message {
		mu.Lock()
		defer mu.Unlock()
		return append([]*mail.Message(nil), mails...)
	}
}

// TestVisitorMarkupStaysText: a message full of chat markup arrives as
// text: no link, mention or formatting of the visitor's making.
func TestVisitorMarkupStaysText(t *testing.T) {
	srv, got := receiver(t)
	redirectPublic(t, srv.Listener.Addr().String())
	services, err := Parse("discord://tok@1,slack://hook:WNA3PBYV6-F20DUQND3RQ-Webc4MAvoacrpPakR8phF0zi@webhook,telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@owner&parsemode=Markdown")
	if err != nil {
		t.Fatal(err)
	}
	note := Note{Title: "New message from <b>Eve</b>", Body: `Hi <a href="https://evil.example">you</a> & [win](https://evil.example) <!channel> @everyone *now*`}
	for _, s := range services {
		if err := s.Send(context.Background(), note); err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
	}
	want := map[string][]string{
		"discord.com":      {`\[win\]\(https://evil.example\)`, "@\u200beveryone", `\*now\*`, `\<a href=`},
		"hooks.slack.com":  {"&lt;a href=", "&amp; [win]", "&lt;!channel&gt;", "&lt;b&gt;Eve"},
		"api.telegram.org": {"&lt;a href=", "&amp; [win]", "<b>New message from &lt;b&gt;Eve&lt;/b&gt;</b>"},
	}
	for _, r := range got() {
		text := jsonText(t, r.body)
		for _, w := range want[r.host] {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q not in %q", r.host, w, text)
			}
		}
		delete(want, r.host)
	}
	if len(want) != 0 {
		t.Errorf("nothing received by %v", want)
	}
}

// localServer is an httptest server bound to 127.0.0.1.
func localServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	return testkit.LocalServer(t, h)
}
