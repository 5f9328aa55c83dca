package server

import (
	"slices"
	"strings"

	"charm.land/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/commands"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/visit"
)

// visitStatsKey holds a session's *stats.Session in its context.
var visitStatsKey = &struct{ name string }{"visit-stats"}

// countVisit counts a session as a visit, through the full-screen app
// (tui) or as text (commands, ssh -T), and returns the statistics session
// that counts its page views; End it when the session ends. The owner's
// own sessions are not counted.
func (s *Server) countVisit(sess ssh.Session) *stats.Session {
	if s.isOwner(sess) {
		return nil
	}
	v := stats.Visit{
		Channel:  stats.ChannelText,
		IP:       remoteIP(sess.RemoteAddr()),
		Software: string(sess.Context().ClientVersion()),
	}
	if _, tui := s.uiPage(sess); tui {
		pty, _, _ := sess.Pty()
		v.Channel, v.Width, v.Height = stats.ChannelTUI, pty.Window.Width, pty.Window.Height
		v.Color = stats.ColorBucket(visit.Profile(sess.Environ(), pty.Term))
	}
	vs := s.stats.Visit(v)
	sess.Context().SetValue(visitStatsKey, vs)
	if v.Channel == stats.ChannelText {
		s.stats.CountView(textPage(s.content.Load(), sess))
	}
	return vs
}

// textPage is the page a command shows as text ("about", "projects
// notelytix" → "projects/notelytix", "contact --name Ana" → "contact"), or
// "" for anything else (the whole portfolio, help, typos).
func textPage(pf *content.Portfolio, sess ssh.Session) string {
	args, err := commandArgs(sess)
	if err != nil {
		return ""
	}
	// The page is the command and, for a case study, its slug; flags
	// (--json, the contact form's --name…) don't change it.
	if i := slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "-") }); i >= 0 {
		args = args[:i]
	}
	page, project, ok := commands.DeepLink(pf, args[:min(len(args), 2)])
	switch {
	case !ok:
		return ""
	case project != "":
		return page + "/" + project
	}
	return page
}

// viewsOf is the UI's OnView for a session: it counts the pages shown.
func viewsOf(sess ssh.Session) func(page string) {
	return func(page string) {
		vs, _ := sess.Context().Value(visitStatsKey).(*stats.Session)
		vs.View(page)
	}
}
