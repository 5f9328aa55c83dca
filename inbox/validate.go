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
	sub.Name = Sanitize(sub.Name, false)
	sub.ReplyTo = Sanitize(sub.ReplyTo, false)
	sub.Message = Sanitize(sub.Message, true)
	sub.Remote = Sanitize(sub.Remote, false)
	sub.Fingerprint = Sanitize(sub.Fingerprint, false)
	sub.Via = Sanitize(sub.Via, false)

	var errs ValidationError
	if r := checkName(sub.Name); r != "" {
		errs = append(errs, FieldError{Field: "name", Reason: r})
	}
	if r := checkReplyTo(sub.ReplyTo); r != "" {
		errs = append(errs, FieldError{Field: "reply_to", Reason: r})
	}
	if r := checkMessage(sub.Message); r != "" {
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

func checkName(s string) string {
	switch {
	case s == "":
		return "required"
	case utf8.RuneCountInString(s) > MaxName:
		return tooLong(MaxName)
	}
	return ""
}

func checkMessage(s string) string {
	switch {
	case s == "":
		return "required"
	case utf8.RuneCountInString(s) > MaxMessage:
		return tooLong(MaxMessage)
	}
	return ""
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
