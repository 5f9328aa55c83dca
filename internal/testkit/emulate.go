package testkit

import (
	"io"

	xvt "github.com/charmbracelet/x/vt"
)

// Emulate replays a terminal's output on an emulated w×h terminal
// (charmbracelet/x/vt) and returns its screen, one line per row,
// right-trimmed.
func Emulate(out string, w, h int) string {
	e := xvt.NewEmulator(w, h)
	// The emulator answers the program's queries (background colour,
	// cursor position) on its input pipe; drain it so a write never blocks,
	// and end the drain by closing the pipe's writing end (Emulator.Close
	// would race with the drain's Read: x/vt v0.1.0 doesn't lock there).
	drained := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, e); close(drained) }()
	_, _ = e.WriteString(out)
	scr := e.String()
	_ = e.InputPipe().(io.Closer).Close()
	<-drained
	return scr
}
