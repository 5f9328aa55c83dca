package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/gofrs/flock"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// Keys as a terminal sends them.
const (
	keyEnter    = "\r"
	keyTab      = "\t"
	keyShiftTab = "\x1b[Z"
	keyEsc      = "\x1b"
	keyCtrlS    = "\x13"
)

// paste wraps s in bracketed-paste markers, as a terminal sends a paste.
func paste(s string) string { return "\x1b[200~" + s + "\x1b[201~" }

// vterm is a visitor's terminal whose screen is emulated from the output,
// so assertions see what the visitor sees, not the renderer's diffs.
type vterm struct {
	*term
	w, h int
}

func openVTerm(t *testing.T, ts *testServer, auth []gossh.AuthMethod) *vterm {
	t.Helper()
	c, _ := dial(t, ts.addr, "visitor", auth)
	vt := &vterm{term: openTerm(t, c, 80, 24), w: 80, h: 24}
	vt.waitScreen("Pragya Mugale", "1 About")
	return vt
}

// screen is the emulated screen now, one line per row, right-trimmed.
func (vt *vterm) screen() string {
	return emulate(vt.out.String(), vt.w, vt.h)
}

// emulate replays a terminal's output on an emulated w×h terminal and
// returns its screen (testkit.Emulate).
func emulate(out string, w, h int) string { return testkit.Emulate(out, w, h) }

// waitScreen waits until the emulated screen shows every substr at once.
func (vt *vterm) waitScreen(substrs ...string) string {
	vt.t.Helper()
	var scr string
	if !eventually(waitTimeout, func() bool {
		scr = vt.screen()
		for _, s := range substrs {
			if !strings.Contains(scr, s) {
				return false
			}
		}
		return true
	}) {
		vt.t.Fatalf("screen never showed all of %q within %s; screen:\n%s", substrs, waitTimeout, scr)
	}
	return scr
}

// waitScreenGone waits until the screen shows none of substrs.
func (vt *vterm) waitScreenGone(substrs ...string) string {
	vt.t.Helper()
	var scr string
	if !eventually(waitTimeout, func() bool {
		scr = vt.screen()
		for _, s := range substrs {
			if strings.Contains(scr, s) {
				return false
			}
		}
		return true
	}) {
		vt.t.Fatalf("screen still shows one of %q after %s; screen:\n%s", substrs, waitTimeout, scr)
	}
	return scr
}

// openForm goes to Contact and focuses the form's Name field.
func (vt *vterm) openForm() {
	vt.t.Helper()
	vt.send("4")
	vt.waitScreen("Press Enter to write a message")
	vt.send(keyEnter)
	vt.waitScreen("tab next field", "esc leave form")
}

// fill types a name, a reply-to and a message (its "\n"s typed as Enter)
// into the focused form, starting on the Name field.
func (vt *vterm) fill(name, replyTo, message string) {
	vt.t.Helper()
	vt.send(name + keyTab + replyTo + keyTab + strings.ReplaceAll(message, "\n", keyEnter))
}

// alive reports whether the session is still running.
func (vt *vterm) alive() bool {
	select {
	case err := <-vt.done:
		vt.done <- err
		return false
	default:
		return true
	}
}

// readRecords returns the raw JSON objects in dir's message log, failing
// on any line that isn't one.
func readRecords(t *testing.T, dir string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filestore.FileName))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d of the log is not JSON: %v: %q", i+1, err, l)
		}
		recs = append(recs, r)
	}
	return recs
}

// readMessages returns dir's messages in file order, each checked against
// its checksum.
func readMessages(t *testing.T, dir string) []inbox.Message {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, filestore.FileName))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var msgs []inbox.Message
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m inbox.Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad record %q: %v", sc.Text(), err)
		}
		if !m.Valid() {
			t.Errorf("record %q fails its checksum", sc.Text())
		}
		msgs = append(msgs, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return msgs
}

