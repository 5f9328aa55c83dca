package content

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestInitWritesContentThatChecks: portfolio init's folder loads and
// passes Check as written, with the values given, every file and field the
// loader knows, examples marked (and reported as warnings), and nothing
// overwritten.
func TestInitWritesContentThatChecks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	files, err := Init(dir, InitValues{Name: "Ada Quinn \"AQ\"", Title: "Platform Engineer", Email: "ada@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	if got, want := strings.Join(rel, " "), "contact.md profile.md projects/example-project.md skills.yaml theme.yaml"; got != want {
		t.Errorf("files %s, want %s", got, want)
	}
	r := Check(dir)
	if !r.OK() {
		t.Fatalf("init's content fails check:\n%v", r.Err())
	}
	pf := r.Portfolio
	if pf.Profile.Name != `Ada Quinn "AQ"` || pf.Profile.Title != "Platform Engineer" ||
		len(pf.Profile.Links) != 1 || pf.Profile.Links[0].URL != "mailto:ada@example.org" {
		t.Errorf("profile = %+v", pf.Profile)
	}
	if p, err := LoadDir(dir); err != nil || p.Profile.Name != pf.Profile.Name {
		t.Errorf("LoadDir: %v", err)
	}
	// Every field of every file: the skeleton sets each key the loader's
	// YAML types know.
	for file, v := range map[string]any{"profile.md": profileYAML{}, "skills.yaml": skillsYAML{}, "contact.md": contactYAML{},
		"projects/example-project.md": projectYAML{}, "theme.yaml": themeYAML{}} {
		b, _ := os.ReadFile(filepath.Join(dir, file))
		for _, key := range yamlKeys(v) {
			if !strings.Contains(string(b), key+":") {
				t.Errorf("%s has no %q", file, key)
			}
		}
	}
	// The examples left are warnings, one per file, at their first line;
	// the given values are not examples.
	var examples []string
	for _, w := range r.Warnings {
		if strings.Contains(w.Message, "portfolio init") {
			examples = append(examples, w.String())
		}
	}
	if len(examples) != 4 { // profile, skills, contact, the project
		t.Errorf("example warnings:\n%s", strings.Join(examples, "\n"))
	}
	b, _ := os.ReadFile(filepath.Join(dir, "profile.md"))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "name:") || strings.HasPrefix(line, "title:") || strings.Contains(line, "mailto:") {
			if strings.Contains(line, "EXAMPLE") {
				t.Errorf("a given value is marked as an example: %s", line)
			}
		}
		if strings.HasPrefix(line, "tagline:") && !strings.Contains(line, "# EXAMPLE") {
			t.Errorf("the example tagline is not marked: %s", line)
		}
	}

	// Never over an existing folder with anything in it.
	if _, err := Init(dir, InitValues{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("init over a full folder: %v", err)
	}
	if _, err := Init(filepath.Join(t.TempDir(), "x"), InitValues{Email: "not an address", Website: "example.org"}); err == nil ||
		!strings.Contains(err.Error(), "email") || !strings.Contains(err.Error(), "website") {
		t.Errorf("bad values: %v", err)
	}
	// An existing empty folder is fine.
	empty := t.TempDir()
	if _, err := Init(empty, InitValues{}); err != nil {
		t.Errorf("init into an empty folder: %v", err)
	} else if r := Check(empty); !r.OK() {
		t.Errorf("all-example content fails check: %v", r.Err())
	}
}

// yamlKeys are the yaml tags of a struct's fields.
func yamlKeys(v any) []string {
	var keys []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		keys = append(keys, t.Field(i).Tag.Get("yaml"))
	}
	return keys
}
