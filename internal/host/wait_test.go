package host

// programDrew reports whether v's current program has written its first
// frame (which the screen drops when the terminal shows it already): a
// test's condition to wait on, where a sleep for "its first tick" would
// be too short on a busy machine. Only meaningful once the program has
// started (Observer.ProgramStarted), as begin marks a program undrawn.
func programDrew(v *Visit) bool {
	v.scr.mu.Lock()
	defer v.scr.mu.Unlock()
	return !v.scr.first
}