// waitMessages waits until dir's log holds n messages and returns them.
func waitMessages(t *testing.T, dir string, n int) []inbox.Message {
	t.Helper()
	var msgs []inbox.Message
	if !eventually(waitTimeout, func() bool {
		msgs = readMessages(t, dir)
		return len(msgs) >= n
	}) || len(msgs) != n {
		t.Fatalf("log holds %d messages, want %d: %+v", len(msgs), n, msgs)
	}
	return msgs
}

var sentID = regexp.MustCompile(`✓ Sent: message ([a-z2-7]{8}) at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC`)

func TestContactSendStoresRecord(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	for _, tc := range []struct {
		name   string
		auth   func(*testing.T) ([]gossh.AuthMethod, string)
		person string
	}{
		{"keyless", func(*testing.T) ([]gossh.AuthMethod, string) { return noAuth(), "" }, "Jane Doe"},
		{"publickey", func(t *testing.T) ([]gossh.AuthMethod, string) {
			a, pub := keyAuth(t)
			return a, gossh.FingerprintSHA256(pub)
		}, "John Roe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth, fp := tc.auth(t)
			before := len(readMessages(t, ts.cfg.DataDir))
			vt := openVTerm(t, ts, auth)
			vt.openForm()
			start := time.Now().UTC().Truncate(time.Second)
			vt.fill(tc.person, "jane@example.com", "Hello there,\nsecond line")
			vt.waitScreen("┃ "+tc.person, "┃ jane@example.com", "┃ Hello there,", "┃ second line")
			vt.send(keyCtrlS)
			scr := vt.waitScreen("✓ Sent: message")
			end := time.Now().UTC()

			match := sentID.FindStringSubmatch(scr)
			if match == nil {
				t.Fatalf("no receipt line on screen:\n%s", scr)
			}
			msgs := waitMessages(t, ts.cfg.DataDir, before+1)
			m := msgs[len(msgs)-1]
			if m.ID != match[1] {
				t.Errorf("screen says id %s, log holds %s", match[1], m.ID)
			}
			if got := m.Time.Format("2006-01-02 15:04"); got != match[2] {
				t.Errorf("screen says time %s, log holds %s", match[2], got)
			}
			want := inbox.Message{
				ID: m.ID, Time: m.Time, Name: tc.person, ReplyTo: "jane@example.com",
				Message: "Hello there,\nsecond line", Fingerprint: fp, Remote: "127.0.0.1",
				Checksum: m.Checksum,
			}
			if !m.Time.Equal(want.Time) || m != want {
				t.Errorf("stored %+v\nwant   %+v", m, want)
			}
			if m.Time.Before(start) || m.Time.After(end) {
				t.Errorf("time %s not within the send [%s, %s]", m.Time, start, end)
			}
			if !m.Valid() {
				t.Errorf("checksum %s does not match the record", m.Checksum)
			}
			if tc.name == "publickey" && !strings.HasPrefix(m.Fingerprint, "SHA256:") {
				t.Errorf("fingerprint %q, want SHA256:…", m.Fingerprint)
			}

			// Every field is in the raw record; time is RFC 3339 in UTC.
			recs := readRecords(t, ts.cfg.DataDir)
			raw := recs[len(recs)-1]
			var keys []string
			for k := range raw {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			wantKeys := []string{"checksum", "fingerprint", "id", "message", "name", "remote", "reply_to", "time"}
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("record fields %v, want %v", keys, wantKeys)
			}
			tstr, _ := raw["time"].(string)
			if pt, err := time.Parse(time.RFC3339, tstr); err != nil || !strings.HasSuffix(tstr, "Z") || !pt.Equal(m.Time) {
				t.Errorf("time %q: want RFC 3339 UTC (…Z): %v", tstr, err)
			}

			// A thank-you replaces the form, which has given the keyboard
			// back; Enter brings the form back, cleared.
			scr = vt.screen()
			for _, w := range []string{"Thanks, " + tc.person + "!", "will reply at jane@example.com.", "Press Enter to write again"} {
				if !strings.Contains(scr, w) {
					t.Errorf("after sending, the screen lacks %q:\n%s", w, scr)
				}
			}
			vt.send(keyEnter)
			scr = vt.waitScreen("┃ (your name)", "┃ ("+inbox.ReplyToHint+")", "┃ (your message)")
			if strings.Contains(scr, tc.person) {
				t.Errorf("the form still shows the name:\n%s", scr)
			}
			vt.send(keyEsc)
			vt.waitScreen("Press Enter to write a message")
			vt.send("1")
			vt.waitScreen("Backend Engineer")
			vt.send("q")
			if err := vt.wait(waitTimeout); err != nil {
				t.Errorf("session after q: %v", err)
			}
		})
	}
}

