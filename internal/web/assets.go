package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"text/template"

	"github.com/pragyamugale/portfolio/internal/theme"
)

//go:embed static vendor/*.js vendor/*.css
var staticFS embed.FS

// asset is one file served under /assets/ by a name that carries its
// content hash, so it can be cached for a year: a new build that changes
// it changes its name.
type asset struct {
	name  string // e.g. "site.3f2a9c0d1e.css"
	ctype string
	body  []byte
	gz    []byte // gzipped body, or nil when gzip doesn't make it smaller
}

// assetSet is every embedded asset, by hashed name and by file name.
type assetSet struct{ byName, byFile map[string]*asset }

// shade is one palette role as CSS colours for both schemes.
type shade struct{ Dark, Light string }

// palette is the theme's truecolor tones by role: the page wears the
// terminal app's colours, chosen in one place (package theme), with the
// content's own accents (theme.yaml) when it has them.
func palette(set theme.Set) map[string]shade {
	m := map[string]shade{}
	for _, r := range set.Roles() {
		m[r.Name] = shade{Dark: r.Shade.Dark.True, Light: r.Shade.Light.True}
	}
	return m
}

// loadAssets reads the embedded static files, filling the palette into
// those that name colours, and names each by its hash.
func loadAssets(palet theme.Set) (*assetSet, error) {
	set := &assetSet{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	colours := palette(palet)
	const css, js = "text/css; charset=utf-8", "text/javascript; charset=utf-8"
	for _, f := range []struct{ file, ctype string }{
		{"static/site.css", css},
		{"static/copy.js", js},
		{"static/favicon.svg", "image/svg+xml"},
		// The live terminal's page only.
		{"static/terminal.css", css},
		{"static/terminal.js", js},
		{"vendor/xterm.js", js},
		{"vendor/xterm.css", css},
		{"vendor/addon-fit.js", js},
		{"vendor/addon-web-links.js", js},
	} {
		src, err := staticFS.ReadFile(f.file)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(f.file, "static/") && (strings.HasSuffix(f.file, ".css") || strings.HasSuffix(f.file, ".svg")) {
			t, err := template.New(f.file).Option("missingkey=error").Parse(string(src))
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := t.Execute(&buf, colours); err != nil {
				return nil, err
			}
			src = buf.Bytes()
		}
		set.add(path.Base(f.file), newAsset(path.Base(f.file), f.ctype, src))
	}
	return set, nil
}

// newAsset names body by its SHA-256 and compresses it once.
func newAsset(file, ctype string, body []byte) *asset {
	sum := sha256.Sum256(body)
	ext := path.Ext(file)
	a := &asset{
		name:  strings.TrimSuffix(file, ext) + "." + hex.EncodeToString(sum[:5]) + ext,
		ctype: ctype,
		body:  body,
	}
	if gz := gzipBytes(body); len(gz) < len(body) {
		a.gz = gz
	}
	return a
}

func (s *assetSet) add(file string, a *asset) {
	s.byName[a.name] = a
	s.byFile[file] = a
}

// url is the path of the asset whose unhashed name is file.
func (s *assetSet) url(file string) string {
	return "/assets/" + s.byFile[file].name
}

// ServeHTTP serves /assets/{name}, cached for a year.
func (s *assetSet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := s.byName[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	writeBody(w, r, a.body, a.gz)
}

// writeBody sends body, or its gzipped form to clients that take gzip.
func writeBody(w http.ResponseWriter, r *http.Request, body, gz []byte) {
	w.Header().Add("Vary", "Accept-Encoding")
	if gz != nil && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		body = gz
	}
	_, _ = w.Write(body)
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip
// (and doesn't refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}
