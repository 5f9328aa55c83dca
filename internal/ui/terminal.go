package ui

import (
	"strings"

	"github.com/charmbracelet/colorprofile"
)

// ProfileFor is the colour profile for a visitor's terminal, from their
// session's environment and TERM. It is colorprofile.Env's answer, except
// that plain TERM=xterm gets 256 colours: it is xterm's own default and
// what PuTTY sends, and both have had 256 colours for decades, while the
// terminfo entry still says 8. NO_COLOR and TERM=dumb keep their meaning.
func ProfileFor(environ []string, term string) colorprofile.Profile {
	p := colorprofile.Env(append(environ, "TERM="+term))
	if p == colorprofile.ANSI && term == "xterm" {
		return colorprofile.ANSI256
	}
	return p
}

// HyperlinksFor reports whether links can be made clickable (OSC 8) for a
// terminal: modern emulators show them as links, and the rest ignore the
// sequence, except consoles and multiplexers that print it as garbage or
// mangle it (the Linux console, GNU screen, old hardware terminals), and
// terminals without colour, which get plain text throughout.
func HyperlinksFor(p colorprofile.Profile, term string) bool {
	if p <= colorprofile.Ascii {
		return false
	}
	for _, old := range []string{"dumb", "linux", "screen", "vt", "ansi", "cygwin", "cons", "sun"} {
		if strings.HasPrefix(term, old) {
			return false
		}
	}
	return true
}
