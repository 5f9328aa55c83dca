package web

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// maxForm bounds a posted form: the longest message (2,000 characters of
// up to 4 bytes, percent-encoded) and the other fields fit with room.
const maxForm = 64 << 10

// formView is the contact form as shown: what the visitor typed, and why
// it was refused.
type formView struct {
	Name, ReplyTo, Message string
	Err                    map[string]string // by field: "name", "reply_to", "message"
	Problem                string            // about the whole form
}

// ReplyHint says what a reply-to may be: the inbox's rule, worded as the
// terminal form's placeholder words it.
func (formView) ReplyHint() string { return inbox.ReplyToHint }

// MaxMessage is the message's limit in characters as the inbox counts
// them (inbox.Length). The form sets no maxlength: a browser counts UTF-16
// units (an emoji is two), so it would refuse what the inbox accepts; the
// server checks the limit and, past it, says so and keeps the text.
func (formView) MaxMessage() int { return inbox.MaxMessage }

// contactForm serves GET /contact: the form on its own page (also where a
// refused form is shown again).
func (h *handler) contactForm(w http.ResponseWriter, _ *http.Request) {
	h.writeContact(w, http.StatusOK, formView{})
}

func (h *handler) writeContact(w http.ResponseWriter, status int, f formView) {
	h.writePage(w, status, "contact", &page{Title: h.contact.Heading + " · " + h.site.Name,
		Description: h.o.Portfolio.Profile.Tagline, OGType: "website", Contact: h.contact, Form: f})
}

// submit serves POST /contact: the form through the inbox service, then
// a redirect to the thank-you page (so reloading it sends nothing again).
// A refused form comes back with every field as typed and the reasons.
func (h *handler) submit(w http.ResponseWriter, r *http.Request) {
	if err := h.sameOrigin(r); err != nil {
		h.log.Warn("web form refused", "remote", h.clientIP(r), "reason", err)
		h.writeProblem(w, &problem{Code: http.StatusForbidden, Heading: "Not sent",
			Text: "This form was sent from another site, so it was not accepted. To write a message, use the form on this site's own page."})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		code, text := http.StatusBadRequest, "The form could not be read. Please try again."
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			code, text = http.StatusRequestEntityTooLarge, fmt.Sprintf("The form is much larger than any message can be (up to %d characters). Go back to shorten it: your browser keeps what you wrote.", inbox.MaxMessage)
		}
		h.writeProblem(w, &problem{Code: code, Heading: "Not sent", Text: text})
		return
	}
	f := formView{Name: r.PostForm.Get("name"), ReplyTo: r.PostForm.Get("reply_to"), Message: r.PostForm.Get("message")}
	if r.PostForm.Get("website") != "" {
		// Only bots fill the field people can't see: thank them and
		// store nothing.
		h.log.Info("web form honeypot filled", "remote", h.clientIP(r))
		http.Redirect(w, r, "/contact/sent", http.StatusSeeOther)
		return
	}
	rec, err := h.o.Submit(inbox.Submission{Name: f.Name, ReplyTo: f.ReplyTo, Message: f.Message,
		Remote: h.clientIP(r), Via: inbox.ViaWeb})
	if err == nil {
		http.Redirect(w, r, "/contact/sent?id="+url.QueryEscape(rec.ID), http.StatusSeeOther)
		return
	}
	status := http.StatusInternalServerError
	var ve inbox.ValidationError
	var rl *inbox.RateLimitError
	var busy *inbox.BusyError
	switch {
	case errors.As(err, &ve):
		status = http.StatusUnprocessableEntity
		f.Err = map[string]string{}
		for _, fe := range ve {
			f.Err[fe.Field] = fieldReason(fe)
		}
		f.Problem = "Please check the fields marked below."
	case errors.As(err, &rl):
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
		f.Problem = "That's the limit for now: you have sent several messages in the last hour. Please try again in " + inbox.Wait(rl.RetryAfter) + "."
	case errors.As(err, &busy):
		// A limit shared with others (the hourly total): no time to come
		// back, which would tell when others wrote.
		status = http.StatusServiceUnavailable
		f.Problem = busy.Sentence() + " What you wrote is still below."
	case errors.Is(err, inbox.ErrStorage):
		status = http.StatusServiceUnavailable
		f.Problem = "Your message couldn't be saved just now. Please try again in a few minutes; what you wrote is still below."
	default:
		f.Problem = "Something went wrong. Please try again; what you wrote is still below."
	}
	h.writeContact(w, status, f)
}

// fieldReason is a rejected field's reason as a sentence.
func fieldReason(fe inbox.FieldError) string {
	if fe.Reason == "required" {
		return "Please fill this in."
	}
	r := []rune(fe.Reason)
	if len(r) > 0 && r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r) + "."
}

// sentID is what a message id looks like; anything else in the thank-you
// page's address is not shown.
var sentID = regexp.MustCompile(`^[a-z0-9]{1,32}$`)

// sent serves the thank-you page.
func (h *handler) sent(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if !sentID.MatchString(id) {
		id = ""
	}
	h.writePage(w, http.StatusOK, "sent", &page{Title: "Thank you · " + h.site.Name,
		Description: h.o.Portfolio.Profile.Tagline, OGType: "website", Sent: id})
}

// sameOrigin refuses a form posted from another site: by Sec-Fetch-Site
// or Origin (net/http's CrossOriginProtection), and for a browser that
// sends neither, by Referer. A request with none of the three comes from
// no browser (curl, a script), which cross-site request forgery needs.
func (h *handler) sameOrigin(r *http.Request) error {
	if err := h.protector.Check(r); err != nil {
		return err
	}
	if r.Header.Get("Sec-Fetch-Site") != "" || r.Header.Get("Origin") != "" {
		return nil
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err != nil || u.Host != r.Host {
			return errors.New("cross-origin request (Referer)")
		}
	}
	return nil
}

// clientIP is the visitor's address, for limits and the stored record.
func (h *handler) clientIP(r *http.Request) string { return ClientIP(r, h.o.TrustFlyClientIP) }

// ClientIP is a web visitor's address: the TCP peer, or the Fly-Client-IP
// header (when it holds an address) if trustFly says Fly's proxy sets it.
func ClientIP(r *http.Request, trustFly bool) string {
	if trustFly {
		if a, err := netip.ParseAddr(r.Header.Get("Fly-Client-IP")); err == nil {
			return a.Unmap().String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
