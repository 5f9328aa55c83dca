package ui

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// fakeInbox is a SubmitFunc that records what it is given and answers
// with the receipt or error it is set to.
type fakeInbox struct {
	mu      sync.Mutex
	subs    []inbox.Submission
	receipt inbox.Receipt
	err     error
}

func (f *fakeInbox) submit(sub inbox.Submission) (inbox.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, sub)
	return f.receipt, f.err
}

func (f *fakeInbox) calls() []inbox.Submission {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]inbox.Submission(nil), f.subs...)
}

var testReceipt = inbox.Receipt{ID: "abcd2345", Time: time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC)}

// newContactModel returns a w×h model with a contact form on the Contact
// page, the form not yet focused.
func newContactModel(t *testing.T, p colorprofile.Profile, w, h int, submit SubmitFunc) *Model {
	t.Helper()
	m := New(portfolio(t), Options{Profile: p, Submit: submit})
	send(t, m, darkBg)
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	press(t, m, "4")
	if m.section != SectionContact {
		t.Fatalf("4 went to %v", m.section)
	}
	return m
}

// typeText types s into m, one key press per character ("\n" as Enter).
func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		switch r {
		case '\n':
			press(t, m, "enter")
			continue
		case '\t':
			press(t, m, "tab")
			continue
		}
		if cmd := send(t, m, tea.KeyPressMsg{Code: r, Text: string(r)}); isQuitCmd(cmd) {
			t.Fatalf("typing %q quits", r)
		}
	}
}

var ctrlS = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}

// isQuitCmd reports whether cmd is tea.Quit. It doesn't run cmd: the
// commands typing returns include cursor blinks, which wait.
func isQuitCmd(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	return reflect.ValueOf(cmd).Pointer() == reflect.ValueOf(tea.Quit).Pointer()
}

// fieldValues are the form's three values.
func fieldValues(m *Model) [3]string {
	c := m.contact
	return [3]string{c.name.Value(), c.replyTo.Value(), c.messageValue()}
}

// submitResult runs the send command cmd, as Bubble Tea would in the
// background, and returns the message it yields.
func submitResult(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("send returned no command")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if _, ok := msg.(submitResultMsg); !ok {
			t.Fatalf("send command yields %T, want the submit result", msg)
		}
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("send command did not return")
		return nil
	}
}

