package notify

import (
	"context"
	"errors"
	"mime"
	"net/url"
	"strings"
	"sync"

	"github.com/nicholas-fedor/shoutrrr/pkg/router"
	"github.com/nicholas-fedor/shoutrrr/pkg/types"
)

// shoutrrrService sends through one shoutrrr service.
type shoutrrrService struct {
	name    string
	secrets []string
	// mu serialises sends: a shoutrrr service isn't documented as safe
	// for concurrent use, and a send abandoned at its deadline may still
	// be running when the next starts.
	mu  sync.Mutex
	svc types.Service
}

func newShoutrrr(raw string, u *url.URL) (*shoutrrrService, error) {
	secrets := secretsOf(raw)
	// A router without a logger: shoutrrr would log the URLs it parses.
	var r router.ServiceRouter
	svc, err := r.Locate(raw)
	if err != nil {
		return nil, scrub(err, secrets)
	}
	name, _, _ := r.ExtractServiceName(raw)
	if name == "" {
		name = u.Scheme
	}
	return &shoutrrrService{name: name, secrets: secrets, svc: svc}, nil
}

func (s *shoutrrrService) Name() string { return s.name }

// Send runs the library's Send, which takes no context, in a goroutine and
// stops waiting for it when ctx ends.
func (s *shoutrrrService) Send(ctx context.Context, n Note) error {
	title, body, params := n.Title, n.Body, types.Params{}
	// The visitor's words are text: each service gets them escaped for
	// its markup, so they can't add links, mentions or formatting.
	switch s.name {
	case "smtp":
		// A mail header is ASCII: RFC 2047 for a visitor's name in "山田".
		title = mime.QEncoding.Encode("utf-8", title)
	case "telegram":
		// With no parse mode and a title, shoutrrr sends HTML and escapes
		// both; a parse mode in the owner's URL would send the text raw.
		params["parsemode"] = "None"
	case "slack":
		title, body = slackEscaper.Replace(title), slackEscaper.Replace(body)
	case "discord":
		title, body = discordEscaper.Replace(title), discordEscaper.Replace(body)
	}
	params[types.TitleKey] = title
	done := make(chan error, 1)
	go func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if ctx.Err() != nil { // gave up while an earlier send held the lock
			done <- ctx.Err()
			return
		}
		done <- s.svc.Send(body, &params)
	}()
	select {
	case err := <-done:
		return scrub(err, s.secrets)
	case <-ctx.Done():
		return errors.New(s.name + ": no answer in time")
	}
}

var (
	// slackEscaper escapes what Slack's mrkdwn reads as markup
	// (https://api.slack.com/reference/surfaces/formatting#escaping).
	slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	// discordEscaper escapes Discord's Markdown (escapes don't show once
	// rendered) and breaks mass mentions ("@everyone" would notify a whole
	// server) with a zero-width space.
	discordEscaper = strings.NewReplacer(
		`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, "<", `\<`,
		">", `\>`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", `\#`, "-", `\-`,
		"@everyone", "@\u200beveryone", "@here", "@\u200bhere",
	)
)
