// Package filestore keeps the messages in the data directory: the log
// <data-dir>/messages.jsonl, one JSON line per message, and the owner's
// read and archive marks beside it in read-state.json.
//
// It is the one part of the portfolio that writes messages to disk, so it
// is built to lose nothing: a message is acknowledged only after it is
// written and fsynced, a failed write is rolled back, and a torn tail
// left by a crash is moved aside, never dropped.
package filestore

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/pragyamugale/portfolio/internal/datafile"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// FileName is the message log inside the data directory.
const FileName = "messages.jsonl"

// lockTimeout bounds how long Append and OpenStore wait for another
// process's lock, so a stuck peer can't hang a visitor forever.
const lockTimeout = 2 * time.Second

// closeWait is how long Close waits for a write in progress before leaving
// the closing to it: a shutdown's deadline is not the disk's to break.
const closeWait = 100 * time.Millisecond

// errStuck is the cause logged while the disk doesn't answer.
var errStuck = errors.New("the disk did not answer in time")

// file is the part of *os.File the store writes through, so tests can
// inject faults (ENOSPC, short writes, fsync errors).
type file interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
	Close() error
}

// openFile opens the message log (never through a symlink, and only a
// regular file); tests replace it to simulate a read-only volume or a
// disk that stops answering.
var openFile = func(name string, flag int, perm os.FileMode) (file, error) {
	f, err := datafile.Open(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func storageErr(err error) error {
	if errors.Is(err, inbox.ErrStorage) {
		return err
	}
	return fmt.Errorf("%w: %v", inbox.ErrStorage, err)
}

// Store appends messages to <dir>/messages.jsonl. A message is written as
// one JSON line and fsynced before Append returns; a failed write is
// rolled back so the log never holds a torn line followed by good ones.
// Appends are serialised within the process and across processes by a
// lock file, <dir>/messages.jsonl.lock. The store keeps an index of the
// log for Listing and tells subscribers when a message is stored.
type Store struct {
	dir          string
	path         string
	lock         *flock.Flock
	now          func() time.Time
	writeTimeout time.Duration
	changes      inbox.Changes
	quarantine   Quarantine // what OpenStore found damaged

	// slot holds one token while someone works on the file: writes and
	// index refreshes take turns, and waiting for a turn is bounded. The
	// fields below belong to the token's holder.
	slot  chan struct{}
	f     file
	idx   *index
	dirty bool // a rollback failed: repair the tail before the next write

	mu        sync.Mutex // guards what follows
	closed    bool
	filesDone bool // the file and lock are closed
	stuck     bool // an abandoned write still holds the slot
	abandoned bool // Append gave up on the write in progress
}

// OpenStore opens (creating if needed) the message log in dir. The
// directory is created 0700 and the log 0600; the log, its lock and side
// files must be regular files (a symlink is refused). A torn tail left by
// a crash is moved to <dir>/messages.jsonl.torn-<unix time> before the log
// is used; Quarantine reports it and any damaged lines. Every error wraps
// ErrStorage.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, storageErr(err)
	}
	path := logPath(dir)
	s := &Store{
		dir:          dir,
		path:         path,
		lock:         newLock(path + ".lock"),
		now:          time.Now,
		writeTimeout: inbox.WriteTimeout,
		slot:         make(chan struct{}, 1),
		idx:          newIndex(path),
	}
	unlock, err := s.acquire()
	if err != nil {
		return nil, storageErr(err)
	}
	defer unlock()
	if err := s.open(); err != nil {
		return nil, storageErr(err)
	}
	if err := s.repair(); err != nil {
		_ = s.f.Close()
		return nil, storageErr(err)
	}
	files, moved, err := sideFiles(dir)
	if err != nil {
		_ = s.f.Close()
		return nil, storageErr(err)
	}
	s.quarantine = Quarantine{Dir: dir, Skipped: s.idx.corrupt, Moved: moved, SideFiles: files}
	return s, nil
}

func logPath(dir string) string { return filepath.Join(dir, FileName) }

// newLock is a lock file opened without following a symlink.
func newLock(path string) *flock.Flock {
	return flock.New(path, flock.SetPermissions(0o600), flock.SetFlag(os.O_CREATE|os.O_RDONLY|datafile.NoFollow))
}

// Path returns the message log's path.
func (s *Store) Path() string { return s.path }

// Quarantine reports what OpenStore found damaged: lines every read skips
// and records in side files (including a torn tail it just moved aside).
func (s *Store) Quarantine() Quarantine { return s.quarantine }

// Subscribe returns a channel that receives a value soon after a message
// is stored (bursts coalesce into one), and a function to stop. Storing
// never waits for a subscriber.
func (s *Store) Subscribe() (<-chan struct{}, func()) { return s.changes.Subscribe() }

// take waits up to the write timeout for the slot.
func (s *Store) take(timer *time.Timer) error {
	select {
	case s.slot <- struct{}{}:
		return nil
	case <-timer.C:
		return errStuck
	}
}

