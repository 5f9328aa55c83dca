package filestore

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// maxLine is the longest line the log parser accepts; longer ones are
// corrupt.
const maxLine = 1 << 20

// head is what the index keeps of one intact record.
type head struct {
	ID   string
	Time time.Time
}

// line is one line of the log.
type line struct {
	data     []byte // without the '\n'; nil if tooLong
	n        int64  // bytes consumed, '\n' included
	complete bool   // ended with '\n'
	tooLong  bool   // longer than maxLine
}

// readLine reads one line without ever buffering more than maxLine bytes
// of it. It returns io.EOF only when nothing is left. A line that fits the
// reader's buffer is returned in place, without a copy: it is valid only
// until the next read.
func readLine(r *bufio.Reader) (line, error) {
	chunk, err := r.ReadSlice('\n')
	if err == nil && len(chunk) <= maxLine+1 {
		// The common case: the whole line is in the buffer.
		return line{data: chunk[:len(chunk)-1], n: int64(len(chunk)), complete: true}, nil
	}
	ln := line{n: int64(len(chunk)), data: append([]byte(nil), chunk...)}
	for err == bufio.ErrBufferFull {
		chunk, err = r.ReadSlice('\n')
		ln.n += int64(len(chunk))
		if !ln.tooLong {
			if len(ln.data)+len(chunk) > maxLine+1 {
				ln.tooLong, ln.data = true, nil
			} else {
				ln.data = append(ln.data, chunk...)
			}
		}
	}
	switch {
	case err == nil:
		ln.complete = true
		if len(ln.data) > maxLine+1 {
			ln.tooLong = true
		}
		if ln.tooLong {
			ln.data = nil
		} else {
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
	}
	return ln, err
}

// scanLog reads the log from r, which starts at offset off, calling fn
// for every complete line with its offset and, if the line is an intact
// record, its head. It stops before an incomplete last line and returns
// the offset just past the last complete line and whether an incomplete
// line followed. Repair, the index and every read use it: there is one
// parser of the log.
func scanLog(r io.Reader, off int64, fn func(start int64, ln line, h head, ok bool)) (end int64, torn bool, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		ln, err := readLine(br)
		if err == io.EOF {
			return off, false, nil
		}
		if err != nil {
			return off, false, err
		}
		if !ln.complete {
			return off, true, nil
		}
		h, ok := parseHead(ln)
		fn(off, ln, h, ok)
		off += ln.n
	}
}

// parseHead checks one line of the log and returns the ID and time of the
// record it holds; ok is false for a torn or too long line, bad JSON or a
// bad checksum. Lines exactly as Append wrote them take a fast path that
// hashes the bytes without decoding them; anything else is decoded and
// checked in full.
func parseHead(ln line) (head, bool) {
	if ln.tooLong || !ln.complete {
		return head{}, false
	}
	if h, ok := quickHead(ln.data); ok {
		return h, true
	}
	m, ok := decodeRecord(ln.data)
	return head{ID: m.ID, Time: m.Time}, ok
}

// decodeRecord decodes a record in full and checks its checksum.
func decodeRecord(data []byte) (inbox.Message, bool) {
	var m inbox.Message
	if err := json.Unmarshal(data, &m); err != nil {
		return inbox.Message{}, false
	}
	return m, m.Valid()
}

// sumField is how Append's JSON ends: the checksum is the last field, and
// the sum covers the same bytes with the checksum empty.
const (
	sumField = `,"checksum":"sha256:`
	sumTail  = len(sumField) + sha256.Size*2 + len(`"}`)
)

// quickHead verifies a record written by Append without decoding it: the
// SHA-256 of its bytes with the checksum emptied must be the checksum (so
// the bytes are exactly what Append encoded), and the ID and time are read
// from their fixed places at the start.
func quickHead(data []byte) (head, bool) {
	p := len(data) - sumTail
	if p < 0 || !bytes.Equal(data[p:p+len(sumField)], []byte(sumField)) || !bytes.HasSuffix(data, []byte(`"}`)) {
		return head{}, false
	}
	var want [sha256.Size]byte
	if _, err := hex.Decode(want[:], data[p+len(sumField):len(data)-2]); err != nil {
		return head{}, false
	}
	h := sha256.New()
	h.Write(data[:p])
	h.Write([]byte(`,"checksum":""}`))
	var got [sha256.Size]byte
	if !bytes.Equal(h.Sum(got[:0]), want[:]) {
		return head{}, false
	}
	rest, ok := bytes.CutPrefix(data, []byte(`{"id":"`))
	if !ok {
		return head{}, false
	}
	id, rest, ok := bytes.Cut(rest, []byte(`","time":"`))
	if !ok || bytes.ContainsAny(id, `\"`) {
		return head{}, false
	}
	ts, _, ok := bytes.Cut(rest, []byte(`"`))
	if !ok {
		return head{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(ts))
	if err != nil {
		return head{}, false
	}
	return head{ID: string(id), Time: t}, true
}