func TestContactHotkeysTypeIntoForm(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	// Section keys, quit, help, theme and the h/l section keys all type.
	vt.fill("q1h", "@q2l", "4 q t ? m 3")
	vt.waitScreen("┃ q1h", "┃ @q2l", "┃ 4 q t ? m 3", "4 Contact")
	if !vt.alive() {
		t.Fatal("typing q into the form ended the session")
	}
	vt.send(keyCtrlS)
	vt.waitScreen("✓ Sent: message")
	msgs := waitMessages(t, ts.cfg.DataDir, 1)
	if m := msgs[0]; m.Name != "q1h" || m.ReplyTo != "@q2l" || m.Message != "4 q t ? m 3" {
		t.Errorf("stored %q / %q / %q, want the keys verbatim", m.Name, m.ReplyTo, m.Message)
	}
	if !vt.alive() {
		t.Fatal("session ended")
	}

	// Shift+Tab goes back a field; Esc leaves the form, and then the
	// section keys work again.
	vt.send(keyEnter)
	vt.waitScreen("esc leave form")
	vt.send("ab" + keyTab + "cd" + keyShiftTab + "x")
	vt.waitScreen("┃ abx", "┃ cd")
	vt.send(keyEsc)
	vt.waitScreen("enter write a message")
	vt.send("1")
	vt.waitScreen("Backend Engineer")
	// The form still holds a draft: q asks once, and q again leaves.
	vt.send("q")
	vt.waitScreen("Not sent yet: q again quits")
	vt.send("q")
	if err := vt.wait(waitTimeout); err != nil {
		t.Errorf("session after q: %v", err)
	}
}

func TestContactValidation(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	dir := ts.cfg.DataDir

	t.Run("empty", func(t *testing.T) {
		vt := openVTerm(t, ts, noAuth())
		vt.openForm()
		vt.send(keyCtrlS)
		scr := vt.waitScreen("Please fix the marked fields", "✗ required")
		if n := strings.Count(scr, "✗ required"); n != 3 {
			t.Errorf("%d fields marked required, want 3:\n%s", n, scr)
		}
		if msgs := readMessages(t, dir); len(msgs) != 0 {
			t.Errorf("an empty form stored %+v", msgs)
		}
	})

	t.Run("bad email", func(t *testing.T) {
		vt := openVTerm(t, ts, noAuth())
		vt.openForm()
		vt.fill("Jane", "jane@", "Hi")
		vt.waitScreen("┃ Hi")
		vt.send(keyCtrlS)
		scr := vt.waitScreen("Please fix the marked fields", "✗ not an email address (like jane@example.com)")
		if strings.Contains(scr, "✓ Sent") {
			t.Errorf("screen shows a receipt:\n%s", scr)
		}
		// The text stays for the visitor to fix.
		for _, w := range []string{"┃ Jane", "┃ jane@", "┃ Hi"} {
			if !strings.Contains(scr, w) {
				t.Errorf("screen lacks %q after the error:\n%s", w, scr)
			}
		}
		if msgs := readMessages(t, dir); len(msgs) != 0 {
			t.Errorf("an invalid reply-to stored %+v", msgs)
		}
	})

	for _, how := range []string{"typed", "pasted"} {
		t.Run("long name "+how, func(t *testing.T) {
			long := strings.Repeat("n", inbox.MaxName) + "X" // 65
			if how == "pasted" {
				long = paste(long + strings.Repeat("Y", 100))
			}
			vt := openVTerm(t, ts, noAuth())
			vt.openForm()
			before := len(readMessages(t, dir))
			vt.fill(long, "@"+how, "name limit "+how)
			vt.waitScreen("┃ name limit " + how)
			vt.send(keyCtrlS)
			vt.waitScreen("✓ Sent: message")
			msgs := waitMessages(t, dir, before+1)
			if got, want := msgs[len(msgs)-1].Name, strings.Repeat("n", inbox.MaxName); got != want {
				t.Errorf("stored name %q (%d chars), want %d n's", got, len(got), inbox.MaxName)
			}
		})
	}
}

