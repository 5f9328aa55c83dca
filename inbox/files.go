package inbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// openRegular opens a data file without following a symlink and accepts
// only a regular file: a link planted in the data directory must never
// make the server read, repair or append to another file.
func openRegular(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|noFollow, perm)
	if err != nil {
		return nil, notRegularErr(path, err)
	}
	if err := checkRegular(path, f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkRegular refuses an open file that isn't a regular file.
func checkRegular(path string, f interface{ Stat() (os.FileInfo, error) }) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s); refusing to use it", path, st.Mode().Type())
	}
	return nil
}

// notRegularErr explains an open that O_NOFOLLOW refused.
func notRegularErr(path string, err error) error {
	st, lerr := os.Lstat(path)
	switch {
	case lerr != nil || st.Mode().IsRegular():
		return err
	case st.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("%s is a symlink; refusing to follow it", path)
	}
	return fmt.Errorf("%s is not a regular file (%s); refusing to use it", path, st.Mode().Type())
}

// sidePattern matches the files torn tails are moved to.
const sidePattern = FileName + ".torn-*"

// Quarantine is what the store has set aside as damaged: lines in the log
// that every read skips, and records moved to side files.
type Quarantine struct {
	Dir       string   // the data directory
	Skipped   int      // damaged lines left in the log (skipped on every read)
	Moved     int      // records in the side files
	SideFiles []string // the side files, messages.jsonl.torn-<time>
}

// Total is how many damaged records there are in all.
func (q Quarantine) Total() int { return q.Skipped + q.Moved }

// String is one line for the owner, or "" if nothing is quarantined.
func (q Quarantine) String() string {
	if q.Total() == 0 {
		return ""
	}
	s := fmt.Sprintf("%d damaged %s quarantined", q.Total(), plural(q.Total(), "record"))
	switch {
	case q.Skipped > 0 && q.Moved > 0:
		s += fmt.Sprintf(": %d skipped in %s, %d moved to %s", q.Skipped, logPath(q.Dir), q.Moved, q.sideSummary())
	case q.Skipped > 0:
		s += fmt.Sprintf(": skipped in %s", logPath(q.Dir))
	default:
		s += fmt.Sprintf(": moved to %s", q.sideSummary())
	}
	return s
}

func (q Quarantine) sideSummary() string {
	if len(q.SideFiles) == 1 {
		return filepath.Join(q.Dir, q.SideFiles[0])
	}
	return fmt.Sprintf("%d files %s", len(q.SideFiles), filepath.Join(q.Dir, sidePattern))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// sideFiles lists dir's side files and counts the records in them (a
// partial line counts as one).
func sideFiles(dir string) (files []string, records int, err error) {
	paths, err := filepath.Glob(filepath.Join(dir, sidePattern))
	if err != nil {
		return nil, 0, err
	}
	slices.Sort(paths)
	for _, p := range paths {
		n, err := countLines(p)
		if err != nil {
			return nil, 0, err
		}
		files = append(files, filepath.Base(p))
		records += n
	}
	return files, records, nil
}

func countLines(path string) (int, error) {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, last := 0, byte('\n')
	br := bufio.NewReader(f)
	buf := make([]byte, 32<<10)
	for {
		k, err := br.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}
