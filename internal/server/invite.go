package server

import (
	"fmt"
	"io"

	"charm.land/ssh"

	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/ui"
)

// inviteCommand is `ssh host invite …`: the owner's invitations over SSH
// (on Fly.io the owner has no shell in the image), the same command as
// `portfolio invite` on the machine. Only for a session authenticated
// with an owner key; anyone else is refused in one line.
func (s *Server) inviteCommand(sess ssh.Session, args []string, stdout, stderr io.Writer) int {
	if !s.isOwner(sess) || s.invites == nil {
		fmt.Fprint(stderr, "invite: only the owner can manage invitations (connect with an owner key).\n")
		return 1
	}
	a := s.publicAddr()
	return invite.Command(sess.Context(), invite.Env{
		Store:  s.invites,
		Links:  invite.Links{Host: a.host, Port: a.port, WebBase: "https://" + a.host, Fingerprint: s.hostKey.Fingerprint},
		Stdout: stdout,
		Stderr: stderr,
		Title:  func(page string) string { return ui.PageTitle(s.content.Load(), page) },
	}, args)
}
