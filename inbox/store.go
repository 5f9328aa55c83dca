package inbox

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
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
)

// lockTimeout bounds how long Append and OpenStore wait for another
// process's lock, so a stuck peer can't hang a visitor forever.
const lockTimeout = 2 * time.Second

// Sum returns the message's checksum: "sha256:" and the hex SHA-256 of its
// JSON encoding with Checksum empty. It returns "" if the message can't be
// encoded (a time outside years 0–9999).
func (m Message) Sum() string {
	m.Checksum = ""
	b, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Valid reports whether the message's checksum matches its fields.
func (m Message) Valid() bool {
	sum := m.Sum()
	return sum != "" && m.Checksum == sum
}

// file is the part of *os.File the store writes through, so tests can
// inject faults (ENOSPC, short writes, fsync errors).
type file interface {
	Write(p []byte) (int, error)
	Sync() error
	Truncate(size int64) error
	Stat() (os.FileInfo, error)
	Close() error
}

// openFile opens the message log; tests replace it to simulate a
// read-only volume.
var openFile = func(name string, flag int, perm os.FileMode) (file, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func storageErr(err error) error {
	if errors.Is(err, ErrStorage) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrStorage, err)
}

// Store appends messages to <dir>/messages.jsonl. A message is written as
// one JSON line and fsynced before Append returns; a failed write is
// rolled back so the log never holds a torn line followed by good ones.
// Appends are serialised within the process by a mutex and across
// processes by a lock file, <dir>/messages.jsonl.lock.
type Store struct {
	mu     sync.Mutex
	dir    string
	path   string
	lock   *flock.Flock
	f      file
	ids    map[string]struct{}
	dirty  bool // a rollback failed: repair the tail before the next write
	closed bool
	now    func() time.Time
}

// OpenStore opens (creating if needed) the message log in dir. The
// directory is created 0700 and the log 0600. A torn tail left by a crash
// is moved to <dir>/messages.jsonl.torn-<unix time> before the log is
// used. Every error wraps ErrStorage.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, storageErr(err)
	}
	s := &Store{
		dir:  dir,
		path: filepath.Join(dir, FileName),
		lock: flock.New(filepath.Join(dir, FileName+".lock"), flock.SetPermissions(0o600)),
		ids:  make(map[string]struct{}),
		now:  time.Now,
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
	return s, nil
}

// Path returns the message log's path.
func (s *Store) Path() string { return s.path }

// Close closes the log. Appends after Close fail with ErrStorage.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
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
// back to its previous length and the error wraps ErrStorage.
func (s *Store) Append(m Message) (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Message{}, storageErr(errors.New("store is closed"))
	}
	unlock, err := s.acquire()
	if err != nil {
		return Message{}, storageErr(err)
	}
	defer unlock()
	if err := s.check(); err != nil {
		return Message{}, storageErr(err)
	}
	if s.dirty {
		if err := s.repair(); err != nil {
			return Message{}, storageErr(err)
		}
		s.dirty = false
	}

	m.ID, err = s.newID()
	if err != nil {
		return Message{}, storageErr(err)
	}
	if m.Time.IsZero() {
		m.Time = s.now()
	}
	m.Time = m.Time.UTC().Truncate(time.Second)
	m.Checksum = m.Sum()
	line, err := json.Marshal(m)
	if err != nil || m.Checksum == "" {
		return Message{}, storageErr(fmt.Errorf("encoding message: %v", err))
	}
	line = append(line, '\n')

	st, err := s.f.Stat()
	if err != nil {
		return Message{}, storageErr(err)
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
	if err != nil {
		if rerr := s.rollback(size); rerr != nil {
			err = fmt.Errorf("%v (and rolling back: %v)", err, rerr)
		}
		return Message{}, storageErr(err)
	}
	s.ids[m.ID] = struct{}{}
	return m, nil
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
func (s *Store) acquire() (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := s.lock.TryLockContext(ctx, 5*time.Millisecond)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, errors.New("timed out waiting for the message log lock")
		}
		return nil, fmt.Errorf("locking message log: %w", err)
	}
	if !ok {
		return nil, errors.New("couldn't lock the message log")
	}
	return func() { _ = s.lock.Unlock() }, nil
}

// open opens the log for appending, fsyncing the directory if the log
// was created.
func (s *Store) open() error {
	_, statErr := os.Stat(s.path)
	f, err := openFile(s.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(s.dir); err != nil {
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
	pst, err := os.Stat(s.path)
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

// repair scans the log (under the lock), remembers the IDs in it and
// moves a torn tail aside: an incomplete last line and, if it doesn't
// parse or fails its checksum, the last complete line.
func (s *Store) repair() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var (
		off          int64
		lastStart    int64 = -1 // start of the last complete line
		lastValid          = true
		partialStart int64 = -1 // start of an incomplete final line
	)
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		ln, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		start := off
		off += ln.n
		if !ln.complete {
			partialStart = start
			break
		}
		m, ok := parseLine(ln)
		if ok {
			s.ids[m.ID] = struct{}{}
		}
		lastStart, lastValid = start, ok
	}
	cut := partialStart
	if !lastValid {
		cut = lastStart
	}
	if cut < 0 {
		return nil
	}
	return s.moveAside(cut)
}

// moveAside appends the log's bytes from off to the end to a side file,
// fsyncs it and only then truncates the log to off.
func (s *Store) moveAside(off int64) error {
	src, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	side := s.path + ".torn-" + strconv.FormatInt(s.now().Unix(), 10)
	dst, err := os.OpenFile(side, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
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
		err = syncDir(s.dir)
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
		if _, dup := s.ids[id]; !dup {
			return id, nil
		}
	}
	return "", errors.New("couldn't generate a unique id")
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
