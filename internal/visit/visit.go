// Package visit runs a visitor's UI for either door: the SSH server
// (server/) and the browser's live terminal (web/, through webterm) hand
// it their [host.Terminal] and what they know of the visitor, and it does
// the rest the same way for both: the UI's options (page, colours,
// hyperlinks, contact form, the owner's pages), the address's input
// budget, the first-frame cache key, the visit on the host, and the
// sorting and logging of how it ended.
package visit

import (
	"context"
	"errors"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/charmbracelet/colorprofile"
	"golang.org/x/time/rate"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/commands"
	"github.com/pragyamugale/portfolio/internal/host"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/theme"
	"github.com/pragyamugale/portfolio/internal/ui"
)

// Config is what every visit shares.
type Config struct {
	Host *host.Host
	// Content is the portfolio served, read at each visit's start; an
	// open visit sees a newer one when its visitor next changes page.
	Content *content.Live
	Logger  *log.Logger
	// Submit stores the contact form's messages; nil hides the form.
	Submit *Submitter
	// Owner and Stats are the owner's Inbox and Stats pages, for visits
	// the door says are the owner's.
	Owner ui.InboxSource
	Stats *stats.Stats
	// Subscribe, if set, wakes the owner's open Inbox when messages
	// change (see watchInbox).
	Subscribe func() (<-chan struct{}, func())
	// Invites resolves invitation codes (nil: none).
	Invites *invite.Tracker
}

// Runner runs visits. One runner serves both doors, so they share one
// input budget per address and one host.
type Runner struct {
	cfg     Config
	budgets eventBudgets
}

// New makes the runner.
func New(cfg Config) *Runner { return &Runner{cfg: cfg} }

// Host is the host the visits run on.
func (r *Runner) Host() *host.Host { return r.cfg.Host }

// Page is where a visit opens: a section and, for a case study, its slug.
type Page struct {
	Section ui.Section
	Project string
}

// PageOf is the page a deep link opens ("projects notelytix"), the About
// page for none, and false for words that aren't a page.
func (r *Runner) PageOf(args []string) (Page, bool) {
	if len(args) == 0 {
		return Page{Section: ui.SectionAbout}, true
	}
	page, project, ok := commands.DeepLink(r.cfg.Content.Load(), args)
	return Page{Section: pageSections[page], Project: project}, ok
}

// pageSections maps deep-link page names to UI sections.
var pageSections = map[string]ui.Section{
	"about": ui.SectionAbout, "skills": ui.SectionSkills,
	"projects": ui.SectionProjects, "contact": ui.SectionContact,
}

// Request is one visit as a door sees it.
type Request struct {
	Term host.Terminal
	// Env and TERM are the terminal's environment and type, for its
	// colour profile and hyperlinks (a browser's: xterm-256color).
	Env  []string
	TERM string
	Page Page
	// Remote is the visitor's address (no port); Fingerprint their SSH
	// key's, if any; Via the way their messages come (inbox.Via*).
	Remote, Fingerprint, Via string
	// Owner gives the visit the owner's Inbox and Stats pages.
	Owner bool
	// CV is how to save the owner's CV, for the first screen
	// (resume.Command of the door's SSH command).
	CV string
	// OnView hears of each page shown (a door that counts the visit
	// itself); Stats, if set instead, is counted here with the terminal's
	// size and colours, and ended with the visit.
	OnView func(page string)
	Stats  *stats.Visit
	// Invite is the visit through an invitation (see Runner.Invite), nil
	// for an ordinary one: the first screen greets, the footer says the
	// link is personal, pages read and messages sent are counted for it,
	// and it is ended with the visit.
	Invite *invite.Visit
}

// Invite resolves a code (an SSH user name, a web path's) and begins a
// visit through its invitation by channel: nil for an unknown, revoked or
// malformed code, which gets the ordinary portfolio with nothing
// recorded. The owner's own sessions are never counted (owner true).
func (r *Runner) Invite(ctx context.Context, code, channel string, owner bool) *invite.Visit {
	inv := r.cfg.Invites.Resolve(ctx, code)
	if owner {
		return nil
	}
	return r.cfg.Invites.Begin(inv, channel)
}

// Result is how a visit ended.
type Result struct {
	Err error
	// Quit: the visitor left by the UI's own quit key.
	Quit bool
	// Panic: the UI panicked (Bubble Tea restored the terminal and wrote
	// the stack to stderr); the door owes the visitor an apology.
	Panic bool
}

// Profile is the colour profile of a terminal of type term with env.
func Profile(env []string, term string) colorprofile.Profile { return ui.ProfileFor(env, term) }

// Options are the UI's options for req.
func (r *Runner) Options(req Request) ui.Options {
	profile := Profile(req.Env, req.TERM)
	opts := ui.Options{
		Section:    req.Page.Section,
		Project:    req.Page.Project,
		Profile:    profile,
		Background: ui.BackgroundFor(req.Env),
		Browser:    ui.InBrowser(req.Env),
		Hyperlinks: ui.HyperlinksFor(profile, req.TERM),
		OnView:     req.OnView,
		CV:         req.CV,
	}
	if r.cfg.Submit != nil {
		opts.Submit = r.cfg.Submit.ForInvite(req.Remote, req.Fingerprint, req.Via, req.Invite)
	}
	if inv := req.Invite.Invitation(); inv != nil {
		opts.Greeting, opts.Personal = inv.Greeting, true
	}
	if req.Owner {
		opts.Inbox, opts.Stats = r.cfg.Owner, r.cfg.Stats
		if r.cfg.Invites != nil {
			opts.Invitations = r.cfg.Invites.List
		}
	}
	return opts
}

