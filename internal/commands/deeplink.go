package commands

import "github.com/pragyamugale/portfolio/content"

// DeepLink tells whether a command line, run with a terminal, should open
// the full app at a page instead of printing text: `ssh -t host projects
// notelytix` lands on that case study. page is "about", "skills",
// "projects" or "contact"; project is a slug or "". Anything else (flags,
// help, version, unknown words) is not a deep link and runs as a command.
func DeepLink(pf *content.Portfolio, args []string) (page, project string, ok bool) {
	switch {
	case len(args) == 1 && (args[0] == "about" || args[0] == "skills" || args[0] == "projects" || args[0] == "contact"):
		return args[0], "", true
	case len(args) == 2 && args[0] == "projects":
		p, err := FindProject(pf, args[1])
		if err != nil {
			return "", "", false
		}
		return "projects", p.Slug, true
	}
	return "", "", false
}
