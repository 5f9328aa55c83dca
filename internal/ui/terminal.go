package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/theme"
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

// BackgroundFor is the background a visitor's session environment tells:
// COLORFGBG ("fg;bg", as rxvt, Konsole and others set it, and as a visitor
// can send it: ssh -o SetEnv=COLORFGBG=0;15), whose last field is the
// background's ANSI colour: 0–6 and 8 are dark, 7 and 9–15 light. Without
// it, or with something else in it, the background is Unknown. environ is
// the session's, never the server's own.
func BackgroundFor(environ []string) theme.Background {
	var v string
	for _, e := range environ {
		if s, ok := strings.CutPrefix(e, "COLORFGBG="); ok {
			v = s // the last one wins, as in a shell
		}
	}
	if v == "" {
		return theme.Unknown
	}
	f := v[strings.LastIndexByte(v, ';')+1:]
	bg, err := strconv.Atoi(f)
	switch {
	case err != nil || bg < 0 || bg > 15 || !strings.Contains(v, ";"):
		return theme.Unknown
	case bg <= 6 || bg == 8:
		return theme.Dark
	}
	return theme.Light
}

// Browser is the TERM_PROGRAM the web terminal sets: the session is a
// browser's xterm.js, not an SSH client.
const Browser = "portfolio-web"

// InBrowser reports whether a session's environment is the web
// terminal's (see Browser).
func InBrowser(environ []string) bool {
	for _, e := range environ {
		if e == "TERM_PROGRAM="+Browser {
			return true
		}
	}
	return false
}
