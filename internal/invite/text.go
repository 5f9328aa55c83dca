package invite

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
)

// Links is where an invitation leads: the SSH door (host and port), the
// web page's base URL, and the host key's fingerprint for the visitor to
// check.
type Links struct {
	Host        string // e.g. portfolio.example.com
	Port        int    // 22 unless said
	WebBase     string // e.g. https://portfolio.example.com (no slash at the end)
	Fingerprint string // SHA256:…
}

// SSH is the command a visitor types: "ssh CODE@host" (with -p off 22).
func (l Links) SSH(code string) string {
	if l.Port != 0 && l.Port != 22 {
		return "ssh -p " + strconv.Itoa(l.Port) + " " + code + "@" + l.Host
	}
	return "ssh " + code + "@" + l.Host
}

// Web is the invitation's web link.
func (l Links) Web(code string) string { return strings.TrimSuffix(l.WebBase, "/") + "/i/" + code }

// PasteText is the block for a plain-text email or cover letter.
func (l Links) PasteText(inv Invitation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "My portfolio, in your browser: %s\n", l.Web(inv.Code))
	fmt.Fprintf(&b, "or in your terminal: %s\n", l.SSH(inv.Code))
	if l.Fingerprint != "" {
		fmt.Fprintf(&b, "(the server's key fingerprint: %s)\n", l.Fingerprint)
	}
	return b.String()
}

// PasteHTML is the same block as HTML, for a rich-text email.
func (l Links) PasteHTML(inv Invitation) string {
	web, ssh := html.EscapeString(l.Web(inv.Code)), html.EscapeString(l.SSH(inv.Code))
	var b strings.Builder
	fmt.Fprintf(&b, "<p>My portfolio, in your browser: <a href=\"%s\">%s</a><br>\n", web, web)
	fmt.Fprintf(&b, "or in your terminal: <code>%s</code>", ssh)
	if l.Fingerprint != "" {
		fmt.Fprintf(&b, "<br>\n<small>(the server's key fingerprint: <code>%s</code>)</small>", html.EscapeString(l.Fingerprint))
	}
	b.WriteString("</p>\n")
	return b.String()
}

// Created is what `invite add` prints.
func (l Links) Created(inv Invitation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Invitation %q created.\n\n", inv.Label)
	fmt.Fprintf(&b, "  SSH: %s\n  Web: %s\n", l.SSH(inv.Code), l.Web(inv.Code))
	if inv.Greeting != "" {
		fmt.Fprintf(&b, "  Greeting: %s\n", inv.Greeting)
	}
	b.WriteString("\nTo paste (plain text):\n\n")
	b.WriteString(l.PasteText(inv))
	b.WriteString("\nTo paste (HTML):\n\n")
	b.WriteString(l.PasteHTML(inv))
	return b.String()
}

// Status is one invitation's state in a word or a few.
func Status(inv Invitation) string {
	switch {
	case inv.Revoked != nil:
		return "revoked " + inv.Revoked.UTC().Format(time.DateOnly)
	case inv.FirstOpened == nil:
		return "not opened"
	}
	return "opened " + inv.FirstOpened.UTC().Format("2006-01-02 15:04") + " " + ChannelName(inv.FirstChannel)
}

// ListText is `invite list`: one invitation a line.
func ListText(all []Invitation) string {
	if len(all) == 0 {
		return "No invitations yet. Create one: portfolio invite add \"Acme — Staff Backend\"\n"
	}
	var b strings.Builder
	for _, inv := range all {
		fmt.Fprintf(&b, "%s  %-32s  %s · %d visits · %d messages\n", inv.Code, inv.Label, Status(inv), inv.Visits, inv.Messages)
	}
	return b.String()
}

// ShowText is `invite show`: the invitation, its links and what was read.
func (l Links) ShowText(inv Invitation, title func(string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", inv.Label)
	fmt.Fprintf(&b, "  Code:     %s\n  SSH:      %s\n  Web:      %s\n", inv.Code, l.SSH(inv.Code), l.Web(inv.Code))
	if inv.Greeting != "" {
		fmt.Fprintf(&b, "  Greeting: %s\n", inv.Greeting)
	}
	fmt.Fprintf(&b, "  Created:  %s\n  Status:   %s\n", inv.Created.UTC().Format("2006-01-02 15:04"), Status(inv))
	if inv.LastOpened != nil {
		fmt.Fprintf(&b, "  Last:     %s\n", inv.LastOpened.UTC().Format("2006-01-02 15:04"))
	}
	fmt.Fprintf(&b, "  Visits:   %d\n  Messages: %d\n", inv.Visits, inv.Messages)
	if len(inv.Reads) > 0 {
		b.WriteString("  Read:\n")
		for _, r := range inv.Reads {
			fmt.Fprintf(&b, "    %-28s %s (%d views)\n", title(r.Page), Duration(time.Duration(r.Seconds)*time.Second), r.Views)
		}
	}
	return b.String()
}