func TestContactKeysRouting(t *testing.T) {
	f := &fakeInbox{receipt: testReceipt}
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, f.submit)
	if m.contact.Focused() {
		t.Fatal("form focused before Enter")
	}
	press(t, m, "enter")
	if m.contact.focus != fieldName || !m.formActive() {
		t.Fatalf("Enter: focus %d, want the Name field", m.contact.focus)
	}

	// Hotkeys type while the form has the keyboard.
	typeText(t, m, "q1234hl?tmjkgG")
	if m.section != SectionContact || !m.formActive() {
		t.Fatalf("typing moved to section %v (form active %v)", m.section, m.formActive())
	}
	if got := fieldValues(m)[0]; got != "q1234hl?tmjkgG" {
		t.Fatalf("name = %q, want the keys typed verbatim", got)
	}
	if m.showHelp || m.mouse || m.themeChosen {
		t.Errorf("typing toggled help %v / mouse %v / theme %v", m.showHelp, m.mouse, m.bg)
	}
	requireText(t, m, "┃ q1234hl?tmjkgG")

	// Enter on Name and Reply-to moves on; in Message it is a newline.
	press(t, m, "enter")
	if m.contact.focus != fieldReplyTo {
		t.Fatalf("Enter on Name: focus %d, want Reply-to", m.contact.focus)
	}
	typeText(t, m, "@jane")
	press(t, m, "enter")
	if m.contact.focus != fieldMessage {
		t.Fatalf("Enter on Reply-to: focus %d, want Message", m.contact.focus)
	}
	typeText(t, m, "line one\nline two")
	if m.contact.focus != fieldMessage {
		t.Fatalf("Enter in Message moved focus to %d", m.contact.focus)
	}
	if got := fieldValues(m)[2]; got != "line one\nline two" {
		t.Fatalf("message = %q", got)
	}

	// Tab cycles Name → Reply-to → Message → Send → Name; Shift+Tab back.
	for i, want := range []int{fieldSend, fieldName, fieldReplyTo, fieldMessage, fieldSend} {
		press(t, m, "tab")
		if m.contact.focus != want {
			t.Fatalf("tab %d: focus %d, want %d", i+1, m.contact.focus, want)
		}
	}
	for i, want := range []int{fieldMessage, fieldReplyTo, fieldName, fieldSend} {
		press(t, m, "shift+tab")
		if m.contact.focus != want {
			t.Fatalf("shift+tab %d: focus %d, want %d", i+1, m.contact.focus, want)
		}
	}
	if len(f.calls()) != 0 {
		t.Fatalf("submitted while only moving: %+v", f.calls())
	}

	// Enter on Send sends.
	cmd := press(t, m, "enter")
	if len(f.calls()) != 0 {
		t.Fatal("SubmitFunc ran inside Update; it must run in the command")
	}
	send(t, m, submitResult(t, cmd))
	want := inbox.Submission{Name: "q1234hl?tmjkgG", ReplyTo: "@jane", Message: "line one\nline two"}
	if got := f.calls(); len(got) != 1 || got[0] != want {
		t.Fatalf("submitted %+v, want %+v", got, want)
	}

	// Ctrl+S sends from inside Message.
	press(t, m, "enter") // back into the form
	typeText(t, m, "n\nr\nx")
	if m.contact.focus != fieldMessage {
		t.Fatalf("focus %d, want Message", m.contact.focus)
	}
	send(t, m, submitResult(t, send(t, m, ctrlS)))
	if got := f.calls(); len(got) != 2 || got[1] != (inbox.Submission{Name: "n", ReplyTo: "r", Message: "x"}) {
		t.Fatalf("ctrl+s from Message submitted %+v", got)
	}

	// Esc leaves the form: then 1 goes to About and q quits.
	press(t, m, "enter")
	press(t, m, "esc")
	if m.contact.Focused() || m.formActive() {
		t.Fatal("Esc did not leave the form")
	}
	press(t, m, "1")
	if m.section != SectionAbout {
		t.Fatalf("1 after Esc: section %v, want About", m.section)
	}
	if cmd := press(t, m, "q"); !isQuitCmd(cmd) {
		t.Error("q after leaving the form does not quit")
	}
}

func TestContactCtrlCQuitsFromForm(t *testing.T) {
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
	press(t, m, "enter", "tab", "tab") // in the Message textarea
	if cmd := press(t, m, "ctrl+c"); !isQuitCmd(cmd) {
		t.Error("ctrl+c in the form does not quit")
	}
}

func TestContactSubmitSuccess(t *testing.T) {
	for _, dup := range []bool{false, true} {
		t.Run(fmt.Sprint("duplicate=", dup), func(t *testing.T) {
			r := testReceipt
			r.Duplicate = dup
			r.Time = r.Time.In(time.FixedZone("X", 5*3600)) // shown in UTC whatever the zone
			f := &fakeInbox{receipt: r}
			m := newContactModel(t, colorprofile.NoTTY, 80, 24, f.submit)
			press(t, m, "enter")
			typeText(t, m, "Jane\t@jane\thello")
			cmd := send(t, m, ctrlS)
			requireText(t, m, "sending…")
			// A second Ctrl+S while the first is in flight sends nothing.
			if again := send(t, m, ctrlS); again != nil {
				t.Error("ctrl+s while sending returned another send")
			}
			send(t, m, submitResult(t, cmd))
			if n := len(f.calls()); n != 1 {
				t.Fatalf("%d submissions, want 1", n)
			}
			what := "Sent"
			if dup {
				what = "Already received"
			}
			// A thank-you in place of the form, the receipt below it.
			requireText(t, m, "╭─ Sent", "Thanks, Jane!", "Pragya will reply at @jane.",
				"✓ "+what+": message abcd2345 at 2024-05-01 12:34 UTC", "Press Enter to write again.")
			forbidText(t, m, "sending…", "hello", "Name*", "[ Send ]")
			if got := fieldValues(m); got != [3]string{} {
				t.Errorf("form not cleared: %q", got)
			}
			if m.contact.Focused() {
				t.Error("form still has the keyboard after sending")
			}
			press(t, m, "enter")
			if m.contact.focus != fieldName {
				t.Error("Enter after sending doesn't start another message")
			}
			forbidText(t, m, "Thanks, Jane")
			requireText(t, m, "▸ Name*")
		})
	}
}

