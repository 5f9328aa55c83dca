package content

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/pragyamugale/portfolio/internal/datafile"
)

// File names inside a content folder. They are fixed so that the owner only
// has to know one layout.
const (
	profilePath = "profile.md"
	skillsPath  = "skills.yaml"
	contactPath = "contact.md"
	projectsDir = "projects"
)

// defaultContactHeading is used when contact.md leaves "heading" empty; it is
// the section's name in the original profile.
const defaultContactHeading = "Contact"

// slugPattern keeps slugs safe to use in URLs, commands and file names.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// The *YAML types mirror the YAML written by the owner. They are separate
// from the public types so the file format can change without touching the
// API, and so strict decoding rejects misspelt keys.
type (
	profileYAML struct {
		Name    string     `yaml:"name"`
		Title   string     `yaml:"title"`
		Tagline string     `yaml:"tagline"`
		Focus   []string   `yaml:"focus"`
		Links   []linkYAML `yaml:"links"`
		// For the CV: cv.go.
		Location     string       `yaml:"location"`
		Availability string       `yaml:"availability"`
		Experience   []jobYAML    `yaml:"experience"`
		Education    []schoolYAML `yaml:"education"`
	}
	linkYAML struct {
		Label string `yaml:"label"`
		URL   string `yaml:"url"`
	}
	skillsYAML struct {
		Areas  []string    `yaml:"areas"`
		Groups []groupYAML `yaml:"groups"`
	}
	groupYAML struct {
		Name  string   `yaml:"name"`
		Areas []string `yaml:"areas"`
		Items []string `yaml:"items"`
	}
	projectYAML struct {
		Title   string   `yaml:"title"`
		Slug    string   `yaml:"slug"`
		Summary string   `yaml:"summary"`
		Stack   []string `yaml:"stack"`
		Order   int      `yaml:"order"`
		// Highlights: see highlights.go.
		Highlights []string `yaml:"highlights"`
	}
	contactYAML struct {
		Heading string `yaml:"heading"`
	}
)

// Load reads and validates the content in fsys, laid out as profile.md,
// skills.yaml, contact.md and projects/*.md. It checks everything before
// returning, and on failure returns every problem found, joined with
// errors.Join, each naming its file, so the owner can fix them all at once.
func Load(fsys fs.FS) (*Portfolio, error) {
	return load(fsys, func(name string) string { return name })
}

// LoadDir is Load for a folder on disk, so the owner can edit the content
// without rebuilding. Problems name files by their path on disk.
func LoadDir(dir string) (*Portfolio, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("content directory %q does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("content directory %q: %w", dir, err)
	case !info.IsDir():
		return nil, fmt.Errorf("content directory %q is not a directory", dir)
	}
	return load(os.DirFS(dir), func(name string) string {
		return filepath.Join(dir, filepath.FromSlash(name))
	})
}

