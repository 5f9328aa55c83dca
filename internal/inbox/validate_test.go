package inbox

import (
	"errors"
	"strings"
	"testing"
)

func validSub() Submission {
	return Submission{
		Name:        "Jane Doe",
		ReplyTo:     "jane@example.com",
		Message:     "Hello!\n\nLoved the portfolio.",
		Remote:      "192.0.2.1",
		Fingerprint: "SHA256:abc",
	}
}

func TestValidateOK(t *testing.T) {
	sub := validSub()
	sub.Name = "  Jane\x1b[31m  Doe "
	sub.Message = "\n\nHello!\r\n\r\n\r\n\u202eLoved it.  \n\n"
	got, err := Validate(sub)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got.Name != "Jane Doe" {
		t.Errorf("Name = %q, want sanitised %q", got.Name, "Jane Doe")
	}
	if got.Message != "Hello!\n\nLoved it." {
		t.Errorf("Message = %q, want sanitised", got.Message)
	}
}

func TestValidateEmpty(t *testing.T) {
	_, err := Validate(Submission{Name: " \u200b ", ReplyTo: "\x1b[2J", Message: "\n\n \t\n"})
	var ve ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want ValidationError", err)
	}
	for _, f := range []string{"name", "reply_to", "message"} {
		if ve.For(f) != "required" {
			t.Errorf("%s: reason %q, want %q", f, ve.For(f), "required")
		}
	}
	if len(ve) != 3 {
		t.Errorf("got %d field errors, want 3: %v", len(ve), ve)
	}
}

func TestValidateTooLong(t *testing.T) {
	cases := []struct {
		field string
		set   func(*Submission, string)
		ok    string
		bad   string
	}{
		{"name", func(s *Submission, v string) { s.Name = v }, strings.Repeat("é", MaxName), strings.Repeat("é", MaxName+1)},
		{"reply_to", func(s *Submission, v string) { s.ReplyTo = v }, "@" + strings.Repeat("a", MaxReplyTo-1), "@" + strings.Repeat("a", MaxReplyTo)},
		{"message", func(s *Submission, v string) { s.Message = v }, strings.Repeat("ü", MaxMessage), strings.Repeat("ü", MaxMessage+1)},
	}
	for _, c := range cases {
		t.Run(c.field, func(t *testing.T) {
			sub := validSub()
			c.set(&sub, c.ok)
			if _, err := Validate(sub); err != nil {
				t.Errorf("at the limit: %v", err)
			}
			c.set(&sub, c.bad)
			_, err := Validate(sub)
			var ve ValidationError
			if !errors.As(err, &ve) || !strings.HasPrefix(ve.For(c.field), "too long") {
				t.Errorf("over the limit: err = %v", err)
			}
			if len(ve) != 1 {
				t.Errorf("want exactly one field error, got %v", ve)
			}
		})
	}
}