// TestContactKeepsTextTypedWhileSending: what the visitor types while a
// send is in flight was not sent, so a successful send must not wipe it.
func TestContactKeepsTextTypedWhileSending(t *testing.T) {
	f := &fakeInbox{receipt: testReceipt}
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, f.submit)
	press(t, m, "enter")
	typeText(t, m, "Jane\t@jane\thello")
	cmd := send(t, m, ctrlS)
	typeText(t, m, " P.S. 日本語, café 👋")
	send(t, m, submitResult(t, cmd))
	if got := f.calls(); len(got) != 1 || got[0].Message != "hello" {
		t.Fatalf("submissions %+v, want one of \"hello\"", got)
	}
	requireText(t, m, "Thanks, Jane!")
	want := [3]string{"Jane", "@jane", "hello P.S. 日本語, café 👋"}
	if got := fieldValues(m); got != want {
		t.Errorf("after sending, the form holds %q, want the text typed meanwhile %q", got, want)
	}
}

func TestContactSubmitErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		want  []string
		focus int
	}{
		{
			name: "validation",
			err: inbox.ValidationError{
				{Field: "reply_to", Reason: "not an email address (like jane@example.com)"},
				{Field: "message", Reason: "required"},
			},
			want:  []string{"✗ Please fix the marked fields", "Reply-to*  ✗ not an email address (like jane@example.com)", "Message* 5/2000  ✗ required"},
			focus: fieldReplyTo, // the first marked field
		},
		{
			name:  "rate limit",
			err:   &inbox.RateLimitError{RetryAfter: 42*time.Minute + 10*time.Second},
			want:  []string{"That's the limit for now: try again in 43 min."},
			focus: fieldSend,
		},
		{
			name:  "storage",
			err:   fmt.Errorf("%w: write messages.jsonl: no space left on device", inbox.ErrStorage),
			want:  []string{"Couldn't save your message, please try again later"},
			focus: fieldSend,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeInbox{err: tc.err}
			m := newContactModel(t, colorprofile.NoTTY, 100, 40, f.submit)
			press(t, m, "enter")
			typeText(t, m, "Jane\tjane@\thello\t")
			send(t, m, submitResult(t, press(t, m, "enter")))
			requireText(t, m, tc.want...)
			forbidText(t, m, "✓", "sending…", "space left")
			if got := fieldValues(m); got != [3]string{"Jane", "jane@", "hello"} {
				t.Errorf("text not kept after the error: %q", got)
			}
			requireText(t, m, "┃ Jane", "┃ jane@", "┃ hello")
			if m.contact.focus != tc.focus {
				t.Errorf("focus %d, want %d", m.contact.focus, tc.focus)
			}
			// A later success clears the marks and the notice.
			f.mu.Lock()
			f.err, f.receipt = nil, testReceipt
			f.mu.Unlock()
			send(t, m, submitResult(t, send(t, m, ctrlS)))
			forbidText(t, m, "✗")
			requireText(t, m, "Thanks, Jane!", "✓ Sent: message abcd2345")
		})
	}
}

