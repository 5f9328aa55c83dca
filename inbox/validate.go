package inbox

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Validate sanitises a submission (Name and ReplyTo as single lines,
// Message as multiline text, Remote and Fingerprint as single lines) and
// checks it. It always returns the sanitised submission; the error, if
// any, is a ValidationError listing every rejected field.
//
// ReplyTo that looks like an email address (an "@" with something before
// it, and no "://") must be a bare address that net/mail accepts;
// anything else — "@handle", a URL, "github.com/x" — is accepted as a
// handle if it has no spaces.
func Validate(sub Submission) (Submission, error) {
	typed := sub
	sub.Name = Sanitize(dropInvalid(sub.Name), false)
	sub.ReplyTo = Sanitize(dropInvalid(sub.ReplyTo), false)
	sub.Message = Sanitize(dropInvalid(sub.Message), true)
	sub.Remote = Sanitize(dropInvalid(sub.Remote), false)
	sub.Fingerprint = Sanitize(dropInvalid(sub.Fingerprint), false)
	sub.Via = Sanitize(dropInvalid(sub.Via), false)

	var errs ValidationError
	if r := checkText(typed.Name, sub.Name, MaxName); r != "" {
		errs = append(errs, FieldError{Field: "name", Reason: r})
	}
	if r := checkReplyTo(sub.ReplyTo); r != "" {
		errs = append(errs, FieldError{Field: "reply_to", Reason: r})
	}
	if r := checkText(typed.Message, sub.Message, MaxMessage); r != "" {
		errs = append(errs, FieldError{Field: "message", Reason: r})
	}
	if len(errs) > 0 {
		return sub, errs
	}
	return sub, nil
}

func tooLong(max int) string {
	return fmt.Sprintf("too long (max %d characters)", max)
}

// checkText checks a name or message: clean is typed after Sanitize.
func checkText(typed, clean string, max int) string {
	switch {
	case blank(clean):
		return "required"
	case typedLen(typed, clean) > max:
		return tooLong(max)
	}
	return ""
}

// cgj is U+034F COMBINING GRAPHEME JOINER, which normalisation inserts
// into long runs of combining marks (every 30, for stream-safe text).
const cgj = "\u034f"

// typedLen counts the characters of clean that the visitor typed: those
// normalisation inserted don't count against the limit.
func typedLen(typed, clean string) int {
	inserted := max(0, strings.Count(clean, cgj)-strings.Count(typed, cgj))
	return utf8.RuneCountInString(clean) - inserted
}

// blank reports whether s shows nothing: only spaces and characters that
// render as nothing or as blank space (fillers like U+3164 HANGUL FILLER,
// U+115F, U+FFA0, U+2800 BRAILLE PATTERN BLANK, joiners, variation
// selectors).
func blank(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '\u2800',
			unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r),
			unicode.Is(unicode.Variation_Selector, r):
		default:
			return false
		}
	}
	return true
}

// dropInvalid removes bytes that aren't UTF-8 and U+FFFD, which is what a
// decoder upstream (the command-line splitter, a terminal) turns them
// into: a replacement character never carries what the visitor meant.
func dropInvalid(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\ufffd", "")
}

func checkReplyTo(s string) string {
	switch {
	case s == "":
		return "required"
	case len(s) > MaxReplyTo:
		// The limit is in bytes (an email address's), which is characters
		// for the usual ASCII addresses.
		return fmt.Sprintf("too long (max %d bytes)", MaxReplyTo)
	case looksLikeEmail(s):
		if !validEmail(s) {
			return "not a valid email address"
		}
	case strings.ContainsAny(s, " "):
		return "must be an email address or a handle without spaces"
	case !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }):
		return "enter an email address or a handle"
	}
	return ""
}

// looksLikeEmail: an "@" with something before it, and not a URL.
func looksLikeEmail(s string) bool {
	return strings.Index(s, "@") > 0 && !strings.Contains(s, "://")
}

// validEmail accepts only a bare address: "jane@example.com", not
// "Jane <jane@example.com>".
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
