package invite

import (
	"context"
	"testing"
	"time"
)

// BenchmarkResolve: a known code, an unknown one of the same shape and a
// revoked one take the same path (one lookup in the file's map, a
// constant-time compare): their times should match. A malformed one (no
// code's shape, which is public) is not looked up.
func BenchmarkResolve(b *testing.B) {
	st := NewFileStore(b.TempDir())
	ctx := context.Background()
	var known, revoked Invitation
	for i := range 200 {
		inv, _ := New("Application", "Hello", time.Now())
		if err := st.Create(ctx, inv); err != nil {
			b.Fatal(err)
		}
		switch i {
		case 10:
			known = inv
		case 20:
			revoked = inv
		}
	}
	if _, err := st.Revoke(ctx, revoked.Code, time.Now()); err != nil {
		b.Fatal(err)
	}
	tr := NewTracker(st, nil, nil)
	for name, code := range map[string]string{"known": known.Code, "unknown": NewCode(), "revoked": revoked.Code, "malformed": "visitor"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				tr.Resolve(ctx, code)
			}
		})
	}
}