// TestContactReplyToRule: the terminal form goes by the inbox's one
// reply-to rule, says what was expected, and its placeholder says the
// same as the web form's label.
func TestContactReplyToRule(t *testing.T) {
	validate := func(sub inbox.Submission) (inbox.Receipt, error) {
		if _, err := inbox.Validate(sub); err != nil {
			return inbox.Receipt{}, err
		}
		return testReceipt, nil
	}
	m := newContactModel(t, colorprofile.NoTTY, 120, 40, validate)
	requireText(t, m, "("+inbox.ReplyToHint+")")
	for bad, reason := range map[string]string{
		"x":                   "expected an email address, an @handle or an https:// link",
		"jane@gmail":          "the email address needs a full domain, like jane@example.com",
		"javascript:alert(1)": "expected an email address, an @handle or an https:// link",
		"<script>":            "expected an email address, an @handle or an https:// link",
	} {
		m := newContactModel(t, colorprofile.NoTTY, 120, 40, validate)
		press(t, m, "enter")
		typeText(t, m, "Jane\t"+bad+"\thello\t")
		send(t, m, submitResult(t, press(t, m, "enter")))
		requireText(t, m, "Reply-to*  ✗ "+reason)
		forbidText(t, m, "Thanks")
	}
}

// TestContactCounterCountsAsTheInbox: the message counter counts as the
// inbox does (inbox.Length), and what fits the counter the inbox accepts.
func TestContactCounterCountsAsTheInbox(t *testing.T) {
	validate := func(sub inbox.Submission) (inbox.Receipt, error) {
		if _, err := inbox.Validate(sub); err != nil {
			return inbox.Receipt{}, err
		}
		return testReceipt, nil
	}
	m := newContactModel(t, colorprofile.NoTTY, 120, 40, validate)
	press(t, m, "enter")
	typeText(t, m, "Jane\t@jane\t")
	text := "👨\u200d👩\u200d👧 کتاب\u200cها e\u0301 漢"
	typeText(t, m, text)
	requireText(t, m, fmt.Sprintf("%d/%d", inbox.Length(text), inbox.MaxMessage))
	// Filled to the brim with family emoji: the paste is cut between two
	// families, never inside one, the counter says how full, and the
	// inbox takes it.
	send(t, m, tea.PasteMsg{Content: strings.Repeat("👨\u200d👩\u200d👧", inbox.MaxMessage)})
	box := fieldValues(m)[2]
	if n := inbox.Length(box); n > inbox.MaxMessage || n <= inbox.MaxMessage-5 || !strings.HasSuffix(box, "👨\u200d👩\u200d👧") {
		t.Fatalf("after the paste the box holds %d characters ending %q", n, box[len(box)-12:])
	}
	requireText(t, m, fmt.Sprintf("%d/%d", inbox.Length(box), inbox.MaxMessage))
	send(t, m, submitResult(t, send(t, m, ctrlS)))
	requireText(t, m, "Thanks, Jane!")
}

func TestContactPasteLimits(t *testing.T) {
	// The largest paste a visit delivers (the host's decoder ends a visit
	// at a longer one: 64 KiB), far over every field's limit; multi-byte
	// runes.
	huge := strings.Repeat("abcdefghé", (64<<10)/10+1)
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)

	// Not focused: a paste is ignored.
	send(t, m, tea.PasteMsg{Content: huge})
	if got := fieldValues(m); got != [3]string{} {
		t.Fatalf("paste outside the form changed it: %d/%d/%d bytes", len(got[0]), len(got[1]), len(got[2]))
	}

	press(t, m, "enter")
	typeText(t, m, "Jo")
	send(t, m, tea.PasteMsg{Content: huge})
	name := fieldValues(m)[0]
	if n := utf8.RuneCountInString(name); n != inbox.MaxName || !strings.HasPrefix(name, "Joabcdefgh") {
		t.Errorf("name after a 64 KiB paste: %d runes (%q…), want %d", n, name[:min(len(name), 20)], inbox.MaxName)
	}
	// Full: another paste adds nothing.
	send(t, m, tea.PasteMsg{Content: huge})
	if got := fieldValues(m)[0]; got != name {
		t.Errorf("paste into a full name changed it to %d runes", utf8.RuneCountInString(got))
	}

	press(t, m, "tab", "tab")
	send(t, m, tea.PasteMsg{Content: huge})
	msg := fieldValues(m)[2]
	if n := utf8.RuneCountInString(msg); n != inbox.MaxMessage {
		t.Errorf("message after a 64 KiB paste: %d runes, want %d", n, inbox.MaxMessage)
	}
	requireText(t, m, fmt.Sprintf("%d/%d", inbox.MaxMessage, inbox.MaxMessage))
	checkFits(t, output(t, m, colorprofile.NoTTY), 80, 24, true)
}