// One rule for a reply-to: an email address, an @handle or an http(s)
// URL; the reason names what was expected.
func TestValidateReplyTo(t *testing.T) {
	good := map[string]ReplyKind{
		"jane@example.com":                      ReplyEmail,
		"jane.doe+portfolio@mail.example.co.uk": ReplyEmail,
		"zoë@例え.jp":                             ReplyEmail,
		"@jane":                                 ReplyHandle,
		"@jane_doe.dev":                         ReplyHandle,
		"@jane@mastodon.social":                 ReplyHandle, // fediverse handle
		"https://github.com/jane":               ReplyURL,
		"https://jane.example/contact?x=a@b":    ReplyURL,
		"http://jane.example":                   ReplyURL,
	}
	for s, kind := range good {
		sub := validSub()
		sub.ReplyTo = s
		if _, err := Validate(sub); err != nil {
			t.Errorf("ReplyTo %q rejected: %v", s, err)
		}
		if k, _ := ParseReplyTo(s); k != kind {
			t.Errorf("ParseReplyTo(%q) = %v, want %v", s, k, kind)
		}
	}
	const email = "not an email address (like jane@example.com)"
	bad := map[string]string{
		"x":                     expectedReplyTo,
		"jane_doe":              expectedReplyTo,
		"github.com/jane":       expectedReplyTo,
		"+447700900123":         expectedReplyTo,
		"---":                   expectedReplyTo,
		"jane doe":              expectedReplyTo,
		"javascript:alert(1)":   expectedReplyTo,
		"<script>":              expectedReplyTo,
		"jane@gmail":            "the email address needs a full domain, like jane@example.com",
		"jane@[192.0.2.1]":      "the email address needs a full domain, like jane@example.com",
		"Jane <jane@x.com>":     email,
		"a@b@c":                 email,
		"jane@":                 email,
		"jane@@x.com":           email,
		"jane@exa mple.com":     email,
		"@":                     "a handle is @ then letters, digits, _ . or -, like @jane",
		"@jane doe":             "a handle is @ then letters, digits, _ . or -, like @jane",
		"@<script>":             "a handle is @ then letters, digits, _ . or -, like @jane",
		"@jane@localhost":       "a handle is @ then letters, digits, _ . or -, like @jane",
		"ftp://x.example":       "a link must be http:// or https:// and a site, like https://example.com/jane",
		"https://localhost/":    "a link must be http:// or https:// and a site, like https://example.com/jane",
		"https://u:p@x.example": "a link must be http:// or https:// and a site, like https://example.com/jane",
		"jane\u200b@x.com":      "has invisible characters; " + expectedReplyTo,
	}
	for s, reason := range bad {
		sub := validSub()
		sub.ReplyTo = s
		_, err := Validate(sub)
		var ve ValidationError
		if !errors.As(err, &ve) || ve.For("reply_to") != reason {
			t.Errorf("ReplyTo %q: err = %v, want reply_to: %s", s, err, reason)
		}
		if ReplyLink(s) != "" {
			t.Errorf("ReplyLink(%q) = %q, want no link for what didn't pass", s, ReplyLink(s))
		}
	}
	for s, want := range map[string]string{
		"zoë@example.com":       "mailto:zo%C3%AB@example.com",
		"https://x.example/a?b": "https://x.example/a?b",
		"@jane":                 "",
	} {
		if got := ReplyLink(s); got != want {
			t.Errorf("ReplyLink(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestValidateAllFieldErrors(t *testing.T) {
	sub := Submission{
		Name:    strings.Repeat("n", MaxName+1),
		ReplyTo: "Jane <jane@x.com>",
		Message: "",
	}
	_, err := Validate(sub)
	var ve ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want ValidationError", err)
	}
	want := ValidationError{
		{"name", "too long (max 64 characters)"},
		{"reply_to", "not an email address (like jane@example.com)"},
		{"message", "required"},
	}
	if len(ve) != len(want) {
		t.Fatalf("got %v, want %v", ve, want)
	}
	for i := range want {
		if ve[i] != want[i] {
			t.Errorf("error %d = %v, want %v", i, ve[i], want[i])
		}
		if strings.Contains(ve[i].Reason, "\n") {
			t.Errorf("reason %q is more than one line", ve[i].Reason)
		}
	}
}

// Normalisation adds U+034F to long runs of combining marks; that doesn't
// count against the limit, what the visitor typed does.
func TestValidateCountsWhatWasTyped(t *testing.T) {
	// 1,991 characters: "a" then 1,990 combining acute accents.
	typed := "a" + strings.Repeat("\u0301", MaxMessage-10)
	sub := validSub()
	sub.Message = typed
	if _, err := Validate(sub); err != nil {
		t.Fatalf("a %d-character message was refused: %v", len([]rune(typed)), err)
	}
	sub.Message = typed + strings.Repeat("\u0301", 11)
	var ve ValidationError
	if _, err := Validate(sub); !errors.As(err, &ve) || !strings.HasPrefix(ve.For("message"), "too long") {
		t.Fatalf("2,002 characters: %v, want too long", err)
	}
	// CGJs the visitor typed count.
	sub.Message = strings.Repeat("\u034f", MaxMessage+1)
	if _, err := Validate(sub); err == nil {
		t.Fatal("2,001 typed U+034F accepted")
	}
}

// Characters that show nothing don't make a name or a message.
func TestValidateInvisibleIsBlank(t *testing.T) {
	for _, s := range []string{"\u3164", "\u115f\u1160", "\u2800\u2800", "\uffa0", " \u3164 \u034f ", "\ufe0f"} {
		sub := validSub()
		sub.Name, sub.Message = s, s
		_, err := Validate(sub)
		var ve ValidationError
		if !errors.As(err, &ve) || ve.For("name") != "required" || ve.For("message") != "required" {
			t.Errorf("%+q: err = %v, want name and message required", s, err)
		}
	}
	// Real text around a filler is fine: CJK, accents, emoji.
	sub := validSub()
	sub.Name, sub.Message = "語 Đặng 🎉", "こんにちは\u3164 ✓"
	if _, err := Validate(sub); err != nil {
		t.Errorf("real text refused: %v", err)
	}
}

// Invalid UTF-8 is dropped, not stored as U+FFFD (also when a decoder
// upstream already turned it into U+FFFD).
func TestValidateDropsInvalidUTF8(t *testing.T) {
	sub := validSub()
	sub.Name = "Ja\xffne \xc3\x28Dö\ufffde 語"
	sub.Message = "hi \xe2\x82 there"
	got, err := Validate(sub)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Jane (Döe 語" || got.Message != "hi there" && got.Message != "hi  there" {
		t.Errorf("got %q / %q", got.Name, got.Message)
	}
	if strings.ContainsRune(got.Name+got.Message, '\ufffd') {
		t.Errorf("U+FFFD stored: %q", got.Name)
	}
	sub.Name = "\xff\xfe"
	if _, err := Validate(sub); err == nil {
		t.Error("a name of invalid bytes only was accepted")
	}
}

// One count of characters: code points as typed, a line break one, the
// ends' whitespace not counted; Validate's limits go by it.
func TestLength(t *testing.T) {
	for s, want := range map[string]int{
		"":                 0,
		"abc":              3,
		"é":                1,
		"e\u0301":          2,
		"漢字":               2,
		"🙂":                1,
		"👨\u200d👩\u200d👧":  5,
		"کتاب\u200cها":     7,
		"a\r\nb\rc\nd":     7,
		"#\ufe0f\u20e3 🇯🇵": 6,
	} {
		if got := Length(s); got != want {
			t.Errorf("Length(%q) = %d, want %d", s, got, want)
		}
	}
	family := "👨\u200d👩\u200d👧"
	for _, tc := range []struct {
		msg string
		ok  bool
	}{
		{strings.Repeat(family, MaxMessage/5), true},
		{strings.Repeat(family, MaxMessage/5) + "!", false},
		{strings.Repeat("a\r\n", MaxMessage/2-1) + "ab", true},
		{strings.Repeat("🙂", MaxMessage) + "\n", true}, // a pipe's last newline
		{strings.Repeat("🙂", MaxMessage+1), false},
	} {
		sub := validSub()
		sub.Message = tc.msg
		_, err := Validate(sub)
		if (err == nil) != tc.ok {
			t.Errorf("a message of Length %d: err = %v, want ok %v", Length(tc.msg), err, tc.ok)
		}
	}
}
