package stats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/pragyamugale/portfolio/internal/datafile"
)

// Store keeps days of counts. Implementations add counts up (so several
// processes, or machines, can share one) and must be safe for concurrent
// use. The file store below is the default; a database can stand in.
type Store interface {
	// Add adds each day's counts to the stored ones, durably: once it
	// returns nil, the counts survive a crash.
	Add(ctx context.Context, days []*Day) error
	// Days returns the stored days from..to (YYYY-MM-DD, inclusive),
	// oldest first; days without counts may be missing.
	Days(ctx context.Context, from, to string) ([]*Day, error)
	// Prune deletes the days before the given date.
	Prune(ctx context.Context, before string) error
}

// DirName is the folder of the data directory the file store uses.
const DirName = "stats"

// FileStore keeps one small JSON file per day in <data-dir>/stats, named
// YYYY-MM-DD.json. Writes merge under a lock file and replace the day's
// file atomically (temporary file, fsync, rename, directory fsync), so a
// reader such as `portfolio stats` always sees a whole file, and a crash
// leaves the last flushed counts.
type FileStore struct {
	dir string
}

// OpenFileStore uses <dataDir>/stats, creating it (0700) if needed.
func OpenFileStore(dataDir string) (*FileStore, error) {
	dir := filepath.Join(dataDir, DirName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if fi, err := os.Lstat(dir); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	return &FileStore{dir: dir}, nil
}

// ReadFileStore reads <dataDir>/stats without creating anything: for
// readers such as the stats command. A missing folder has no days.
func ReadFileStore(dataDir string) *FileStore {
	return &FileStore{dir: filepath.Join(dataDir, DirName)}
}

func (f *FileStore) path(date string) string { return filepath.Join(f.dir, date+".json") }

// lockTimeout bounds the wait for another process's flush.
const lockTimeout = 5 * time.Second

// Add implements Store.
func (f *FileStore) Add(ctx context.Context, days []*Day) error {
	if len(days) == 0 {
		return nil
	}
	unlock, err := f.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, d := range days {
		if !validDate(d.Date) {
			return fmt.Errorf("stats: bad date %q", d.Date)
		}
		stored, err := f.read(d.Date)
		if err != nil {
			return err
		}
		if stored == nil {
			stored = newDay(d.Date)
		}
		stored.Add(d)
		if err := f.write(stored); err != nil {
			return err
		}
	}
	return nil
}

// Days implements Store.
func (f *FileStore) Days(_ context.Context, from, to string) ([]*Day, error) {
	dates, err := f.dates()
	if err != nil {
		return nil, err
	}
	var days []*Day
	for _, date := range dates {
		if date < from || date > to {
			continue
		}
		d, err := f.read(date)
		if err != nil {
			return nil, err
		}
		if d != nil {
			days = append(days, d)
		}
	}
	return days, nil
}

// Prune implements Store.
func (f *FileStore) Prune(ctx context.Context, before string) error {
	unlock, err := f.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	dates, err := f.dates()
	if err != nil {
		return err
	}
	var errs []error
	for _, date := range dates {
		if date < before {
			if err := os.Remove(f.path(date)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// dates lists the days that have a file, oldest first.
func (f *FileStore) dates() ([]string, error) {
	entries, err := os.ReadDir(f.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var dates []string
	for _, e := range entries {
		if date, ok := strings.CutSuffix(e.Name(), ".json"); ok && validDate(date) && e.Type().IsRegular() {
			dates = append(dates, date)
		}
	}
	slices.Sort(dates)
	return dates, nil
}

func validDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil && len(s) == len(DateLayout)
}

// maxDayFile bounds what is read of one day's file; a day's counts are a
// few kilobytes.
const maxDayFile = 4 << 20

// read loads one day's file, or nil if there is none. It never follows a
// symbolic link and reads regular files only.
func (f *FileStore) read(date string) (*Day, error) {
	fd, err := datafile.Open(f.path(date), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer fd.Close()
	b, err := io.ReadAll(io.LimitReader(fd, maxDayFile))
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	var d Day
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("stats: %s: %w", fd.Name(), err)
	}
	d.Date = date
	d.init()
	return &d, nil
}

// write replaces a day's file atomically.
func (f *FileStore) write(d *Day) error {
	if err := datafile.WriteJSON(f.dir, f.path(d.Date), d); err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	return nil
}

// lock takes the store's lock file, shared with other processes.
func (f *FileStore) lock(ctx context.Context) (func(), error) {
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return nil, err
	}
	lk := flock.New(filepath.Join(f.dir, ".lock"), flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	if ok, err := lk.TryLockContext(ctx, 5*time.Millisecond); !ok || err != nil {
		if err == nil {
			err = errors.New("couldn't lock")
		}
		return nil, fmt.Errorf("stats: locking: %w", err)
	}
	return func() { _ = lk.Unlock() }, nil
}

var _ Store = (*FileStore)(nil)
