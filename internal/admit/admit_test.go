package admit

import (
	"fmt"
	"testing"
	"time"
)

// TestOneAdmissionForEveryDoor: each door has its own limits, but the
// admission counts every door's sessions (what a shutdown waits for) and
// refuses at every door once stopping; release gives the slot back once,
// refused or not.
func TestOneAdmissionForEveryDoor(t *testing.T) {
	a := NewLimited(2, 1)
	ssh := a.Door(Limits{PerMinute: 1})
	web := a.Door(Limits{Counted: true})

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

// TestOneCountForBothDoors: SSH connections (counted when accepted, on
// Conns) and web terminals (counted by their door) share --max-conns and
// --max-conns-per-ip: a slot taken at one door is gone at the other.
func TestOneCountForBothDoors(t *testing.T) {
	a := NewLimited(10, 3)
	web := a.Door(Limits{Counted: true})
	ssh := a.Conns()
	// Three SSH connections from one address: its web terminal is refused.
	for range 3 {
		if !ssh.AcquireGlobal() || !ssh.AcquireIP("192.0.2.1") {
			t.Fatal("SSH connection refused under the caps")
		}
	}
	if _, ref := web.Admit("192.0.2.1"); ref == nil || ref.Reason != MaxConnsPerIP {
		t.Fatalf("a 4th connection from one address, at the web door: %v, want %s", ref, MaxConnsPerIP)
	}
	// Seven web terminals from other addresses fill the 10.
	for i := range 7 {
		if _, ref := web.Admit(fmt.Sprintf("198.51.100.%d", i)); ref != nil {
			t.Fatalf("web terminal %d refused: %v", i, ref)
		}
	}
	if ssh.AcquireGlobal() {
		t.Fatal("an 11th connection at the SSH door was taken: --max-conns counts per door")
	}
	if _, ref := web.Admit("203.0.113.1"); ref == nil || ref.Reason != MaxConns {
		t.Fatalf("an 11th connection at the web door: %v, want %s", ref, MaxConns)
	}
}

// TestPlan: the file budget keeps a reserve and gives each door its cap,
// cut down in proportion when together they don't fit.
func TestPlan(t *testing.T) {
	for _, c := range []struct {
		files, ssh, http int
		want             Budget
	}{
		{20000, 1000, 512, Budget{Files: 20000, Reserve: 2500, SSH: 1000, HTTP: 512}},
		{1024, 1000, 512, Budget{Files: 1024, Reserve: 128, SSH: 592, HTTP: 304, Reduced: true}},
		{512, 0, 100, Budget{Files: 512, Reserve: 64, SSH: 348, HTTP: 100}},
		{512, 0, 0, Budget{Files: 512, Reserve: 64, SSH: 224, HTTP: 224}},
		{0, 10, 20, Budget{SSH: 10, HTTP: 20}},
	} {
		if got := Plan(c.files, c.ssh, c.http); got != c.want {
			t.Errorf("Plan(%d, %d, %d) = %+v, want %+v", c.files, c.ssh, c.http, got, c.want)
		}
		if b := Plan(c.files, c.ssh, c.http); b.Files > 0 && b.SSH+b.HTTP+b.Reserve > b.Files {
			t.Errorf("Plan(%d, …) overcommits: %+v", c.files, b)
		}
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