// Run runs req's visit until it ends. ctx ends the owner's inbox watch
// (the visit itself ends with its terminal, or the host's shutdown).
func (r *Runner) Run(ctx context.Context, req Request) Result {
	opts := r.Options(req)
	if req.Stats != nil && r.cfg.Stats != nil {
		v := *req.Stats
		sz := req.Term.Size()
		v.Width, v.Height, v.Color = sz.Width, sz.Height, stats.ColorBucket(opts.Profile)
		vs := r.cfg.Stats.Visit(v)
		defer vs.End()
		opts.OnView = vs.View
	}
	if iv := req.Invite; iv != nil {
		defer iv.End()
		counted := opts.OnView
		opts.OnView = func(page string) {
			if counted != nil {
				counted(page)
			}
			iv.View(page)
		}
	}
	addr := inbox.LimitKey(req.Remote)
	events := r.budgets.acquire(addr)
	defer r.budgets.release(addr)
	pf := r.cfg.Content.Load()
	opts.Content = r.cfg.Content.Load
	model := ui.New(pf, opts)
	v := r.cfg.Host.NewVisit(req.Term, model, host.Options{
		FirstFrame: firstScreen(pf, opts),
		Profile:    opts.Profile,
		Events:     events,
	})
	if opts.Inbox != nil && r.cfg.Subscribe != nil {
		// The owner's open Inbox shows new messages as they are stored.
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go r.watchInbox(ctx, v.Send)
	}
	err := v.Run()
	res := Result{Err: err, Quit: err == nil && model.Quit(), Panic: errors.Is(err, tea.ErrProgramPanic)}
	r.logEnd(req.Remote, err)
	return res
}

// logEnd sorts how a visit ended into the log: a panic is an error, a
// visitor whose client stopped reading is news, the rest is debug.
func (r *Runner) logEnd(remote string, err error) {
	switch {
	case err == nil:
	case errors.Is(err, tea.ErrProgramPanic):
		r.cfg.Logger.Error("ui panic", "remote", remote)
	case errors.Is(err, host.ErrOutputStuck):
		r.cfg.Logger.Info("ui ended", "remote", remote, "why", err.Error())
	case !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled):
		r.cfg.Logger.Debug("ui ended", "remote", remote, "err", Quote(err.Error()))
	}
}

// watchInbox tells an owner's UI about every message stored, until ctx
// ends: send delivers ui.InboxChangedMsg (the UI host's Send, which wakes
// a sleeping program), and the open Inbox reads its page again. Bursts
// coalesce; a slow send never holds up a visitor's message.
func (r *Runner) watchInbox(ctx context.Context, send func(tea.Msg)) {
	changed, stop := r.cfg.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			send(ui.InboxChangedMsg{})
		}
	}
}

// firstScreen is the host's key for a visitor's first screen, or nil when
// it is their own: the About page is the same for every visitor with the
// same theme and the same form, a deep link or the owner's Inbox isn't.
func firstScreen(pf *content.Portfolio, o ui.Options) any {
	if o.Section != ui.SectionAbout || o.Project != "" || o.Inbox != nil {
		return nil
	}
	// The portfolio too: servers with other content may share a process
	// (tests do), and so the host's cache.
	if o.Greeting != "" || o.Personal {
		return nil // an invitation's: its own
	}
	return struct {
		pf                        *content.Portfolio
		bg                        theme.Background
		form, hyperlinks, browser bool
		cv                        string
	}{pf, o.Background, o.Submit != nil, o.Hyperlinks, o.Browser, o.CV}
}

// eventBudgets gives the UI sessions of one address (IPv6 by /64) one
// event budget between them, whichever door they came through: a visitor
// who opens five sessions to stream keys gets the Updates of one.
type eventBudgets struct {
	mu sync.Mutex
	m  map[string]*eventBudget
}

type eventBudget struct {
	events   *rate.Limiter
	sessions int
}

// acquire is addr's budget, shared with its other sessions.
func (b *eventBudgets) acquire(addr string) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]*eventBudget{}
	}
	e := b.m[addr]
	if e == nil {
		e = &eventBudget{events: host.NewEventBudget()}
		b.m[addr] = e
	}
	e.sessions++
	return e.events
}

// release forgets addr's budget with its last session.
func (b *eventBudgets) release(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.m[addr]; e != nil {
		if e.sessions--; e.sessions <= 0 {
			delete(b.m, addr)
		}
	}
}

// MaxCols and MaxRows bound a visitor's window at every door: the
// renderer keeps cells for the whole window, so a 65535×65535 "terminal"
// would cost gigabytes.
const MaxCols, MaxRows = 300, 100

// Clamp bounds a window size to MaxCols×MaxRows.
func Clamp(sz host.Size) host.Size {
	return host.Size{Width: min(sz.Width, MaxCols), Height: min(sz.Height, MaxRows)}
}
