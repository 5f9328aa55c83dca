package testkit

import (
	"testing"
	"time"
)

func TestSlowEnabled(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "no": false, "1": true, "true": true, " YES ": true, "on": true} {
		t.Setenv(SlowEnv, v)
		if got := SlowEnabled(); got != want {
			t.Errorf("%s=%q: SlowEnabled() = %v, want %v", SlowEnv, v, got, want)
		}
	}
}

func TestSlowSkipsUnlessAsked(t *testing.T) {
	t.Setenv(SlowEnv, "")
	ran := false
	t.Run("off", func(t *testing.T) {
		Slow(t, "a test of Slow")
		ran = true
	})
	if ran {
		t.Errorf("a slow test ran with %s unset", SlowEnv)
	}
	t.Setenv(SlowEnv, "1")
	t.Run("on", func(t *testing.T) {
		Slow(t, "a test of Slow")
		ran = true
	})
	if !ran {
		t.Errorf("a slow test skipped with %s=1", SlowEnv)
	}
}

func TestEventually(t *testing.T) {
	n := 0
	if !Eventually(time.Second, time.Millisecond, func() bool { n++; return n == 3 }) {
		t.Error("a condition that came true on the third look was given up")
	}
	if Eventually(20*time.Millisecond, time.Millisecond, func() bool { return false }) {
		t.Error("a condition that never held was reported as holding")
	}
}
