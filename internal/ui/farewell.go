package ui

import (
	"strings"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/resume"
)

// Farewell is what a visitor who quits keeps in their scrollback, in three
// lines: thanks and the command to come back, how to get in touch (the
// owner's links, or the contact page), and how to save the CV. sshCommand is how visitors
// connect, e.g. "ssh portfolio.example.com". The text is plain: it is
// printed after the screen is restored, outside the program.
func Farewell(pf *content.Portfolio, sshCommand string) string {
	var reach []string
	for _, l := range pf.Profile.Links {
		reach = append(reach, l.Label+" "+l.URL)
	}
	// "ssh -t host contact" opens the app on the contact form.
	reach = append(reach, strings.Replace(sshCommand, "ssh ", "ssh -t ", 1)+" contact")
	return "Thanks for visiting. Come back any time: " + sshCommand + "\n" +
		"Get in touch with " + pf.Profile.FirstName() + ": " + strings.Join(reach, " · ") + "\n" +
		"CV: " + resume.Command(sshCommand)
}