func TestContactRateLimit(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, func(c *Config) { c.MessagesPerHour = 2 })
	vt := openVTerm(t, ts, noAuth())
	vt.send("4")
	vt.waitScreen("Press Enter to write a message")
	for i, text := range []string{"first", "second", "third"} {
		vt.send(keyEnter)
		vt.waitScreen("esc leave form")
		vt.fill("Jane", "@jane", "message "+text)
		vt.waitScreen("┃ message " + text)
		vt.send(keyCtrlS)
		if i < 2 {
			vt.waitScreen("✓ Sent: message", "Press Enter to write")
			continue
		}
		scr := vt.waitScreen("try again in")
		// inbox.Wait's one format: an hour's limit waits minutes or an hour.
		if !regexp.MustCompile(`try again in (\d+ min|1 h)\.`).MatchString(scr) {
			t.Errorf("wait not in inbox.Wait's format:\n%s", scr)
		}
		if !strings.Contains(scr, "┃ message third") {
			t.Errorf("rate-limited text not kept:\n%s", scr)
		}
	}
	// A new session from the same address is limited too.
	vt2 := openVTerm(t, ts, noAuth())
	vt2.openForm()
	vt2.fill("Jane", "@jane", "message fourth")
	vt2.send(keyCtrlS)
	vt2.waitScreen("try again in")
	if msgs := readMessages(t, ts.cfg.DataDir); len(msgs) != 2 {
		t.Errorf("log holds %d messages, want 2", len(msgs))
	}
	ts.waitLog(t, "message rate limited")
}

func TestContactDuplicate(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	vt.fill("Jane", "@jane", "same text")
	vt.send(keyCtrlS)
	first := sentID.FindStringSubmatch(vt.waitScreen("✓ Sent: message"))
	vt.send(keyEnter)
	vt.waitScreen("esc leave form")
	vt.fill("Jane", "@jane", "same text")
	vt.waitScreen("┃ same text")
	vt.send(keyCtrlS)
	scr := vt.waitScreen("✓ Already received: message")
	if first == nil || !strings.Contains(scr, "Already received: message "+first[1]) {
		t.Errorf("duplicate receipt does not repeat the first id %v:\n%s", first, scr)
	}
	if msgs := readMessages(t, ts.cfg.DataDir); len(msgs) != 1 {
		t.Errorf("log holds %d messages, want 1", len(msgs))
	}
}