// focusContact returns a model with the form focused on field f.
func focusContact(t *testing.T, p colorprofile.Profile, w, h, f int) *Model {
	t.Helper()
	m := newContactModel(t, p, w, h, (&fakeInbox{}).submit)
	press(t, m, "enter")
	for range f {
		press(t, m, "tab")
	}
	if m.contact.focus != f {
		t.Fatalf("focus %d, want %d", m.contact.focus, f)
	}
	return m
}

func TestContactFits(t *testing.T) {
	labels := map[int]string{fieldName: "Name", fieldReplyTo: "Reply-to", fieldMessage: "Message", fieldSend: "[ Send ]"}
	for _, sz := range snapshotSizes {
		w, h := sz[0], sz[1]
		for f := fieldName; f < fieldCount; f++ {
			t.Run(fmt.Sprintf("%dx%d/%s", w, h, labels[f]), func(t *testing.T) {
				m := focusContact(t, colorprofile.TrueColor, w, h, f)
				typeText(t, m, strings.Repeat("wide text ", 12))
				for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.NoTTY} {
					checkFits(t, output(t, m, p), w, h, true)
				}
				// The focused field is scrolled into view.
				if !strings.Contains(plain(m), labels[f]) {
					t.Errorf("focused field %s not on screen:\n%s", labels[f], plain(m))
				}
				// With every field marked and a notice, it still fits.
				send(t, m, submitResultMsg{err: inbox.ValidationError{
					{Field: "name", Reason: "too long (max 64 characters)"},
					{Field: "reply_to", Reason: "must be an email address or a handle without spaces"},
					{Field: "message", Reason: "too long (max 2000 characters)"},
				}})
				checkFits(t, output(t, m, colorprofile.TrueColor), w, h, true)
				if !strings.Contains(plain(m), "Name") {
					t.Errorf("first marked field not on screen:\n%s", plain(m))
				}
			})
		}
	}
}

