package content

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"

	"github.com/pragyamugale/portfolio/internal/theme"
)

// skeleton is what Init writes: every file and field the loader knows,
// each with a note, example values marked "# EXAMPLE".
//
//go:embed skeleton
var skeleton embed.FS

// InitValues fill a new content folder; each one left empty is written as
// a marked example.
type InitValues struct {
	Name    string // the owner's name
	Title   string // what they do
	Tagline string // a sentence about their work
	Email   string // an address for a mailto: link
	Website string // a profile or site, https://…
}

// Validate says what is wrong with a value, field by field.
func (v InitValues) Validate() error {
	var errs []error
	for _, f := range []struct{ name, value string }{
		{"name", v.Name}, {"title", v.Title}, {"tagline", v.Tagline}, {"email", v.Email}, {"website", v.Website},
	} {
		if msg := controlProblem(f.value, false); msg != "" {
			errs = append(errs, fmt.Errorf("%s %s", f.name, msg))
		}
	}
	if e := strings.TrimSpace(v.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Name != "" {
			errs = append(errs, fmt.Errorf("email %q is not an address such as you@example.org", sanitizeOneLine(e)))
		}
	}
	if w := strings.TrimSpace(v.Website); w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("website %q must be a full address such as https://example.org", sanitizeOneLine(w)))
		}
	}
	return errors.Join(errs...)
}

// skeletonLink is a link as the skeleton writes it.
type skeletonLink struct {
	Label, URL string // YAML-quoted
	Example    bool
}

// yamlQuote writes s as a YAML double-quoted string (Go's escapes are a
// subset of YAML's; the values have no control characters).
func yamlQuote(s string) string { return strconv.Quote(strings.TrimSpace(s)) }

// field is a YAML value: the owner's, or the example, marked.
func field(value, example string) string {
	if strings.TrimSpace(value) != "" {
		return yamlQuote(value)
	}
	return yamlQuote(example) + " # EXAMPLE"
}

// Init writes a content folder to fill in at dir: profile.md, skills.yaml,
// contact.md, projects/example-project.md and theme.yaml, every field with
// a note and the values given (examples, marked, for the others). It
// refuses a dir that exists and isn't empty, and returns the files it
// wrote. The folder passes Check as it is, with a warning per example.
func Init(dir string, v InitValues) ([]string, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	switch entries, err := os.ReadDir(dir); {
	case err == nil && len(entries) > 0:
		return nil, fmt.Errorf("%s is not empty: portfolio init writes only into a new or empty folder, so nothing is overwritten", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	var links []skeletonLink
	if e := strings.TrimSpace(v.Email); e != "" {
		links = append(links, skeletonLink{Label: yamlQuote("Email"), URL: yamlQuote("mailto:" + e)})
	}
	if w := strings.TrimSpace(v.Website); w != "" {
		links = append(links, skeletonLink{Label: yamlQuote("Website"), URL: yamlQuote(w)})
	}
	if len(links) == 0 {
		links = []skeletonLink{{Label: yamlQuote("Email"), URL: yamlQuote("mailto:you@example.org"), Example: true}}
	}
	data := struct {
		Name, Title, Tagline string
		Links                []skeletonLink
		Accent, Accent2      theme.Shade
	}{
		Name:    field(v.Name, "Your Name"),
		Title:   field(v.Title, "Software Engineer"),
		Tagline: field(v.Tagline, "I build dependable backend services and the tools around them."),
		Links:   links,
		Accent:  theme.Palette.Accent,
		Accent2: theme.Palette.Accent2,
	}
	var files []string
	err := fs.WalkDir(skeleton, "skeleton", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := skeleton.ReadFile(name)
		if err != nil {
			return err
		}
		t, err := template.New(name).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := t.Execute(&out, data); err != nil {
			return err
		}
		rel := strings.TrimPrefix(name, "skeleton/")
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		// O_EXCL: nothing is ever overwritten, even if the folder filled
		// up since it was found empty.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := f.Write(out.Bytes()); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		files = append(files, path)
		return nil
	})
	return files, err
}