func load(fsys fs.FS, display func(string) string) (*Portfolio, error) {
	p, l := loadAll(fsys, display)
	if err := l.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// loadAll reads everything, keeping the loader for its findings and the
// line of every YAML key.
func loadAll(fsys fs.FS, display func(string) string) (*Portfolio, *loader) {
	l := &loader{fsys: fsys, display: display, lines: map[string]map[string]int{}, docs: map[string]document{}, texts: map[string]string{}}
	p := &Portfolio{
		Profile:  l.profile(),
		Skills:   l.skills(),
		Projects: l.projects(),
		Contact:  l.contact(),
	}
	p.Palette = l.theme()
	return p, l
}

// err joins the problems found, each as "file: message".
func (l *loader) err() error {
	if len(l.findings) == 0 {
		return nil
	}
	errs := make([]error, len(l.findings))
	for i, f := range l.findings {
		errs[i] = errors.New(f.File + ": " + f.Message)
	}
	return errors.Join(errs...)
}

// loader collects problems instead of stopping at the first, so one run
// tells the owner everything that needs fixing.
type loader struct {
	fsys     fs.FS
	display  func(string) string // file name as shown in errors
	findings []Finding
	// lines is the file line of every YAML key and list item, by file and
	// path ("links[0].url"), so a problem can point at its line.
	lines map[string]map[string]int
	docs  map[string]document // each Markdown file's parts, for Check
	texts map[string]string   // each file's text, for Check
	// base is the path of the list item being read ("groups[2].").
	base string
}

func (l *loader) problem(file, format string, args ...any) {
	l.problemAt(file, 0, format, args...)
}

// problemAt is a problem at a line of file (0: the file as a whole).
func (l *loader) problemAt(file string, line int, format string, args ...any) {
	l.findings = append(l.findings, Finding{File: l.display(file), Line: line, Message: fmt.Sprintf(format, args...)})
}

// at is the line of a YAML path in file, or 0.
func (l *loader) at(file, path string) int {
	return l.lines[file][path]
}

// MaxFile caps each content file: a long case study is tens of
// kilobytes. A larger file is refused (the server doesn't start) with an
// error naming the file and the cap, before it is read.
const MaxFile = 1 << 20

// read returns the file's text with a BOM removed and line endings turned
// into "\n", as editors on any system may save them.
func (l *loader) read(file string) (string, bool) {
	data, err := datafile.ReadFS(l.fsys, file, l.display(file), MaxFile)
	var big *datafile.TooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.problem(file, "file not found")
		return "", false
	case errors.As(err, &big):
		l.problem(file, "is %s, over the cap of %s for a content file; make it smaller", datafile.Size(big.Size), datafile.Size(big.Max))
		return "", false
	}
	if err != nil {
		l.problem(file, "%v", err)
		return "", false
	}
	// Invalid bytes could reach a terminal as raw C1 controls (0x9b is CSI).
	if !utf8.Valid(data) {
		l.problem(file, "not valid UTF-8 text; save the file as UTF-8")
		return "", false
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	l.texts[file] = text
	return text, true
}

// document is a Markdown file split at its front matter.
type document struct {
	yaml     string // front matter, padded so YAML line numbers match the file
	body     string
	bodyLine int // file line number of the body's first line
}

// split separates "---\n<yaml>\n---\n<markdown>". Blank lines before the
// first "---" are allowed because they are invisible in most editors.
func (l *loader) split(file, text string) (document, bool) {
	lines := strings.Split(text, "\n")
	isDelim := func(s string) bool { return strings.TrimRight(s, " \t") == "---" }
	open := 0
	for open < len(lines) && strings.TrimSpace(lines[open]) == "" {
		open++
	}
	if open == len(lines) || !isDelim(lines[open]) {
		l.problemAt(file, min(open+1, len(lines)), `missing front matter: the file must start with a line containing only "---"`)
		return document{}, false
	}
	for end := open + 1; end < len(lines); end++ {
		if isDelim(lines[end]) {
			return document{
				yaml:     strings.Repeat("\n", open+1) + strings.Join(lines[open+1:end], "\n"),
				body:     strings.Join(lines[end+1:], "\n"),
				bodyLine: end + 2,
			}, true
		}
	}
	l.problemAt(file, open+1, `front matter is not closed: add a line containing only "---" after the settings`)
	return document{}, false
}

// decode parses YAML strictly, so misspelt or unknown keys are reported
// instead of silently ignored.
func (l *loader) decode(file, what, src string, v any) bool {
	err := duplicateKey([]byte(src))
	if err == nil {
		err = yaml.UnmarshalWithOptions([]byte(src), v, yaml.Strict())
	}
	if err != nil {
		msg, line := friendlyYAMLError(err, v)
		if what != "" {
			msg = what + ": " + msg
		}
		l.problemAt(file, line, "%s", msg)
		return false
	}
	l.lines[file] = yamlLines([]byte(src))
	return true
}

// yamlKinds names the Go types of the *YAML fields as the kind of YAML
// value they take; yamlValues names the values go-yaml found.
var (
	yamlKinds  = map[string]string{"string": "text", "int": "a whole number", "[]string": "a list"}
	yamlValues = map[string]string{"[]interface {}": "a list", "map[string]interface {}": "settings"}
)

// friendlyYAMLError words go-yaml's error for a non-programmer, from its
// typed fields: "line 3, column 1: …", and for a value of the wrong kind,
// the YAML key and the kind of value it needs instead of Go type names.
func friendlyYAMLError(err error, v any) (string, int) {
	var (
		ye  yaml.Error
		te  *yaml.TypeError
		oe  *yaml.OverflowError
		dup *duplicateKeyError
		msg string
	)
	switch {
	case errors.As(err, &dup):
		return fmt.Sprintf("line %d, column %d: mapping key %q already defined at line %d", dup.line, dup.column, dup.key, dup.firstLine), dup.line
	case errors.As(err, &te):
		msg = fmt.Sprintf("cannot unmarshal %s into %s", kindOf(te.SrcType), fieldDescription(te, reflect.TypeOf(v)))
	case errors.As(err, &oe):
		msg = fmt.Sprintf("the number %s is too large", oe.SrcNum)
	case errors.As(err, &ye):
		msg = ye.GetMessage()
	default:
		return strings.TrimSpace(err.Error()), 0
	}
	line := 0
	if errors.As(err, &ye) && ye.GetToken() != nil {
		tk := ye.GetToken()
		line = tk.Position.Line
		msg = fmt.Sprintf("line %d, column %d: %s", tk.Position.Line, tk.Position.Column, msg)
	}
	return strings.TrimSpace(msg), line
}

// fieldDescription names the field of a type error by its YAML key (the
// lower-cased Go field name in every *YAML type) and the kind it needs.
// go-yaml names the outermost field ("skillsYAML.Groups") even when the
// wrong value sits deeper (a group's name): then the key is given as
// where the value is, not as the field that needs the kind.
func fieldDescription(te *yaml.TypeError, dst reflect.Type) string {
	kind, ok := yamlKinds[te.DstType.String()]
	if !ok {
		kind = "a list of settings"
	}
	if te.StructFieldName == nil {
		return "a value that must be " + kind
	}
	goName := *te.StructFieldName
	goName = goName[strings.LastIndexByte(goName, '.')+1:]
	key := strings.ToLower(goName)
	for dst != nil && dst.Kind() == reflect.Pointer {
		dst = dst.Elem()
	}
	if dst != nil && dst.Kind() == reflect.Struct {
		if f, ok := dst.FieldByName(goName); ok && f.Type != te.DstType {
			return fmt.Sprintf("a value under %q that must be %s", key, kind)
		}
	}
	return fmt.Sprintf("field %q, which must be %s", key, kind)
}

// kindOf names the kind of value go-yaml found.
func kindOf(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	if k, ok := yamlValues[t.String()]; ok {
		return k
	}
	return t.String()
}

// duplicateKeyError is a key set twice in one mapping. go-yaml's parser
// reports it as a plain syntax error whose text carries the first key's
// position, so it is found here, from the syntax tree, with both.
type duplicateKeyError struct {
	key                     string
	line, column, firstLine int
}

func (e *duplicateKeyError) Error() string {
	return fmt.Sprintf("[%d:%d] mapping key %q already defined at [%d]", e.line, e.column, e.key, e.firstLine)
}

// duplicateKey returns the first key set twice in one mapping of src, or
// nil (also when src doesn't parse: decoding then reports why).
func duplicateKey(src []byte) error {
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil
	}
	var found *duplicateKeyError
	for _, doc := range f.Docs {
		if doc.Body != nil && found == nil {
			ast.Walk(dupFinder{&found}, doc.Body)
		}
	}
	if found == nil {
		return nil
	}
	return found
}