// TestContactGolden snapshots the focused form. Regenerate with
//
//	go test ./ui -run TestContactGolden -update
func TestContactGolden(t *testing.T) {
	for _, pr := range []struct {
		name string
		p    colorprofile.Profile
	}{{"truecolor", colorprofile.TrueColor}, {"notty", colorprofile.NoTTY}} {
		t.Run(pr.name, func(t *testing.T) {
			m := focusContact(t, pr.p, 80, 24, fieldName)
			typeText(t, m, "Jane Doe")
			out := output(t, m, pr.p)
			checkFits(t, out, 80, 24, true)
			golden.RequireEqual(t, []byte(out))
		})
		// On a light background the cursor keeps its contrast (issue 23,
		// point 4): it is reverse video of the accent, not of light grey.
		t.Run(pr.name+"-light", func(t *testing.T) {
			if pr.p < colorprofile.ANSI {
				t.Skip("no colour: the same as on dark")
			}
			m := focusContact(t, pr.p, 80, 24, fieldName)
			send(t, m, lightBg)
			typeText(t, m, "Jane Doe")
			out := output(t, m, pr.p)
			checkFits(t, out, 80, 24, true)
			golden.RequireEqual(t, []byte(out))
		})
		// The thank-you, whole at the smallest size.
		t.Run(pr.name+"-thanks-40x12", func(t *testing.T) {
			f := &fakeInbox{receipt: testReceipt}
			m := focusContact(t, pr.p, 40, 12, fieldName)
			m.contact.submit = f.submit
			typeText(t, m, "Jane Doe\tjane@example.com\tHello")
			send(t, m, submitResult(t, send(t, m, ctrlS)))
			out := output(t, m, pr.p)
			checkFits(t, out, 40, 12, true)
			for _, want := range []string{"╭─ Sent", "Thanks, Jane Doe!", "will reply at", "jane@example.com.", "Press Enter to write again.", "╰"} {
				if !strings.Contains(xansi.Strip(out), want) {
					t.Errorf("thank-you not whole on screen, %q missing:\n%s", want, xansi.Strip(out))
				}
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
}

func TestContactWithoutSubmit(t *testing.T) {
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, nil)
	before := plain(m)
	forbidText(t, m, "Press Enter to write", "[ Send ]", "Reply-to", "write a message")
	requireText(t, m, "Interested in working together")
	if cmd := press(t, m, "enter"); cmd != nil {
		t.Errorf("Enter returned a command")
	}
	if m.contact.Focused() || m.formActive() {
		t.Fatal("Enter focused a form that isn't there")
	}
	if plain(m) != before {
		t.Errorf("Enter changed the screen:\n%s", plain(m))
	}
	if cmd := send(t, m, ctrlS); cmd != nil {
		t.Error("ctrl+s returned a command")
	}
	send(t, m, tea.PasteMsg{Content: "pasted"})
	if plain(m) != before {
		t.Errorf("a paste changed the screen:\n%s", plain(m))
	}
	press(t, m, "1")
	if m.section != SectionAbout {
		t.Errorf("1: section %v, want About", m.section)
	}
}

// TestContactLimitsCountCharacters: wide scripts and combining marks get
// the full 2,000 characters the inbox accepts, no more and no less, and the
// reply-to is cut at the inbox's byte limit.
func TestContactLimitsCountCharacters(t *testing.T) {
	for _, tc := range []struct{ name, unit string }{
		{"wide", "漢"},            // two cells, one character
		{"combining", "e\u0301"}, // two characters, one cell
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
			press(t, m, "enter", "tab", "tab")
			send(t, m, tea.PasteMsg{Content: strings.Repeat(tc.unit, 3000)})
			msg := fieldValues(m)[2]
			if n := utf8.RuneCountInString(msg); n != inbox.MaxMessage {
				t.Errorf("message holds %d characters, want %d", n, inbox.MaxMessage)
			}
			requireText(t, m, fmt.Sprintf("%d/%d", inbox.MaxMessage, inbox.MaxMessage))
		})
	}
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
	press(t, m, "enter", "tab")
	send(t, m, tea.PasteMsg{Content: strings.Repeat("é", 300)})
	if reply := fieldValues(m)[1]; len(reply) > inbox.MaxReplyTo || !utf8.ValidString(reply) || len(reply) < inbox.MaxReplyTo-1 {
		t.Errorf("reply-to holds %d bytes (valid UTF-8: %v), want at most %d, cut on a character boundary",
			len(reply), utf8.ValidString(reply), inbox.MaxReplyTo)
	}
}

// TestContactLazyMessageArea: a session gets a textarea only once the
// visitor enters the form, and until then the drawn stand-in looks exactly
// like the empty, unfocused textarea.
func TestContactLazyMessageArea(t *testing.T) {
	for _, pr := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.NoTTY} {
		for _, w := range []int{40, 80, 120} {
			m := newContactModel(t, pr, w, 24, (&fakeInbox{}).submit)
			if m.contact.message != nil {
				t.Fatal("a textarea was made before the visitor entered the form")
			}
			// Trailing blanks don't show (the renderer clears each line).
			shown := func(s string) string {
				lines := strings.Split(xansi.Strip(s), "\n")
				for i, l := range lines {
					lines[i] = strings.TrimRight(l, " ")
				}
				return strings.Join(lines, "\n")
			}
			lazy := shown(output(t, m, pr))
			m.contact.message = newMessageArea(m.c.styles)
			m.contact.Invalidate()
			m.screen = "" // drop the cached screen
			real := shown(output(t, m, pr))
			if lazy != real {
				t.Errorf("%v %d cols: the stand-in differs from the textarea:\n%s\n---\n%s", pr, w, lazy, real)
			}
		}
	}
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
	press(t, m, "enter")
	if m.contact.message == nil {
		t.Fatal("entering the form made no textarea")
	}
}