func TestContactStorageFailure(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	ts := startCmdServer(t, func(c *Config) { c.DataDir = dir })
	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	vt.fill("Jane", "@jane", "please keep me")
	vt.waitScreen("┃ please keep me")

	// The data directory goes away and a file takes its name: every write
	// fails, even for root.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vt.send(keyCtrlS)
	scr := vt.waitScreen("Couldn't save your message, please try again later")
	for _, w := range []string{"┃ Jane", "┃ @jane", "┃ please keep me"} {
		if !strings.Contains(scr, w) {
			t.Errorf("after the failure the form lacks %q:\n%s", w, scr)
		}
	}
	if strings.Contains(scr, "✓ Sent") {
		t.Errorf("failure shows a receipt:\n%s", scr)
	}
	logs := ts.waitLog(t, "storing message failed")
	if line := logLine(logs, "storing message failed"); !strings.Contains(line, "couldn't save the message") || !strings.Contains(line, "ERRO") {
		t.Errorf("log line lacks the error: %q", line)
	}
	if !vt.alive() {
		t.Fatal("the failure ended the session")
	}
	// The server carries on.
	other := openVTerm(t, ts, noAuth())
	other.send("q")
	if err := other.wait(waitTimeout); err != nil {
		t.Errorf("second session: %v", err)
	}

	// The directory is back: the same text, still in the form, goes.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	vt.send(keyCtrlS)
	vt.waitScreen("✓ Sent: message")
	msgs := waitMessages(t, dir, 1)
	if m := msgs[0]; m.Name != "Jane" || m.ReplyTo != "@jane" || m.Message != "please keep me" {
		t.Errorf("stored %+v, want the text typed before the failure", m)
	}
}

