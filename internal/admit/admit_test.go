package admit

import (
	"testing"
	"time"
)

// TestOneAdmissionForEveryDoor: each door has its own limits, but the
// admission counts every door's sessions (what a shutdown waits for) and
// refuses at every door once stopping; release gives the slot back once,
// refused or not.
func TestOneAdmissionForEveryDoor(t *testing.T) {
	a := New()
	ssh := a.Door(Limits{PerMinute: 1})
	web := a.Door(Limits{MaxOpen: 2, MaxOpenPerIP: 1})

	r1, ref := ssh.Admit("192.0.2.1")
	if ref != nil {
		t.Fatalf("first SSH session refused: %v", ref)
	}
	r2, ref := ssh.Admit("192.0.2.1")
	if ref == nil || ref.Reason != SessionRate || ref.Wait <= 0 {
		t.Fatalf("second SSH session within the minute: %v, want %s with a wait", ref, SessionRate)
	}
	r2()
	r2() // a second release is a no-op
	w1, ref := web.Admit("192.0.2.1")
	if ref != nil {
		t.Fatalf("first web session refused: %v", ref)
	}
	if _, ref := web.Admit("192.0.2.1"); ref == nil || ref.Reason != MaxConnsPerIP {
		t.Fatalf("second web session from one address: %v, want %s", ref, MaxConnsPerIP)
	}
	w2, ref := web.Admit("192.0.2.2")
	if ref != nil {
		t.Fatalf("web session from another address refused: %v", ref)
	}
	if _, ref := web.Admit("192.0.2.3"); ref == nil || ref.Reason != MaxConns {
		t.Fatalf("third web session: %v, want %s", ref, MaxConns)
	}
	if a.Active() != 3 || ssh.Active() != 1 || web.Active() != 2 {
		t.Fatalf("active: all %d, ssh %d, web %d; want 3, 1, 2", a.Active(), ssh.Active(), web.Active())
	}

	a.Stop()
	w1()
	for name, d := range map[string]*Door{"ssh": ssh, "web": web} {
		release, ref := d.Admit("198.51.100.1")
		if ref == nil || ref.Reason != Stopping {
			t.Errorf("%s session while stopping: %v, want %s", name, ref, Stopping)
		}
		release()
	}
	r1()
	w2()
	if a.Active() != 0 {
		t.Errorf("%d sessions counted after every one ended", a.Active())
	}
}

// TestRateLimiterSweeps: addresses whose bucket has refilled are
// forgotten.
func TestRateLimiterSweeps(t *testing.T) {
	r := NewRateLimiter(60)
	now := time.Now()
	if _, ok := r.Allow("192.0.2.1", now); !ok {
		t.Fatal("first session refused")
	}
	r.Allow("192.0.2.2", now.Add(2*time.Minute))
	if len(r.buckets) != 1 {
		t.Errorf("%d buckets kept, want the recent address's alone", len(r.buckets))
	}
}
