// Package datafile opens and replaces the files the portfolio keeps in its
// data directory (messages, their state, statistics) the safe way: never
// through a symlink, only regular files, and replaced atomically and
// durably (a temporary file, fsync, rename, then the directory's fsync).
package datafile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
