// Package datafile opens and replaces the files the portfolio keeps in its
// data directory (messages, their state, statistics) the safe way: never
// through a symlink, only regular files, and replaced atomically and
// durably (a temporary file, fsync, rename, then the directory's fsync).
package datafile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Open opens path without following a symlink and accepts only a regular
// file: a link or a FIFO planted in the data directory must never make
// the server read, repair or append to another file, or hang on it.
func Open(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|NoFollow, perm)
	if err != nil {
		return nil, Explain(path, err)
	}
	if err := CheckRegular(path, f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// CheckRegular refuses an open file that isn't a regular file.
func CheckRegular(path string, f interface{ Stat() (os.FileInfo, error) }) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s); refusing to use it", path, st.Mode().Type())
	}
	return nil
}

// Explain turns an open that NoFollow refused into a clear error naming
// the symlink or the special file; any other error is returned as it is.
func Explain(path string, err error) error {
	st, lerr := os.Lstat(path)
	switch {
	case lerr != nil || st.Mode().IsRegular():
		return err
	case st.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("%s is a symlink; refusing to follow it", path)
	}
	return fmt.Errorf("%s is not a regular file (%s); refusing to use it", path, st.Mode().Type())
}

// WriteJSON replaces path, in dir, with v as one line of JSON: written to
// a temporary file (0600), fsynced, renamed over path (which replaces a
// link there rather than following it), then the directory fsynced. A
// crash leaves the old file or the new one, never a mix.
func WriteJSON(dir, path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
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
		err = SyncDir(dir)
	}
	return err
}

// SyncDir fsyncs a directory, so that files created, renamed or removed in
// it survive a crash.
func SyncDir(dir string) error {
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

// TooLargeError is a file over the size cap its reader set: it was not
// read.
type TooLargeError struct {
	Path      string
	Size, Max int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %s, over its cap of %s; not read", e.Path, Size(e.Size), Size(e.Max))
}

// Size writes a byte count for people: "2.0 GiB", "64 KiB", "512 B".
func Size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %ciB", int64(v), "KMGTP"[exp])
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[exp])
}

// ReadFile reads a whole data file of at most max bytes, opened as Open
// does (never through a symlink, regular files only). A larger file is
// not read at all (its size is known before the first byte), so a 2 GB
// sparse file costs one stat, not 2 GB of memory: the error is a
// *TooLargeError. Every file the server or the owner's commands read
// whole goes through here or ReadFS, each with its own cap.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAtMost(f, path, max)
}

// ReadOpen is ReadFile for a file already opened with Open (its caller
// wants its FileInfo too).
func ReadOpen(f *os.File, path string, max int64) ([]byte, error) {
	return readAtMost(f, path, max)
}

// ReadFS is ReadFile for a file in fsys (the content folder, or the
// portfolio built into the binary).
func ReadFS(fsys fs.FS, name string, display string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAtMost(f, display, max)
}

// readAtMost reads f to its end if it holds at most max bytes: refused
// on its stated size first, and never more than max+1 bytes read in case
// it grows (or a special file states no size).
func readAtMost(f interface {
	io.Reader
	Stat() (fs.FileInfo, error)
}, path string, max int64) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s); refusing to use it", path, st.Mode().Type())
	}
	if st.Size() > max {
		return nil, &TooLargeError{Path: path, Size: st.Size(), Max: max}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &TooLargeError{Path: path, Size: int64(len(b)), Max: max}
	}
	return b, nil
}

// SetAside renames a damaged or oversized data file (or a link or
// special file standing in its place: the name moves, nothing is
// followed) to path.<why>-<UTC time>, say read-state.json.oversize-20261206T093012Z,
// so a fresh one can start and the owner keeps the old one to look at.
// It returns the new name.
func SetAside(dir, path, why string, now time.Time) (string, error) {
	aside := fmt.Sprintf("%s.%s-%s", path, why, now.UTC().Format("20060102T150405.000000000Z"))
	if err := os.Rename(path, aside); err != nil {
		return "", err
	}
	if err := SyncDir(dir); err != nil {
		return aside, err
	}
	return aside, nil
}

// Why is the suffix SetAside gives a file its reader refused: "oversize"
// for a file over its cap, "corrupt" for anything else.
func Why(err error) string {
	var big *TooLargeError
	if errors.As(err, &big) {
		return "oversize"
	}
	return "corrupt"
}
