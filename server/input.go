package server

import "time"

// Limits on what a visitor's terminal may send. Terminal input libraries
// buffer an unfinished paste or control string (OSC, DCS…) whole, and
// re-scan it as it grows, so without a cap one visitor streaming
// "ESC [200~" and no end could take the server's memory and a core.
const (
	// maxOpenSequence is the most input accepted inside one bracketed
	// paste or control string: far above the largest message a visitor
	// can send (2,000 characters).
	maxOpenSequence = 64 << 10
	// maxInputPerMinute caps all input: typing and pasting never come
	// near it.
	maxInputPerMinute = 1 << 20
)

// inputGuard watches a visitor's input stream for floods. It follows just
// enough of the escape-sequence grammar to know when a paste or a control
// string is open, and counts the bytes inside it.
type inputGuard struct {
	state      guardState
	open       int // bytes inside the open paste or string
	pasteMatch int // progress through the paste-end marker
	params     [4]byte
	nParams    int // CSI parameter bytes seen, up to len(params)
	window     time.Time
	inWindow   int
}

type guardState uint8

const (
	ground  guardState = iota
	escape             // after ESC
	csi                // ESC [ …, watching for the paste start
	pasting            // inside a bracketed paste
	str                // inside OSC, DCS, SOS, PM or APC
	strEsc             // ESC inside a control string (maybe ST)
)

var pasteEnd = []byte("\x1b[201~")

// feed checks the next chunk of input and reports whether it is too much.
func (g *inputGuard) feed(p []byte, now time.Time) (flood bool) {
	if now.Sub(g.window) > time.Minute {
		g.window, g.inWindow = now, 0
	}
	g.inWindow += len(p)
	if g.inWindow > maxInputPerMinute {
		return true
	}
	for i := 0; i < len(p); i++ {
		b := p[i]
		switch g.state {
		case ground:
			switch b {
			case 0x1b:
				g.state = escape
			case 0x90, 0x98, 0x9d, 0x9e, 0x9f: // 8-bit DCS, SOS, OSC, PM, APC
				g.state, g.open = str, 0
			}
		case escape:
			switch b {
			case '[':
				g.state, g.open, g.nParams = csi, 0, 0
			case ']', 'P', 'X', '^', '_':
				g.state, g.open = str, 0
			default:
				g.state = ground
			}
		case csi:
			g.open++
			if b >= 0x40 && b <= 0x7e { // final byte
				g.state = ground
				// "ESC [ 200 ~" starts a bracketed paste.
				if b == '~' && string(g.params[:g.nParams]) == "200" {
					g.state, g.open, g.pasteMatch = pasting, 0, 0
				}
			} else if g.nParams < len(g.params) {
				g.params[g.nParams] = b
				g.nParams++
			}
			if g.state == csi && g.open > 64 {
				g.state = ground // not a real CSI; let the parser deal with it
			}
		case pasting:
			g.open++
			if b == pasteEnd[g.pasteMatch] {
				g.pasteMatch++
				if g.pasteMatch == len(pasteEnd) {
					g.state = ground
				}
			} else if b == pasteEnd[0] {
				g.pasteMatch = 1
			} else {
				g.pasteMatch = 0
			}
		case str:
			g.open++
			switch b {
			case 0x07, 0x9c: // BEL or 8-bit ST ends the string
				g.state = ground
			case 0x1b:
				g.state = strEsc
			}
		case strEsc:
			g.open++
			if b == '\\' {
				g.state = ground
			} else {
				g.state = str
			}
		}
		if g.open > maxOpenSequence {
			return true
		}
	}
	return false
}
