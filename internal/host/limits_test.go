package host

import (
	"testing"
	"time"
)

// TestInputBudget: more than maxInputPerMinute bytes in a minute ends the
// visit; the same input spread over minutes doesn't.
func TestInputBudget(t *testing.T) {
	now := time.Now()
	w := newWatchdog(0, 0)
	for i := range 6 {
		if !w.input(512<<10, now.Add(time.Duration(i)*61*time.Second)) {
			t.Fatalf("half a MiB a minute over budget at minute %d", i)
		}
	}
	w = newWatchdog(0, 0)
	ok := true
	for range 17 {
		ok = ok && w.input(64<<10, now)
	}
	if ok {
		t.Error("1.06 MiB within a minute stayed within the budget")
	}
}
