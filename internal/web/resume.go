package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/pragyamugale/portfolio/internal/resume"
)

// The CV at /resume.pdf (A4, or ?paper=letter) and /resume.json (JSON
// Resume), made once from the content. Their bytes are a function of the
// content alone, so the ETag (a hash of the bytes) stays the same across
// restarts and machines, and a browser or proxy revalidates with a 304.

// cvFile is one rendered CV.
type cvFile struct {
	body        []byte
	etag        string
	contentType string
	disposition string
}

func newCVFile(body []byte, f resume.Format, name string, attachment bool) *cvFile {
	sum := sha256.Sum256(body)
	kind := "inline"
	if attachment {
		kind = "attachment"
	}
	return &cvFile{
		body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, contentType: f.ContentType(),
		// filename* carries the owner's name in any script (RFC 6266).
		disposition: mime.FormatMediaType(kind, map[string]string{"filename": name}),
	}
}

// cvFiles are the CV's formats the web serves.
type cvFiles struct {
	a4, letter, json *cvFile
}

func (h *handler) buildCV() error {
	pf := h.o.Portfolio
	a4, err := resume.PDFBytes(pf, resume.A4)
	if err != nil {
		return fmt.Errorf("CV: %w", err)
	}
	letter, err := resume.PDFBytes(pf, resume.Letter)
	if err != nil {
		return fmt.Errorf("CV: %w", err)
	}
	js, err := resume.JSONBytes(pf)
	if err != nil {
		return fmt.Errorf("CV: %w", err)
	}
	name := resume.FileName(pf, resume.PDF)
	h.cv = cvFiles{
		a4:     newCVFile(a4, resume.PDF, name, true),
		letter: newCVFile(letter, resume.PDF, name, true),
		json:   newCVFile(js, resume.JSON, resume.FileName(pf, resume.JSON), false),
	}
	return nil
}

func (h *handler) resumePDF(w http.ResponseWriter, r *http.Request) {
	f := h.cv.a4
	switch r.URL.Query().Get("paper") {
	case "", "a4", "A4":
	case "letter", "Letter":
		f = h.cv.letter
	default:
		http.Error(w, "paper: use a4 or letter", http.StatusBadRequest)
		return
	}
	h.serveCV(w, r, f)
}

func (h *handler) resumeJSON(w http.ResponseWriter, r *http.Request) {
	h.serveCV(w, r, h.cv.json)
}

// serveCV answers with the file, or 304 to a request that has it
// (If-None-Match), or the ranges asked for (PDF viewers read in parts).
func (h *handler) serveCV(w http.ResponseWriter, r *http.Request, f *cvFile) {
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("Content-Disposition", f.disposition)
	hd.Set("ETag", f.etag)
	// An hour fresh, then revalidated: the content changes only with a
	// deploy, and then the ETag changes with it.
	hd.Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