// dupFinder is the ast.Visitor behind duplicateKey.
type dupFinder struct{ found **duplicateKeyError }

func (d dupFinder) Visit(n ast.Node) ast.Visitor {
	if *d.found != nil {
		return nil
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		return d
	}
	first := make(map[string]int, len(m.Values)) // key → line
	for _, v := range m.Values {
		tk := v.Key.GetToken()
		if tk == nil {
			continue
		}
		if line, dup := first[tk.Value]; dup {
			*d.found = &duplicateKeyError{key: tk.Value, line: tk.Position.Line, column: tk.Position.Column, firstLine: line}
			return nil
		}
		first[tk.Value] = tk.Position.Line
	}
	return d
}

// text trims a one-line field and rejects control characters, which could
// smuggle escape sequences into visitors' terminals.
func (l *loader) text(file, ctx, key, s string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			l.problem(file, "%smissing required field %q", ctx, key)
		}
		return ""
	}
	if msg := controlProblem(s, false); msg != "" {
		l.problemAt(file, l.at(file, l.base+key), "%sfield %q %s", ctx, key, msg)
	}
	return s
}

// list trims every item of a list field, rejecting empty, duplicate and
// unsafe items.
func (l *loader) list(file, ctx, key string, items []string, required bool) []string {
	if len(items) == 0 {
		if required {
			l.problem(file, "%smissing required field %q (a list with at least one item)", ctx, key)
		}
		return nil
	}
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for i, item := range items {
		item = strings.TrimSpace(item)
		line := l.itemLine(file, l.base+key, i)
		switch {
		case item == "":
			l.problemAt(file, line, "%sfield %q: item %d is empty", ctx, key, i+1)
		case seen[item]:
			l.problemAt(file, line, "%sfield %q: %q is listed twice", ctx, key, item)
		default:
			if msg := controlProblem(item, false); msg != "" {
				l.problemAt(file, line, "%sfield %q: item %d %s", ctx, key, i+1, msg)
			}
		}
		seen[item] = true
		out = append(out, item)
	}
	return out
}