// writeOwnerKeys writes an authorized_keys file holding pub.
func writeOwnerKeys(t *testing.T, pub gossh.PublicKey) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "authorized_keys")
	data := "# the owner\n" + string(gossh.MarshalAuthorizedKey(pub))
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// storeMessage appends m to dir's log directly, as an earlier server did.
func storeMessage(t *testing.T, dir string, m inbox.Message) inbox.Message {
	t.Helper()
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err = s.Append(m)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestContactOwnerInbox(t *testing.T) {
	t.Parallel()
	ownerAuth, ownerPub := keyAuth(t)
	otherAuth, _ := keyAuth(t)
	dir := t.TempDir()
	stored := storeMessage(t, dir, inbox.Message{
		Name: "Grace Hopper", ReplyTo: "grace@navy.example",
		Message: "First line of the note\nand the second", Remote: "192.0.2.7",
	})
	keys := writeOwnerKeys(t, ownerPub)
	ts := startCmdServer(t, func(c *Config) { c.DataDir, c.OwnerKeys = dir, keys })

	t.Run("owner", func(t *testing.T) {
		vt := openVTerm(t, ts, ownerAuth)
		vt.waitScreen("5 Inbox (1)")
		vt.send("5")
		list := vt.waitScreen("1 message, 1 unread", "Grace Hopper", "grace@navy.example", "First line of the note")
		if strings.Contains(list, "and the second") {
			t.Errorf("the list shows more than the first line:\n%s", list)
		}
		vt.send(keyEnter)
		msg := vt.waitScreen("From:", "Reply-to: grace@navy.example", "Id:       "+stored.ID, "and the second", "Address:  192.0.2.7")
		if strings.Contains(msg, "Inbox (1)") {
			t.Errorf("opening the message did not mark it read:\n%s", msg)
		}
		vt.send(keyEsc)
		vt.waitScreen("1 message, 0 unread", "Grace Hopper")
		st, err := filestore.LoadReadState(dir)
		if err != nil || !st.IsRead(stored.ID) {
			t.Errorf("read state does not record %s: %v", stored.ID, err)
		}
		vt.send("1")
		vt.waitScreen("Backend Engineer")
		if scr := vt.screen(); !strings.Contains(scr, "5 Inbox") || strings.Contains(scr, "Inbox (") {
			t.Errorf("tab after reading, want \"5 Inbox\" with no count:\n%s", scr)
		}
	})

	for name, auth := range map[string][]gossh.AuthMethod{
		"other key": otherAuth,
		"keyless":   noAuth(),
	} {
		t.Run(name, func(t *testing.T) {
			vt := openVTerm(t, ts, auth)
			seen := vt.screen()
			// Tab six times: round the four sections and on to Projects;
			// an Inbox tab would come between Contact and About.
			sections := []string{"Programming Languages", "NoteLytix", "Interested in working together", "Architectural clarity", "Programming Languages", "NoteLytix"}
			for _, want := range sections {
				vt.send(keyTab)
				seen += vt.waitScreen(want)
			}
			vt.send("1")
			about := vt.waitScreen("Architectural clarity")
			// 5 does nothing: 2 after it shows it was read and ignored.
			m := vt.mark()
			vt.send("5")
			time.Sleep(100 * time.Millisecond) // a negative check: nothing changes
			if got := vt.screen(); got != about {
				t.Errorf("5 changed the screen:\n%s\nwas:\n%s", got, about)
			}
			vt.send("2")
			vt.waitScreen("Programming Languages")
			seen += ansi.Strip(vt.out.since(m))
			// The full help doesn't offer it either.
			vt.send("?")
			seen += vt.waitScreen("close help")
			for _, bad := range []string{"Inbox", "inbox", "Grace", "unread"} {
				if strings.Contains(seen, bad) {
					t.Errorf("a visitor's screen showed %q:\n%s", bad, seen)
				}
			}
		})
	}
}

func TestContactHostileText(t *testing.T) {
	t.Parallel()
	const hostile = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e"
	ownerAuth, ownerPub := keyAuth(t)
	dir := t.TempDir()

	// A record written by something other than the server, hostile text
	// and all, with a valid checksum: the reader must not trust the writer.
	raw := inbox.Message{
		ID: "rawrawaa", Time: time.Now().UTC().Add(-time.Hour).Truncate(time.Second),
		Name: "Raw" + hostile + "Writer", ReplyTo: "raw@example.com" + hostile,
		Message: "raw start " + hostile + " raw end\x1b[31m\u009b2J\x07", Remote: "192.0.2.9",
	}
	raw.Checksum = raw.Sum()
	line, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filestore.FileName), append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := startCmdServer(t, func(c *Config) { c.DataDir, c.OwnerKeys = dir, writeOwnerKeys(t, ownerPub) })

	// A visitor pastes hostile text into the form.
	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	vt.send("Mallory" + keyTab + "mallory@example.com" + keyTab + paste("paste start "+hostile+" paste end"))
	vt.waitScreen("paste end")
	vt.send(keyCtrlS)
	id := sentID.FindStringSubmatch(vt.waitScreen("✓ Sent: message"))
	msgs := waitMessages(t, dir, 2)
	visitor := msgs[1]
	if id == nil || visitor.ID != id[1] {
		t.Fatalf("stored %+v, screen receipt %v", visitor, id)
	}
	if !strings.HasPrefix(visitor.Message, "paste start") || !strings.HasSuffix(visitor.Message, "paste end") {
		t.Errorf("stored message %q, want the pasted text", visitor.Message)
	}
	b, err := os.ReadFile(filepath.Join(dir, filestore.FileName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	rec := lines[len(lines)-1]
	for _, bad := range []string{"\x1b", `\u001b`, "\u202e", `\u202e`, "\x07", `\u0007`} {
		if strings.Contains(rec, bad) {
			t.Errorf("stored record holds %q: %q", bad, rec)
		}
	}

	// The owner reads both: nothing hostile reaches the terminal.
	ov := openVTerm(t, ts, ownerAuth)
	ov.waitScreen("5 Inbox (2)")
	m := ov.mark()
	ov.send("5")
	ov.waitScreen("2 messages, 2 unread", "Mallory", "RawWriter")
	ov.send(keyEnter)
	ov.waitScreen("From:", "Mallory", "paste start")
	ov.send(keyEsc)
	ov.waitScreen("2 messages, 1 unread")
	ov.send("j" + keyEnter)
	ov.waitScreen("From:", "RawWriter", "raw start", "raw end", "Reply-to: raw@example.com")
	out := ov.out.since(m)
	// ("\x1b[2J" is not on this list: the renderer itself clears the
	// screen when it repaints in full. The stored record above has no ESC
	// at all, so none of the visitor's can reach the owner.)
	for _, bad := range []string{"\x1b]52", "\u202e", "\u009b", "\u009d"} {
		if strings.Contains(out, bad) {
			t.Errorf("the owner's terminal received %q", bad)
		}
	}
}

// TestShutdownDiskHoldsMessage: a message the disk holds up (here, another
// process keeps the log's lock) doesn't hold up the shutdown past its
// timeout: Shutdown returns while the message is still in flight, and the
// sender sees no "Sent".
func TestShutdownDiskHoldsMessage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ts := startCmdServer(t, func(c *Config) { c.DataDir = dir })
	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	vt.fill("Zoë 語", "@zoe", "held by the disk 🎉")
	vt.waitScreen("┃ held by the disk")

	lock := flock.New(filepath.Join(dir, filestore.FileName+".lock"))
	if err := lock.Lock(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		// The abandoned write goes on once the lock is free: it must be
		// over before t.TempDir's clean-up removes the directory under it.
		_ = lock.Unlock()
		if !eventually(waitTimeout, func() bool { return ts.submit.InFlight() == 0 }) {
			t.Error("the abandoned write never ended")
		}
	}()
	vt.send(keyCtrlS)
	if !eventually(waitTimeout, func() bool { return ts.submit.InFlight() == 1 }) {
		t.Fatal("Ctrl+S never started storing the message")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_ = ts.Shutdown(ctx)
	// The write still waits for the lock (the store gives up after 2 s):
	// Shutdown returned without waiting for it.
	if ts.submit.InFlight() != 1 {
		t.Fatalf("Shutdown returned after %s, when the held message's write had ended: it waited for it", time.Since(start))
	}
	if scr := vt.screen(); strings.Contains(scr, "Sent") {
		t.Errorf("a held message shows Sent:\n%s", scr)
	}
}

// TestStartLogsQuarantine: damaged records found at start are logged once,
// with how many and where; a symlinked log stops the start.
func TestStartLogsQuarantine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	storeMessage(t, dir, inbox.Message{Name: "Ann", ReplyTo: "@ann", Message: "kept", Remote: "192.0.2.1"})
	storeMessage(t, dir, inbox.Message{Name: "Bob", ReplyTo: "@bob", Message: "kept too", Remote: "192.0.2.1"})
	path := filepath.Join(dir, filestore.FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	damaged := first + "\nnot json\n" + rest + `{"id":"torn`
	if err := os.WriteFile(path, []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}

	ts := newTestServer(t, func(c *Config) { c.DataDir = dir }, nil)
	line := logLine(ts.logs.String(), "damaged message records quarantined")
	for _, want := range []string{"WARN", "skipped=1", "moved=1", filestore.FileName + ".torn-", filepath.Join(dir, filestore.FileName)} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q: %q\n%s", want, line, ts.logs.String())
		}
	}

	linked := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, filestore.FileName), filepath.Join(linked, filestore.FileName)); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.DataDir = linked
	if _, err := newStack(cfg, testPortfolio(t), log.New(io.Discard)); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("New with a symlinked log = %v, want a symlink error", err)
	}
}

// TestContactNameInvalidUTF8: bytes that aren't UTF-8 in `contact --name`
// are dropped, not stored as U+FFFD (the command-line splitter turns them
// into U+FFFD before the inbox sees them).
func TestContactNameInvalidUTF8(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	r := execCmd(t, c, "contact --name 'Jo\xffsé 語' --reply-to @jose", cmdOpts{stdin: strings.NewReader("¡Hola! 🎉\n")})
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	msgs := readMessages(t, ts.cfg.DataDir)
	if len(msgs) != 1 || msgs[0].Name != "José 語" {
		t.Fatalf("stored %+v, want the name José 語", msgs)
	}
}
