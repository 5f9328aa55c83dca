package load

import (
	"bytes"

	"github.com/charmbracelet/x/ansi/parser"
)

// markerMatcher finds a marker in a stream of terminal output with the ANSI
// escape sequences stripped, in time linear in the stream: each chunk is
// stripped once, by the same DEC state machine as ansi.Strip but with its
// state kept across chunks, and searched together with a short tail of the
// text stripped before it. Sequences and marker text split across chunks are
// therefore seen exactly as if the stream had come in one piece.
type markerMatcher struct {
	marker []byte
	state  parser.State
	rw, ri int    // UTF-8 rune being collected: its length, bytes so far
	tail   []byte // the last len(marker)-1 stripped bytes before this chunk
	buf    []byte // scratch: tail + this chunk, stripped
	found  bool
}

func newMarkerMatcher(marker string) *markerMatcher {
	return &markerMatcher{marker: []byte(marker), state: parser.GroundState}
}

// Write feeds the next chunk of output and reports whether the marker has
// been seen, in this chunk or before.
func (m *markerMatcher) Write(p []byte) bool {
	if m.found {
		return true
	}
	buf := append(m.buf[:0], m.tail...)
	for _, b := range p {
		if m.state == parser.Utf8State {
			buf = append(buf, b)
			m.ri++
			if m.ri < m.rw {
				continue
			}
			m.state, m.ri, m.rw = parser.GroundState, 0, 0
			continue
		}
		state, action := parser.Table.Transition(m.state, b)
		switch action {
		case parser.CollectAction:
			if state == parser.Utf8State {
				m.rw = utf8Len(b)
				m.ri = 1
				buf = append(buf, b)
			}
		case parser.PrintAction, parser.ExecuteAction:
			buf = append(buf, b)
		}
		m.state = state
	}
	if bytes.Contains(buf, m.marker) {
		m.found = true
		m.buf, m.tail = nil, nil
		return true
	}
	keep := len(m.marker) - 1
	if keep > len(buf) {
		keep = len(buf)
	}
	m.tail = append(m.tail[:0], buf[len(buf)-keep:]...)
	m.buf = buf
	return false
}

func utf8Len(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b >= 0xC0 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF7:
		return 4
	}
	return 1
}
