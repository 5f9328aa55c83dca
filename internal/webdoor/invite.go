package webdoor

import (
	"net/http"
	"sync"
	"time"

	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/web"
)

// webVisitIdle ends an invitation's web visit: pages of the same code
// less than this apart are one visit, and the time between them is the
// time on the first. (The code is personal, so it identifies the visit
// without a cookie.)
const webVisitIdle = 30 * time.Minute

// webVisits follows the invitations' visits to the web page, by code.
// Only known codes get an entry, so it holds at most one per invitation.
type webVisits struct {
	mu sync.Mutex
	m  map[string]*webVisit
}

type webVisit struct {
	v    *invite.Visit
	last time.Time
}

// invitation is web.Options.Invite: it resolves the code of an
// invitation's path and, for a known one, counts the page in its web
// visit (a new one after webVisitIdle).
func (d *door) invitation(r *http.Request, code string) *web.Invitation {
	inv := d.o.Invites.Resolve(r.Context(), code)
	if inv == nil {
		return nil
	}
	return &web.Invitation{
		Greeting: inv.Greeting,
		Label:    inv.Label,
		View:     func(page string) { d.webVisits.view(d.o.Invites, inv, page, time.Now()) },
		Messaged: func() { d.webVisits.messaged(inv.Code) },
	}
}

// view counts page in inv's web visit.
func (w *webVisits) view(t *invite.Tracker, inv *invite.Invitation, page string, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]*webVisit{}
	}
	// Visits left idle end without the time on their last page, which
	// no one can tell.
	for code, e := range w.m {
		if now.Sub(e.last) >= webVisitIdle {
			e.v.Abandon()
			delete(w.m, code)
		}
	}
	e := w.m[inv.Code]
	if e == nil {
		e = &webVisit{v: t.Begin(inv, invite.ChannelWeb)}
		w.m[inv.Code] = e
	}
	e.last = now
	e.v.View(page)
}

// messaged counts a message in the code's web visit.
func (w *webVisits) messaged(code string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e := w.m[code]; e != nil {
		e.v.Messaged()
	}
}
