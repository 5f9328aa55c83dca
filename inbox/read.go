package inbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// maxLine is the longest line ReadAll will parse; longer ones are corrupt.
const maxLine = 1 << 20

// ReadReport says what ReadAll had to skip.
type ReadReport struct {
	Corrupt int  // lines skipped: bad JSON, bad checksum or too long
	Torn    bool // the last line is incomplete (a crash, or a write in progress)
}

// ReadAll returns every intact message in dir's log, newest first (by
// Time; messages with the same Time in reverse file order). A missing log
// is empty, not an error. Bad lines are skipped and counted, never fatal.
// ReadAll takes no lock, so it can run while the server is writing. Every
// text field is sanitised again on the way out; Checksum is left as
// stored, so Valid may be false for a message whose text that changed.
func ReadAll(dir string) ([]Message, ReadReport, error) {
	var rep ReadReport
	f, err := os.Open(filepath.Join(dir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, rep, nil
	}
	if err != nil {
		return nil, rep, err
	}
	defer f.Close()

	var msgs []Message
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		ln, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rep, err
		}
		if !ln.complete {
			rep.Torn = true
			break
		}
		m, ok := parseLine(ln)
		if !ok {
			rep.Corrupt++
			continue
		}
		msgs = append(msgs, displaySafe(m))
	}
	slices.Reverse(msgs)
	slices.SortStableFunc(msgs, func(a, b Message) int { return b.Time.Compare(a.Time) })
	return msgs, rep, nil
}

// Find returns the message whose ID is id or, for ids of at least four
// characters, the only message whose ID starts with it.
func Find(msgs []Message, id string) (Message, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return Message{}, false
	}
	for _, m := range msgs {
		if m.ID == id {
			return m, true
		}
	}
	if len(id) < 4 {
		return Message{}, false
	}
	var found Message
	n := 0
	for _, m := range msgs {
		if strings.HasPrefix(m.ID, id) {
			found = m
			n++
		}
	}
	if n != 1 {
		return Message{}, false
	}
	return found, true
}

func displaySafe(m Message) Message {
	m.ID = Sanitize(m.ID, false)
	m.Name = Sanitize(m.Name, false)
	m.ReplyTo = Sanitize(m.ReplyTo, false)
	m.Message = Sanitize(m.Message, true)
	m.Fingerprint = Sanitize(m.Fingerprint, false)
	m.Remote = Sanitize(m.Remote, false)
	m.Via = Sanitize(m.Via, false)
	m.Checksum = Sanitize(m.Checksum, false)
	return m
}

// line is one line of the log.
type line struct {
	data     []byte // without the '\n'; nil if tooLong
	n        int64  // bytes consumed, '\n' included
	complete bool   // ended with '\n'
	tooLong  bool   // longer than maxLine
}

// readLine reads one line without ever buffering more than maxLine bytes
// of it. It returns io.EOF only when nothing is left.
func readLine(r *bufio.Reader) (line, error) {
	var ln line
	for {
		chunk, err := r.ReadSlice('\n')
		ln.n += int64(len(chunk))
		if !ln.tooLong {
			if len(ln.data)+len(chunk) > maxLine+1 {
				ln.tooLong, ln.data = true, nil
			} else {
				ln.data = append(ln.data, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == nil:
			ln.complete = true
			if !ln.tooLong {
				ln.data = ln.data[:len(ln.data)-1]
			}
			return ln, nil
		case err == io.EOF:
			if ln.n == 0 {
				return ln, io.EOF
			}
			if len(ln.data) > maxLine {
				ln.tooLong, ln.data = true, nil
			}
			return ln, nil
		default:
			return ln, err
		}
	}
}

// parseLine decodes a complete line and checks its checksum.
func parseLine(ln line) (Message, bool) {
	if ln.tooLong || !ln.complete {
		return Message{}, false
	}
	var m Message
	if err := json.Unmarshal(ln.data, &m); err != nil {
		return Message{}, false
	}
	return m, m.Valid()
}
