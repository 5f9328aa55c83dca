package inbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// readStateFile holds the IDs of messages the owner has read.
const readStateFile = "read-state.json"

// ReadState is the set of messages the owner has read, stored in
// <dir>/read-state.json. It is safe for concurrent use, and MarkRead
// merges with what other processes have saved.
type ReadState struct {
	mu   sync.Mutex
	dir  string
	read map[string]struct{}
}

type readStateJSON struct {
	Read []string `json:"read"`
}

// LoadReadState loads dir's read state; a missing file is an empty state.
// Its lock file, if there is one, must be a regular file too.
func LoadReadState(dir string) (*ReadState, error) {
	r := &ReadState{dir: dir, read: make(map[string]struct{})}
	if err := r.load(); err != nil {
		return nil, err
	}
	if st, err := os.Lstat(r.path() + ".lock"); err == nil && !st.Mode().IsRegular() {
		return nil, notRegularErr(r.path()+".lock", errors.New("not a regular file"))
	}
	return r, nil
}

func (r *ReadState) path() string { return filepath.Join(r.dir, readStateFile) }

// load merges the file's IDs into r.read.
func (r *ReadState) load() error {
	f, err := openRegular(r.path(), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	var st readStateJSON
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%s: %w", r.path(), err)
	}
	for _, id := range st.Read {
		r.read[id] = struct{}{}
	}
	return nil
}

// IsRead reports whether the message with this ID has been read.
func (r *ReadState) IsRead(id string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.read[id]
	return ok
}

// Unread counts the messages not yet read.
func (r *ReadState) Unread(msgs []Message) int {
	return r.UnreadOf(func(yield func(string) bool) {
		for _, m := range msgs {
			if !yield(m.ID) {
				return
			}
		}
	})
}

// UnreadOf counts the IDs not yet read (say, a Listing's IDs).
func (r *ReadState) UnreadOf(ids iter.Seq[string]) int {
	n := 0
	if r != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	for id := range ids {
		if r == nil {
			n++
			continue
		}
		if _, ok := r.read[id]; !ok {
			n++
		}
	}
	return n
}

// MarkRead records that a message has been read and saves the state
// atomically (temporary file, fsync, rename, directory fsync).
func (r *ReadState) MarkRead(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.read[id]; ok {
		return nil
	}
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return err
	}
	unlock, err := lockFile(newLock(r.path()+".lock"), "the read state")
	if err != nil {
		return err
	}
	defer unlock()

	// Pick up what another process saved since we loaded.
	if err := r.load(); err != nil {
		return err
	}
	ids := make([]string, 0, len(r.read)+1)
	for k := range r.read {
		ids = append(ids, k)
	}
	ids = append(ids, id)
	slices.Sort(ids)
	if err := writeFileAtomic(r.dir, r.path(), readStateJSON{Read: ids}); err != nil {
		return err
	}
	r.read[id] = struct{}{}
	return nil
}

func writeFileAtomic(dir, path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp") // 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	return err
}