// TestContactNeverReadsServerClipboard: Ctrl+V in a bubbles text field
// reads the clipboard of the machine the program runs on: the server's.
// Every field must ignore it (visitors paste through their terminal).
func TestContactNeverReadsServerClipboard(t *testing.T) {
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
	press(t, m, "enter")
	for field := range 3 {
		if cmd := press(t, m, "ctrl+v"); cmd != nil {
			t.Errorf("ctrl+v in field %d returned a command (a clipboard read)", field)
		}
		if cmd := press(t, m, "ctrl+shift+c"); cmd != nil && field == 2 {
			t.Errorf("ctrl+shift+c in the message returned a command (a clipboard write)")
		}
		press(t, m, "tab")
	}
	if got := fieldValues(m); got != [3]string{} {
		t.Errorf("fields after ctrl+v: %q", got)
	}
}

// BenchmarkFormTyping: a visitor streaming letters into the message field,
// as the host delivers them (a batch of 32 keys, then one View). "filling"
// types into a message that grows to the limit and starts again; "full"
// keeps typing into a message already at the limit.
func BenchmarkFormTyping(b *testing.B) {
	for _, full := range []bool{false, true} {
		name := "filling"
		if full {
			name = "full"
		}
		b.Run(name, func(b *testing.B) {
			m := New(portfolio(b), Options{Profile: colorprofile.TrueColor, Submit: (&fakeInbox{}).submit})
			send(b, m, tea.WindowSizeMsg{Width: 120, Height: 40})
			press(b, m, "4", "enter", "tab", "tab")
			if full {
				send(b, m, tea.PasteMsg{Content: strings.Repeat("abcdefgh", inbox.MaxMessage/8)})
			}
			_ = m.View()
			const batch = 32
			// As tea.Msgs: the host delivers each key boxed once.
			keys := make([]tea.Msg, batch)
			for i := range keys {
				r := rune('a' + i%8)
				keys[i] = tea.KeyPressMsg{Code: r, Text: string(r)}
			}
			b.ReportAllocs()
			for b.Loop() {
				if !full && m.contact.room() < batch {
					m.contact.message.Reset()
					m.contact.countMessage()
				}
				for _, k := range keys {
					m.Update(k)
				}
				_ = m.View()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/key")
		})
	}
}

// TestContactTypingIsCheap: a key typed into the message box changes the
// text and nothing else; the page, and the box with it, is rendered when
// the next frame is drawn. (Before, each key rendered the box inside the
// textarea's Update and the whole page to scroll the field into view:
// about 1,400 allocations a key into a 1,000-character message.)
func TestContactTypingIsCheap(t *testing.T) {
	m := newContactModel(t, colorprofile.TrueColor, 120, 40, (&fakeInbox{}).submit)
	press(t, m, "enter", "tab", "tab")
	send(t, m, tea.PasteMsg{Content: strings.Repeat("héllo 漢字 🙂 ", 80)})
	_ = m.View()
	before := utf8.RuneCountInString(fieldValues(m)[2])
	x := tea.KeyPressMsg{Code: 'x', Text: "x"}
	allocs := testing.AllocsPerRun(50, func() { m.Update(x) })
	if !m.contact.stale {
		t.Error("typing a key rendered the page inside Update")
	}
	if allocs > 20 {
		t.Errorf("typing a key allocates %.0f times, want at most 20 (no rendering)", allocs)
	}
	after := utf8.RuneCountInString(fieldValues(m)[2])
	if after-before != 51 {
		t.Errorf("51 keys added %d characters", after-before)
	}
	requireText(t, m, fmt.Sprintf("%d/%d", after, inbox.MaxMessage))
}

// TestContactTypedLooksLikePasted: text typed key by key, with frames
// drawn only now and then (more lines typed between two than the box
// shows), looks at every frame as the same text pasted (the textarea's own
// Update): the box scrolled to the cursor at the end.
func TestContactTypedLooksLikePasted(t *testing.T) {
	text := []rune(strings.Repeat("Grüße, 漢字 and 🙂 again; ", 40))
	for _, w := range []int{40, 80} {
		typed := newContactModel(t, colorprofile.TrueColor, w, 20, (&fakeInbox{}).submit)
		pasted := newContactModel(t, colorprofile.TrueColor, w, 20, (&fakeInbox{}).submit)
		for _, m := range []*Model{typed, pasted} {
			press(t, m, "enter", "tab", "tab")
			_ = m.View()
		}
		from := 0
		for i, r := range text {
			send(t, typed, tea.KeyPressMsg{Code: r, Text: string(r)})
			if (i+1)%400 != 0 && i+1 != len(text) {
				continue
			}
			send(t, pasted, tea.PasteMsg{Content: string(text[from : i+1])})
			from = i + 1
			if a, b := output(t, typed, colorprofile.TrueColor), output(t, pasted, colorprofile.TrueColor); a != b {
				t.Fatalf("%d cols, %d characters: typed and pasted differ:\n%s\n---\n%s", w, i+1, xansi.Strip(a), xansi.Strip(b))
			}
		}
		// Keys that edit rather than type still go to the textarea.
		press(t, typed, "backspace", "left", "backspace")
		want := string(text[:len(text)-3]) + ";"
		if got := fieldValues(typed)[2]; got != want {
			t.Errorf("%d cols: after editing keys the message ends %q, want %q", w, got[len(got)-8:], want[len(want)-8:])
		}
	}
}

// TestContactTypingWhenFull: at the limit, a typed key is dropped, like the
// part of a paste that doesn't fit; it never cuts the end of the message.
func TestContactTypingWhenFull(t *testing.T) {
	m := newContactModel(t, colorprofile.NoTTY, 80, 24, (&fakeInbox{}).submit)
	press(t, m, "enter", "tab", "tab")
	full := strings.Repeat("é", inbox.MaxMessage-1) + "Z"
	send(t, m, tea.PasteMsg{Content: full})
	press(t, m, "up", "up")
	typeText(t, m, "abc")
	if got := fieldValues(m)[2]; got != full {
		t.Errorf("typing into a full message changed it (%d characters, ends %q)", utf8.RuneCountInString(got), got[len(got)-4:])
	}
	requireText(t, m, fmt.Sprintf("%d/%d", inbox.MaxMessage, inbox.MaxMessage))
}

// TestBoundKeys: keys a key map binds are typed by the textarea's Update,
// never as text; disabled bindings don't count.
func TestBoundKeys(t *testing.T) {
	km := textarea.DefaultKeyMap()
	km.Paste = key.NewBinding()
	bound := boundKeys(km)
	for _, k := range []string{"right", "alt+f", "enter", "ctrl+k"} {
		if !bound[k] {
			t.Errorf("%q is not among the bound keys", k)
		}
	}
	for _, k := range []string{"a", "漢", "ctrl+v", "space"} {
		if bound[k] {
			t.Errorf("%q is among the bound keys", k)
		}
	}
}
