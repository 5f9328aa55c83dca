package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/ui"
)

// submitFor returns the contact form's SubmitFunc for one session: it adds
// who is sending (client IP, key fingerprint). The inbox service validates,
// limits, stores and logs.
func (s *Server) submitFor(sess ssh.Session) ui.SubmitFunc {
	ip, fp := remoteIP(sess.RemoteAddr()), visitorOf(sess).Fingerprint
	return func(sub inbox.Submission) (inbox.Receipt, error) {
		sub.Remote, sub.Fingerprint = ip, fp
		return s.storeMessage(sub)
	}
}

// submitWait is how long a visitor waits for the store at most, in every
// channel: well inside the HTTP server's write timeout (httpWriteTimeout)
// and any proxy's, so a slow store (a locked table, a stuck disk, both
// bounded by inbox.WriteTimeout themselves) gets a page saying "couldn't
// be saved, please try again", with the text kept, never an empty reply.
const submitWait = 4 * time.Second

// errSubmitWait is the cause when the store didn't answer in submitWait.
var errSubmitWait = fmt.Errorf("%w: the store did not answer within the wait", inbox.ErrStorage)

// storeMessage hands a message from any form (SSH or web) to the inbox
// service, counted in the metrics and in flight for a graceful shutdown.
// It returns within Config.submitWait (default submitWait): past it the
// visitor is told the message couldn't be saved, while the write goes on
// until the store's own timeout. If it lands after all, the message is
// stored, and the visitor's retry of the same text finds it (the
// duplicate check) and gets its receipt: nothing is stored twice.
func (s *Server) storeMessage(sub inbox.Submission) (inbox.Receipt, error) {
	type result struct {
		r     inbox.Receipt
		err   error
		panic any // the store's panic, raised again on the caller's goroutine
	}
	done := make(chan result, 1)
	// Counted so a shutdown waits for a message being stored.
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Add(-1)
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		r, err := s.inbox.Submit(sub)
		switch {
		case err == nil && !r.Duplicate:
			s.metrics.stored.Inc()
			s.stats.Message()
		case errors.Is(err, inbox.ErrStorage):
			s.metrics.storageErrors.Inc()
		}
		done <- result{r: r, err: err}
	}()
	wait := s.cfg.submitWait
	if wait <= 0 {
		wait = submitWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case res := <-done:
		if res.panic != nil {
			// Where the caller handles it as before (a UI command's
			// panic ends that visit; net/http recovers a request's).
			panic(res.panic)
		}
		return res.r, res.err
	case <-t.C:
		s.log.Warn("message store slow: visitor told to try again", "wait", wait, "remote", sub.Remote)
		return inbox.Receipt{}, errSubmitWait
	}
}

// elsewhere lists the owner's links, offered to a visitor when the inbox
// is busy: "GitHub (https://github.com/…)", an email address bare.
func elsewhere(pf *content.Portfolio) []string {
	var out []string
	for _, l := range pf.Profile.Links {
		target, _ := strings.CutPrefix(l.URL, "mailto:")
		if l.Label == "" || l.Label == target {
			out = append(out, target)
			continue
		}
		out = append(out, l.Label+" ("+target+")")
	}
	return out
}

// remoteIP is the client's address without the port.
func remoteIP(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// ownerKeys is the set of public keys allowed to read the inbox.
type ownerKeys map[string]bool

// loadOwnerKeys reads an authorized_keys file. A missing or unreadable file
// is an error at start-up, not a silently empty set.
func loadOwnerKeys(path string) (ownerKeys, error) {
	keys := ownerKeys{}
	if path == "" {
		return keys, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--owner-keys: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("--owner-keys %s:%d: %w", path, n, err)
		}
		keys[string(k.Marshal())] = true
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--owner-keys %s: no keys in file", path)
	}
	return keys, nil
}

// isOwner reports whether the session authenticated with an owner key. The
// key is the one the session proved it holds, read after authentication.
func (s *Server) isOwner(sess ssh.Session) bool {
	k := sess.PublicKey()
	return k != nil && s.owners[string(k.Marshal())]
}

var _ ui.InboxSource = (*inbox.Mailbox)(nil)

// watchInbox tells an owner's UI about every message stored, until ctx
// ends: send delivers ui.InboxChangedMsg (the UI host's Send, which wakes
// a sleeping program), and the open Inbox reads its page again. Bursts
// coalesce; a slow send never holds up a visitor's message.
func (s *Server) watchInbox(ctx context.Context, send func(tea.Msg)) {
	changed, stop := s.store.Subscribe()
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