// markdown trims a Markdown body, allowing only newlines and tabs as
// control characters, and reports the file line of any other.
func (l *loader) markdown(file string, doc document, required bool) string {
	body := strings.TrimSpace(doc.body)
	if body == "" {
		if required {
			l.problemAt(file, doc.bodyLine-1, `body is empty: write the text below the closing "---"`)
		}
		return ""
	}
	for i, line := range strings.Split(doc.body, "\n") {
		if msg := controlProblem(line, true); msg != "" {
			l.problemAt(file, doc.bodyLine+i, "body line %d %s", doc.bodyLine+i, msg)
		}
	}
	return body
}

// controlProblem describes the first control character in s, or returns "".
func controlProblem(s string, markdown bool) string {
	for _, r := range s {
		switch {
		case markdown && (r == '\n' || r == '\t'):
		case r == '\n':
			return "contains a line break; keep it on one line"
		case unicode.IsControl(r):
			return fmt.Sprintf("contains control character %U, which is not allowed", r)
		}
	}
	return ""
}

func (l *loader) profile() Profile {
	const file = profilePath
	text, ok := l.read(file)
	if !ok {
		return Profile{}
	}
	doc, ok := l.split(file, text)
	if !ok {
		return Profile{}
	}
	l.docs[file] = doc
	var raw profileYAML
	if !l.decode(file, "front matter", doc.yaml, &raw) {
		return Profile{}
	}
	p := Profile{
		Name:    l.text(file, "", "name", raw.Name, true),
		Title:   l.text(file, "", "title", raw.Title, true),
		Tagline: l.text(file, "", "tagline", raw.Tagline, true),
		Focus:   l.list(file, "", "focus", raw.Focus, false),
		Body:    l.markdown(file, doc, false),

		Location:     l.text(file, "", "location", raw.Location, false),
		Availability: l.text(file, "", "availability", raw.Availability, false),
		Experience:   l.experience(file, doc.yaml, raw.Experience),
		Education:    l.education(file, doc.yaml, raw.Education),
	}
	for i, rl := range raw.Links {
		ctx := fmt.Sprintf("links item %d: ", i+1)
		l.base = fmt.Sprintf("links[%d].", i)
		link := Link{
			Label: l.text(file, ctx, "label", rl.Label, true),
			URL:   l.text(file, ctx, "url", rl.URL, true),
		}
		// A bare "github.com/x" would make a broken hyperlink.
		if u, err := url.Parse(link.URL); link.URL != "" && (err != nil || u.Scheme == "") {
			l.problemAt(file, l.at(file, l.base+"url"), "%surl %q must be a full address such as https://… or mailto:…", ctx, link.URL)
		}
		l.base = ""
		p.Links = append(p.Links, link)
	}
	return p
}

func (l *loader) skills() Skills {
	const file = skillsPath
	text, ok := l.read(file)
	if !ok {
		return Skills{}
	}
	var raw skillsYAML
	if !l.decode(file, "", text, &raw) {
		return Skills{}
	}
	s := Skills{Areas: l.list(file, "", "areas", raw.Areas, true)}
	known := make(map[string]bool, len(s.Areas))
	for _, a := range s.Areas {
		known[a] = true
	}
	used := make(map[string]bool, len(s.Areas))
	if len(raw.Groups) == 0 {
		l.problemAt(file, l.at(file, "groups"), "missing required field %q (a list with at least one group)", "groups")
	}
	names := make(map[string]bool, len(raw.Groups))
	for i, rg := range raw.Groups {
		ctx := fmt.Sprintf("group %d: ", i+1)
		l.base = fmt.Sprintf("groups[%d].", i)
		g := SkillGroup{Name: l.text(file, ctx, "name", rg.Name, true)}
		if g.Name != "" {
			ctx = fmt.Sprintf("group %q: ", g.Name)
			if names[g.Name] {
				l.problemAt(file, l.at(file, l.base+"name"), "duplicate group name %q", g.Name)
			}
			names[g.Name] = true
		}
		g.Areas = l.list(file, ctx, "areas", rg.Areas, true)
		g.Items = l.list(file, ctx, "items", rg.Items, true)
		for j, a := range g.Areas {
			used[a] = true
			if a != "" && !known[a] && len(s.Areas) > 0 {
				l.problemAt(file, l.itemLine(file, l.base+"areas", j), "%sunknown area %q (areas are: %s)", ctx, a, strings.Join(s.Areas, ", "))
			}
		}
		l.base = ""
		s.Groups = append(s.Groups, g)
	}
	// An area no group uses would be a filter that shows nothing.
	if len(raw.Groups) > 0 {
		for j, a := range s.Areas {
			if a != "" && !used[a] {
				l.problemAt(file, l.itemLine(file, "areas", j), "area %q is not used by any group", a)
			}
		}
	}
	return s
}