// release gives the slot back, closing the files first if Close left that
// to the slot's holder.
func (s *Store) release() {
	s.mu.Lock()
	closeFiles := s.closed && !s.filesDone
	s.filesDone = s.filesDone || closeFiles
	s.mu.Unlock()
	if closeFiles {
		_ = s.f.Close()
		_ = s.lock.Close()
	}
	<-s.slot
}

// Close closes the log. Appends after Close fail with ErrStorage. A write
// that the disk holds up doesn't hold up Close: that write closes the
// files when it returns.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	select {
	case s.slot <- struct{}{}:
	case <-time.After(closeWait):
		return nil
	}
	defer func() { <-s.slot }()
	s.mu.Lock()
	done := s.filesDone // the slot's last holder closed them
	s.filesDone = true
	s.mu.Unlock()
	if done {
		return nil
	}
	err := s.f.Close()
	if uerr := s.lock.Close(); err == nil {
		err = uerr
	}
	return err
}

// Append stores m and returns the stored record: ID is always assigned
// (8 random lowercase base32 characters), Time defaults to now and is
// stored in UTC to the second, Checksum is computed. Append returns nil
// only once the record is fsynced; on any failure the log is truncated
// back to its previous length and the error wraps ErrStorage. A write the
// disk doesn't finish within WriteTimeout fails; if it completes later it
// is rolled back, and until it returns further Appends fail at once.
func (s *Store) Append(m inbox.Message) (inbox.Message, error) {
	s.mu.Lock()
	closed, stuck := s.closed, s.stuck
	s.mu.Unlock()
	switch {
	case closed:
		return inbox.Message{}, storageErr(errors.New("store is closed"))
	case stuck:
		return inbox.Message{}, storageErr(errStuck)
	}
	timer := time.NewTimer(s.writeTimeout)
	defer timer.Stop()
	if err := s.take(timer); err != nil {
		return inbox.Message{}, storageErr(err)
	}
	type result struct {
		m   inbox.Message
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer s.release()
		_, err := s.append(m, func(m inbox.Message) bool {
			// The write is on disk: hand it over, unless Append gave up.
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.abandoned {
				return false
			}
			done <- result{m: m}
			return true
		})
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.abandoned {
			s.abandoned, s.stuck = false, false
			return
		}
		if err != nil {
			done <- result{err: err}
		}
	}()
	select {
	case r := <-done:
		return s.delivered(r.m, r.err)
	case <-timer.C:
	}
	s.mu.Lock()
	select {
	case r := <-done:
		s.mu.Unlock()
		return s.delivered(r.m, r.err)
	default:
	}
	s.abandoned, s.stuck = true, true
	s.mu.Unlock()
	return inbox.Message{}, storageErr(fmt.Errorf("%w (%s)", errStuck, s.writeTimeout))
}

// delivered finishes an Append whose write returned in time.
func (s *Store) delivered(m inbox.Message, err error) (inbox.Message, error) {
	if err != nil {
		return inbox.Message{}, storageErr(err)
	}
	s.changes.Publish()
	return m, nil
}

// append writes one record, holding the slot. commit is called once the
// record is fsynced, still under the file lock; if it returns false the
// caller gave up waiting, and the record is rolled back.
func (s *Store) append(m inbox.Message, commit func(inbox.Message) bool) (inbox.Message, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return inbox.Message{}, errors.New("store is closed")
	}
	unlock, err := s.acquire()
	if err != nil {
		return inbox.Message{}, err
	}
	defer unlock()
	if err := s.check(); err != nil {
		return inbox.Message{}, err
	}
	if s.dirty {
		if err := s.repair(); err != nil {
			return inbox.Message{}, err
		}
		s.dirty = false
	}

	m.ID, err = s.newID()
	if err != nil {
		return inbox.Message{}, err
	}
	if m.Time.IsZero() {
		m.Time = s.now()
	}
	m.Time = m.Time.UTC().Truncate(time.Second)
	m.Checksum = m.Sum()
	line, err := json.Marshal(m)
	if err != nil || m.Checksum == "" {
		return inbox.Message{}, fmt.Errorf("encoding message: %v", err)
	}
	line = append(line, '\n')

	st, err := s.f.Stat()
	if err != nil {
		return inbox.Message{}, err
	}
	size := st.Size()
	n, err := s.f.Write(line)
	if err == nil && n != len(line) {
		err = io.ErrShortWrite
	}
	if err == nil {
		if err = s.f.Sync(); err != nil {
			err = fmt.Errorf("fsync: %w", err)
		}
	}
	if err == nil && !commit(m) {
		err = errStuck
	}
	if err != nil {
		if rerr := s.rollback(size); rerr != nil {
			err = fmt.Errorf("%v (and rolling back: %v)", err, rerr)
		}
		return inbox.Message{}, err
	}
	if s.idx.size == size {
		s.idx.add(size, int64(len(line)), head{ID: m.ID, Time: m.Time})
		s.idx.size += int64(len(line))
	}
	return m, nil
}

