package filestore

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/pragyamugale/portfolio/internal/datafile"
)

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
	f, err := datafile.Open(path, os.O_RDONLY, 0)
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