func (l *loader) projects() []Project {
	entries, err := fs.ReadDir(l.fsys, projectsDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.problem(projectsDir+"/", "%v", err)
		return nil
	}
	type sortable struct {
		Project
		order int
	}
	var list []sortable
	found := 0                    // project files seen, valid or not
	slugs := map[string]string{}  // slug → file
	titles := map[string]string{} // lower-case title → file
	for _, e := range entries {
		name := e.Name()
		// Hidden files are editor back-ups and lock files, not projects.
		if e.IsDir() || !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") {
			continue
		}
		file := path.Join(projectsDir, name)
		found++
		p, order, ok := l.project(file)
		if !ok {
			continue
		}
		if p.Slug != "" {
			if other, dup := slugs[p.Slug]; dup {
				l.problemAt(file, l.at(file, "slug"), "duplicate project slug %q (also in %s)", p.Slug, l.display(other))
			} else {
				slugs[p.Slug] = file
			}
		}
		if p.Title != "" {
			key := strings.ToLower(p.Title)
			if other, dup := titles[key]; dup {
				l.problemAt(file, l.at(file, "title"), "duplicate project title %q (also in %s)", p.Title, l.display(other))
			} else {
				titles[key] = file
			}
		}
		list = append(list, sortable{p, order})
	}
	if found == 0 {
		l.problem(projectsDir+"/", "no project files found; add at least one, e.g. projects/my-project.md")
		return nil
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].order != list[j].order {
			return list[i].order < list[j].order
		}
		return list[i].Slug < list[j].Slug
	})
	out := make([]Project, len(list))
	for i, s := range list {
		out[i] = s.Project
	}
	return out
}

func (l *loader) project(file string) (Project, int, bool) {
	text, ok := l.read(file)
	if !ok {
		return Project{}, 0, false
	}
	doc, ok := l.split(file, text)
	if !ok {
		return Project{}, 0, false
	}
	l.docs[file] = doc
	var raw projectYAML
	if !l.decode(file, "front matter", doc.yaml, &raw) {
		return Project{}, 0, false
	}
	p := Project{
		Title:   l.text(file, "", "title", raw.Title, true),
		Slug:    l.text(file, "", "slug", raw.Slug, false),
		Summary: l.text(file, "", "summary", raw.Summary, true),
		Stack:   l.list(file, "", "stack", raw.Stack, true),
		Body:    l.markdown(file, doc, true),
		Source:  file,
	}
	p.Highlights = l.highlights(file, raw.Highlights)
	if p.Slug == "" {
		p.Slug = strings.ToLower(strings.TrimSuffix(path.Base(file), ".md"))
		if !slugPattern.MatchString(p.Slug) {
			l.problem(file, "file name gives the invalid slug %q; rename the file or set \"slug:\" "+
				"(lowercase letters, digits and dashes, starting with a letter or digit)", p.Slug)
		}
	} else if !slugPattern.MatchString(p.Slug) {
		l.problemAt(file, l.at(file, "slug"), "invalid slug %q: use lowercase letters, digits and dashes, starting with a letter or digit", p.Slug)
	}
	return p, raw.Order, true
}

func (l *loader) contact() Contact {
	const file = contactPath
	text, ok := l.read(file)
	if !ok {
		return Contact{}
	}
	doc, ok := l.split(file, text)
	if !ok {
		return Contact{}
	}
	l.docs[file] = doc
	var raw contactYAML
	if !l.decode(file, "front matter", doc.yaml, &raw) {
		return Contact{}
	}
	c := Contact{
		Heading: l.text(file, "", "heading", raw.Heading, false),
		Body:    l.markdown(file, doc, true),
	}
	if c.Heading == "" {
		c.Heading = defaultContactHeading
	}
	return c
}
