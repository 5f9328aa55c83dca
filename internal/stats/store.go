package stats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
//
// A day's file that can't be used — garbage, cut short, over
// maxDayFile, a symlink or a special file — loses no other counts: the
// server sets it aside (YYYY-MM-DD.json.corrupt-<time>, or
// .oversize-<time>), says so in one warning line, and starts the day
// afresh with the counts it holds in memory; a reader (`portfolio stats`)
// shows every other day, with one warning line per file left out.
type FileStore struct {
	dir    string
	writer bool         // OpenFileStore's: sets damaged files aside
	warn   func(string) // nil: silent
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
	return &FileStore{dir: dir, writer: true}, nil
}

// WarnTo has f say each damaged file it sets aside or leaves out in one
// line to warn (a log, the owner's terminal). It returns f.
func (f *FileStore) WarnTo(warn func(string)) *FileStore {
	f.warn = warn
	return f
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
		if errors.Is(err, errDamaged) {
			// Keep the file for the owner and start the day afresh: the
			// counts in memory are not lost for the ones on disk.
			if err := f.setAside(d.Date, err); err != nil {
				return err
			}
			stored = nil
		} else if err != nil {
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

// Days implements Store. A damaged day is left out, with a warning.
func (f *FileStore) Days(ctx context.Context, from, to string) ([]*Day, error) {
	dates, err := f.dates()
	if err != nil {
		return nil, err
	}
	var days []*Day
	var damaged []string
	for _, date := range dates {
		if date < from || date > to {
			continue
		}
		d, err := f.read(date)
		if errors.Is(err, errDamaged) {
			damaged = append(damaged, date)
			if !f.writer {
				f.say(fmt.Sprintf("statistics for %s left out: %v", date, err))
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if d != nil {
			days = append(days, d)
		}
	}
	if f.writer && len(damaged) > 0 {
		// The server's own store: set the damaged days aside once, so the
		// warning isn't repeated on every report.
		if err := f.setAsideDamaged(ctx, damaged); err != nil {
			f.say(fmt.Sprintf("damaged statistics days %s left out, not set aside: %v", strings.Join(damaged, ", "), err))
		}
	}
	return days, nil
}

// setAsideDamaged sets aside the days' files that are still damaged under
// the lock.
func (f *FileStore) setAsideDamaged(ctx context.Context, dates []string) error {
	unlock, err := f.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, date := range dates {
		if _, err := f.read(date); errors.Is(err, errDamaged) {
			if err := f.setAside(date, err); err != nil {
				return err
			}
		}
	}
	return nil
}

// setAside moves a damaged day's file out of the way (the caller holds the
// lock) and says so in one line.
func (f *FileStore) setAside(date string, why error) error {
	aside, err := datafile.SetAside(f.dir, f.path(date), datafile.Why(why), time.Now())
	if err != nil && aside == "" {
		return fmt.Errorf("stats: setting aside %s: %w", f.path(date), err)
	}
	f.say(fmt.Sprintf("statistics file set aside as %s, its day starts afresh: %v", aside, why))
	return nil
}

func (f *FileStore) say(line string) {
	if f.warn != nil {
		f.warn(line)
	}
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

// maxDayFile caps one day's file: a day's counts are a few kilobytes
// (pages and buckets are bounded). A larger file is set aside unread.
const maxDayFile = 4 << 20

// errDamaged marks a day's file that can't be used: garbage, cut short,
// over maxDayFile, a symlink or not a regular file.
var errDamaged = errors.New("damaged")

// read loads one day's file, or nil if there is none. It never follows a
// symbolic link and reads regular files only, up to maxDayFile. A file it
// can't use is errDamaged; an error reading the disk is not.
func (f *FileStore) read(date string) (*Day, error) {
	path := f.path(date)
	b, err := datafile.ReadFile(path, maxDayFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var big *datafile.TooLargeError
	if errors.As(err, &big) || isLinkOrSpecial(path) {
		return nil, fmt.Errorf("stats: %w: %w", errDamaged, err)
	}
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	var d Day
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("stats: %w: %s: %w", errDamaged, path, err)
	}
	d.Date = date
	d.init()
	return &d, nil
}

// isLinkOrSpecial reports whether path is there but not a regular file.
func isLinkOrSpecial(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && !st.Mode().IsRegular()
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
