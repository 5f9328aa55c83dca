// Command vulndb lays out a Go vulnerability database that govulncheck
// reads with -db file://DIR, from the OSV files of the golang.org/x/vulndb
// module (its data/osv/*.json), which the Go module proxy serves. It is for
// machines that reach the module proxy but not the public database; see
// scripts/vulncheck.
//
// The layout is the database's v1 API (go.dev/security/vuln/database):
//
//	DIR/index/db.json       {"modified": …}
//	DIR/index/modules.json  [{"path": …, "vulns": [{"id", "modified", "fixed"}]}]
//	DIR/ID/GO-YYYY-NNNN.json
//
// Usage:
//
//	go run ./internal/tools/vulndb -from $(vulndb module)/data/osv -to DIR [-modified RFC3339]
//
// The source repository leaves "modified" unset (the public database fills
// it in when it is published); -modified supplies it, for the module's own
// time, so govulncheck can report how old the database is.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/mod/semver"
)

// entry is the part of an OSV record the index needs; the record itself is
// copied byte for byte.
type entry struct {
	ID       string     `json:"id"`
	Modified time.Time  `json:"modified"`
	Affected []affected `json:"affected"`
}

type affected struct {
	Package struct {
		Name string `json:"name"`
	} `json:"package"`
	Ranges []osvRange `json:"ranges"`
}

type osvRange struct {
	Type   string `json:"type"`
	Events []struct {
		Introduced string `json:"introduced,omitempty"`
		Fixed      string `json:"fixed,omitempty"`
	} `json:"events"`
}

type dbMeta struct {
	Modified time.Time `json:"modified"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

// maxEntry bounds one OSV file (the largest in the database is a few
// hundred KiB).
const maxEntry = 8 << 20

func main() {
	from := flag.String("from", "", "folder of OSV files (the vulndb module's data/osv)")
	to := flag.String("to", "", "folder to write the database to (created; must not exist or be empty)")
	modified := flag.String("modified", "", "time (RFC 3339) for records that carry none; default now")
	flag.Parse()
	if *from == "" || *to == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: vulndb -from OSV_DIR -to DB_DIR [-modified RFC3339]")
		os.Exit(2)
	}
	when := time.Now().UTC().Truncate(time.Second)
	if *modified != "" {
		t, err := time.Parse(time.RFC3339, *modified)
		if err != nil {
			fmt.Fprintf(os.Stderr, "vulndb: -modified: %v\n", err)
			os.Exit(2)
		}
		when = t.UTC()
	}
	n, err := build(*from, *to, when)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vulndb: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("vulndb: %d records in %s\n", n, *to)
}

// build writes the database for the OSV files in from into to, and says how
// many records it holds.
func build(from, to string, when time.Time) (int, error) {
	files, err := filepath.Glob(filepath.Join(from, "*.json"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no OSV files in %s", from)
	}
	if err := os.MkdirAll(filepath.Join(to, "ID"), 0o755); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(to, "index"), 0o755); err != nil {
		return 0, err
	}
	db := dbMeta{}
	modules := map[string]*moduleMeta{}
	for _, f := range files {
		raw, err := readBounded(f)
		if err != nil {
			return 0, err
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, fmt.Errorf("%s: %w", f, err)
		}
		if e.ID == "" || filepath.Base(f) != e.ID+".json" {
			return 0, fmt.Errorf("%s: record id %q does not match the file name", f, e.ID)
		}
		if e.Modified.IsZero() {
			e.Modified = when
			if raw, err = setModified(raw, when); err != nil {
				return 0, fmt.Errorf("%s: %w", f, err)
			}
		}
		if err := os.WriteFile(filepath.Join(to, "ID", e.ID+".json"), raw, 0o644); err != nil {
			return 0, err
		}
		if e.Modified.After(db.Modified) {
			db.Modified = e.Modified
		}
		for _, a := range e.Affected {
			// OSV names the module as the affected package (the standard
			// library as "stdlib", the go command as "toolchain").
			m := modules[a.Package.Name]
			if m == nil {
				m = &moduleMeta{Path: a.Package.Name, Vulns: []moduleVuln{}}
				modules[a.Package.Name] = m
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified, Fixed: latestFix(a.Ranges)})
		}
	}
	list := make([]*moduleMeta, 0, len(modules))
	for _, m := range modules {
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	if err := writeJSON(filepath.Join(to, "index", "db.json"), db); err != nil {
		return 0, err
	}
	if err := writeJSON(filepath.Join(to, "index", "modules.json"), list); err != nil {
		return 0, err
	}
	return len(files), nil
}

// latestFix is the newest fixed version that no later introduction
// supersedes, as govulncheck's own index computes it; "" when a range is
// still open, which makes govulncheck read the record for every version.
func latestFix(ranges []osvRange) string {
	var latest string
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" && less(latest, e.Fixed) {
				latest = e.Fixed
			}
		}
		for _, e := range r.Events {
			if e.Introduced != "" && e.Introduced != "0" && less(latest, e.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}

// less orders OSV versions (semver without the "v"); "" is the least.
func less(a, b string) bool {
	if a == "" {
		return b != ""
	}
	if b == "" {
		return false
	}
	return semver.Compare("v"+a, "v"+b) < 0
}

// setModified writes the time into a record's "modified" field, keeping
// every other field as it is.
func setModified(raw []byte, when time.Time) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	t, err := json.Marshal(when)
	if err != nil {
		return nil, err
	}
	m["modified"] = t
	return json.Marshal(m)
}

func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxEntry+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxEntry {
		return nil, fmt.Errorf("%s: over the %d-byte bound for one record", name, maxEntry)
	}
	return raw, nil
}

func writeJSON(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}
