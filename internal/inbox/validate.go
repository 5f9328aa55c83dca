package inbox

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Validate sanitises a submission (Name and ReplyTo as single lines,
// Message as multiline text, Remote and Fingerprint as single lines) and
// checks it. It always returns the sanitised submission; the error, if
// any, is a ValidationError listing every rejected field.
//
// ReplyTo must be something the owner can reply to: see ParseReplyTo.
func Validate(sub Submission) (Submission, error) {
	typed := sub
	sub.Name = Sanitize(dropInvalid(sub.Name), false)
	sub.ReplyTo = Sanitize(dropInvalid(sub.ReplyTo), false)
	sub.Message = Sanitize(dropInvalid(sub.Message), true)
	sub.Remote = Sanitize(dropInvalid(sub.Remote), false)
	sub.Fingerprint = Sanitize(dropInvalid(sub.Fingerprint), false)
	sub.Via = Sanitize(dropInvalid(sub.Via), false)
	sub.Invitation = Sanitize(dropInvalid(sub.Invitation), false)

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
	case Length(strings.TrimSpace(typed)) > max:
		return tooLong(max)
	}
	return ""
}

// Length is how the inbox counts characters, in every channel (the
// server's limits, the terminal form's counter; the web form leaves the
// count to the server): Unicode code points of the text as typed, each
// line break one ("\r\n" too). The limits apply to the text without its
// leading and trailing whitespace, which is never stored.
//
// Code points, not grapheme clusters: "é" is one (two if typed as "e"
// and a combining accent), a CJK character or a simple emoji one, a
// family emoji (three people joined by two ZWJs) five. What normalisation
// adds or merges on the way to the store doesn't count.
func Length(s string) int {
	return utf8.RuneCountInString(s) - strings.Count(s, "\r\n")
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
	}
	_, reason := ParseReplyTo(s)
	return reason
}

// ReplyKind is what kind of address a reply-to is.
type ReplyKind int

const (
	ReplyInvalid ReplyKind = iota
	ReplyEmail             // jane@example.com
	ReplyHandle            // @jane, @jane@mastodon.social
	ReplyURL               // https://example.com/jane
)

// ReplyToHint says what a reply-to may be, as the terminal form's
// placeholder and the web form's label show it.
const ReplyToHint = "email, @handle or https:// link"

// expectedReplyTo is the reason for a reply-to that is none of the three.
const expectedReplyTo = "expected an email address, an @handle or an https:// link"

// ParseReplyTo is the one rule for a reply-to, in every channel: an email
// address (a bare address net/mail parses, with a dotted domain), an
// @handle (letters, digits, "_", "." or "-" after the "@", optionally
// "@" and a dotted domain, as on the fediverse), or an http(s) URL with a
// dotted host. s is sanitised text. It returns the kind, or ReplyInvalid
// and a short reason naming what was expected.
func ParseReplyTo(s string) (ReplyKind, string) {
	switch {
	case strings.ContainsFunc(s, DefaultIgnorable):
		return ReplyInvalid, "has invisible characters; " + expectedReplyTo
	case strings.HasPrefix(s, "@"):
		name, domain, fediverse := strings.Cut(s[1:], "@")
		if !handleName(name) || fediverse && !dottedDomain(domain) {
			return ReplyInvalid, "a handle is @ then letters, digits, _ . or -, like @jane"
		}
		return ReplyHandle, ""
	case strings.Contains(s, "://"):
		if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") ||
			u.User != nil || !dottedDomain(u.Hostname()) || strings.ContainsAny(s, " <>\"\\") {
			return ReplyInvalid, "a link must be http:// or https:// and a site, like https://example.com/jane"
		}
		return ReplyURL, ""
	case strings.Index(s, "@") > 0:
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			return ReplyInvalid, "not an email address (like jane@example.com)"
		}
		if !dottedDomain(s[strings.LastIndex(s, "@")+1:]) {
			return ReplyInvalid, "the email address needs a full domain, like jane@example.com"
		}
		return ReplyEmail, ""
	}
	return ReplyInvalid, expectedReplyTo
}

// ReplyLink is where a link to reply-to s goes (mailto: for an email, the
// URL for a URL), or "" for a handle and for anything that doesn't pass
// ParseReplyTo: only what passed is ever a link.
func ReplyLink(s string) string {
	switch kind, _ := ParseReplyTo(s); kind {
	case ReplyEmail:
		return "mailto:" + url.PathEscape(s)
	case ReplyURL:
		u, _ := url.Parse(s)
		return u.String()
	}
	return ""
}

// handleName: one or more letters, digits, marks, "_", "." or "-", with a
// letter or digit among them.
func handleName(s string) bool {
	alnum := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum = true
		case unicode.IsMark(r) || r == '_' || r == '.' || r == '-':
		default:
			return false
		}
	}
	return alnum
}

// dottedDomain: labels of letters, digits and "-", at least two, none
// empty ("example.com", "例え.jp"; not "gmail", "a..b" or "[1.2.3.4]").
func dottedDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '-' {
				return false
			}
		}
	}
	return true
}
