package invite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/pragyamugale/portfolio/internal/datafile"
)

// FileName is the invitations' file in the data directory.
const FileName = "invitations.json"

// maxFileBytes bounds a read of the file: MaxInvitations with long
// labels, greetings and every page counted fit well within it.
const maxFileBytes = 32 << 20

// lockTimeout bounds waiting for another process's write.
const lockTimeout = 10 * time.Second

// FileStore keeps the invitations in one JSON file in the data directory,
// replaced atomically on every change (internal/datafile) under a lock
// file shared with the owner's commands, which may write while the
// server runs. Reads take no lock: a reader sees the old file or the new.
type FileStore struct {
	dir  string
	path string

	mu     sync.Mutex // one writer in this process; guards the cache
	cached struct {
		mod  time.Time
		size int64
		by   map[string]Invitation
	}
}

// fileDoc is the file's content.
type fileDoc struct {
	Invitations []Invitation `json:"invitations"`
}

// NewFileStore is the invitations of dataDir; nothing is read or created
// before it is used.
func NewFileStore(dataDir string) *FileStore {
	return &FileStore{dir: dataDir, path: filepath.Join(dataDir, FileName)}
}

// read reads the file (none: no invitations).
func (f *FileStore) read() ([]Invitation, error) {
	file, err := datafile.Open(f.path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("invitations: %w", err)
	}
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("invitations: %s is larger than %d MiB", f.path, maxFileBytes>>20)
	}
	var doc fileDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("invitations: %s is damaged: %w", f.path, err)
	}
	return doc.Invitations, nil
}

// change reads the file under the lock, lets fn change it and writes it
// back if fn says so.
func (f *FileStore) change(ctx context.Context, fn func([]Invitation) ([]Invitation, bool, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	lk := flock.New(filepath.Join(f.dir, ".invitations.lock"), flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	if ok, err := lk.TryLockContext(ctx, 5*time.Millisecond); !ok || err != nil {
		if err == nil {
			err = errors.New("couldn't lock")
		}
		return fmt.Errorf("invitations: locking: %w", err)
	}
	defer func() { _ = lk.Unlock() }()
	all, err := f.read()
	if err != nil {
		return err
	}
	all, write, err := fn(all)
	if err != nil || !write {
		return err
	}
	if err := datafile.WriteJSON(f.dir, f.path, fileDoc{Invitations: all}); err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	return nil
}

func (f *FileStore) Create(ctx context.Context, inv Invitation) error {
	return f.change(ctx, func(all []Invitation) ([]Invitation, bool, error) {
		if len(all) >= MaxInvitations {
			return nil, false, ErrFull
		}
		for _, o := range all {
			if o.Code == inv.Code {
				return nil, false, ErrExists
			}
		}
		return append(all, inv), true, nil
	})
}

func (f *FileStore) List(context.Context) ([]Invitation, error) { return f.read() }

// Lookup finds code in a map of the file, read again only when the file
// changed.
func (f *FileStore) Lookup(_ context.Context, code string) (Invitation, bool, error) {
	st, err := os.Lstat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return Invitation{}, false, nil
	}
	if err != nil {
		return Invitation{}, false, fmt.Errorf("invitations: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &f.cached
	if c.by == nil || !st.ModTime().Equal(c.mod) || st.Size() != c.size {
		all, err := f.read()
		if err != nil {
			return Invitation{}, false, err
		}
		c.by = make(map[string]Invitation, len(all))
		for _, inv := range all {
			c.by[inv.Code] = inv
		}
		c.mod, c.size = st.ModTime(), st.Size()
	}
	inv, ok := c.by[code]
	return inv, ok, nil
}

// update changes the invitation with code by fn; active limits it to
// invitations not revoked (otherwise nothing happens).
func (f *FileStore) update(ctx context.Context, code string, active bool, fn func(*Invitation)) (Invitation, error) {
	var out Invitation
	err := f.change(ctx, func(all []Invitation) ([]Invitation, bool, error) {
		for i := range all {
			if all[i].Code != code {
				continue
			}
			if active && !all[i].Active() {
				return nil, false, nil
			}
			fn(&all[i])
			out = all[i]
			return all, true, nil
		}
		return nil, false, ErrNotFound
	})
	return out, err
}

func (f *FileStore) Revoke(ctx context.Context, code string, at time.Time) (Invitation, error) {
	return f.update(ctx, code, false, func(inv *Invitation) {
		if inv.Revoked == nil {
			t := at.UTC().Truncate(time.Second)
			inv.Revoked = &t
		}
	})
}

func (f *FileStore) Opened(ctx context.Context, code, channel string, at time.Time) (bool, error) {
	first := false
	_, err := f.update(ctx, code, true, func(inv *Invitation) {
		t := at.UTC().Truncate(time.Second)
		inv.Visits++
		inv.LastOpened = &t
		if inv.FirstOpened == nil {
			inv.FirstOpened, inv.FirstChannel, first = &t, channel, true
		}
	})
	return first, err
}

func (f *FileStore) Read(ctx context.Context, code, page string, d time.Duration) error {
	_, err := f.update(ctx, code, true, func(inv *Invitation) { inv.Reads = AddRead(inv.Reads, page, d) })
	return err
}

func (f *FileStore) Messaged(ctx context.Context, code string) error {
	_, err := f.update(ctx, code, true, func(inv *Invitation) { inv.Messages++ })
	return err
}

var _ Store = (*FileStore)(nil)