// Listing returns the log as it is now, for reading pages of it. The
// store's index is brought up to date first (it reads only what another
// process appended since); waiting for a write in progress is bounded
// like a write.
func (s *Store) Listing() (*Listing, error) {
	s.mu.Lock()
	closed, stuck := s.closed, s.stuck
	s.mu.Unlock()
	switch {
	case closed:
		return nil, storageErr(errors.New("store is closed"))
	case stuck:
		return nil, storageErr(errStuck)
	}
	timer := time.NewTimer(s.writeTimeout)
	defer timer.Stop()
	if err := s.take(timer); err != nil {
		return nil, storageErr(err)
	}
	defer s.release()
	if err := s.idx.refresh(); err != nil {
		return nil, err
	}
	return s.idx.listing(), nil
}

// rollback truncates the log back to size after a failed write.
func (s *Store) rollback(size int64) error {
	if err := s.f.Truncate(size); err != nil {
		s.dirty = true
		return err
	}
	if err := s.f.Sync(); err != nil {
		s.dirty = true
		return fmt.Errorf("fsync: %w", err)
	}
	return nil
}

// acquire takes the inter-process lock, retrying for up to lockTimeout.
func (s *Store) acquire() (func(), error) { return lockFile(s.lock, "the message log") }

// lockFile takes an inter-process lock, retrying for up to lockTimeout,
// and refuses a lock file that isn't a regular file.
func lockFile(lk *flock.Flock, what string) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := lk.TryLockContext(ctx, 5*time.Millisecond)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("timed out waiting for the lock on %s", what)
		}
		return nil, fmt.Errorf("locking %s: %w", what, datafile.Explain(lk.Path(), err))
	}
	if !ok {
		return nil, fmt.Errorf("couldn't lock %s", what)
	}
	if err := datafile.CheckRegular(lk.Path(), lk); err != nil {
		_ = lk.Unlock()
		return nil, err
	}
	return func() { _ = lk.Unlock() }, nil
}

// open opens the log for appending, fsyncing the directory if the log
// was created.
func (s *Store) open() error {
	_, statErr := os.Lstat(s.path)
	f, err := openFile(s.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := datafile.SyncDir(s.dir); err != nil {
			_ = f.Close()
			return err
		}
	}
	s.f = f
	return nil
}

// check makes sure the open file is still the log at s.path. If the log
// was deleted or replaced (but the directory is still there) it is
// reopened; a missing directory is an error (it may be an unmounted
// volume, so it is never recreated here).
func (s *Store) check() error {
	pst, err := os.Lstat(s.path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err == nil {
		fst, ferr := s.f.Stat()
		if ferr != nil {
			return ferr
		}
		if os.SameFile(pst, fst) {
			return nil
		}
	}
	if _, err := os.Stat(s.dir); err != nil {
		return err
	}
	old := s.f
	if err := s.open(); err != nil {
		return err
	}
	_ = old.Close()
	return s.repair()
}

// repair scans the log (under the lock), rebuilds the index and moves a torn tail aside: an incomplete last line and, if it
// doesn't parse or fails its checksum, the last complete line.
func (s *Store) repair() error {
	f, err := datafile.Open(s.path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	x := newIndex(s.path)
	lastStart, lastValid := int64(-1), true
	end, torn, err := scanLog(f, 0, func(start int64, ln line, h head, ok bool) {
		if ok {
			x.add(start, ln.n, h)
		} else {
			x.corrupt++
		}
		lastStart, lastValid = start, ok
	})
	if err != nil {
		return err
	}
	cut := int64(-1)
	if torn {
		cut = end
	}
	if !lastValid {
		cut = lastStart
		x.corrupt--
	}
	x.size = end
	if cut >= 0 {
		if err := s.moveAside(cut); err != nil {
			return err
		}
		x.size = cut
	}
	if x.file, err = f.Stat(); err != nil {
		return err
	}
	s.idx = x
	return nil
}

// moveAside appends the log's bytes from off to the end to a side file,
// fsyncs it and only then truncates the log to off.
func (s *Store) moveAside(off int64) error {
	src, err := datafile.Open(s.path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	side := s.path + ".torn-" + strconv.FormatInt(s.now().Unix(), 10)
	dst, err := datafile.Open(side, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("saving torn tail: %w", err)
	}
	_, err = io.Copy(dst, io.NewSectionReader(src, off, st.Size()-off))
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = datafile.SyncDir(s.dir)
	}
	if err != nil {
		return fmt.Errorf("saving torn tail: %w", err)
	}
	if err := s.f.Truncate(off); err != nil {
		return fmt.Errorf("truncating torn tail: %w", err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("fsync: %w", err)
	}
	return nil
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newID returns 8 random lowercase base32 characters not yet used in the
// log.
func (s *Store) newID() (string, error) {
	for range 100 {
		var b [5]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		id := strings.ToLower(idEncoding.EncodeToString(b[:]))
		if !s.idx.has(id) {
			return id, nil
		}
	}
	return "", errors.New("couldn't generate a unique id")
}
