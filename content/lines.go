package content

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Finding is one problem in the content: the file (as the owner named the
// folder), the line it is on (0 when it is about the file as a whole, such
// as a missing field), and what to do about it.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// String is "file:line: message", as compilers write it, so editors can
// jump to it; "file: message" when there is no line.
func (f Finding) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Message)
	}
	return f.File + ": " + f.Message
}

// yamlLines maps each key and list item of src to its line: "name",
// "links[0]", "links[0].url". src has already decoded, so it parses.
func yamlLines(src []byte) map[string]int {
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil
	}
	m := map[string]int{}
	var walk func(n ast.Node, path string)
	walk = func(n ast.Node, path string) {
		switch n := n.(type) {
		case *ast.MappingNode:
			for _, v := range n.Values {
				walk(v, path)
			}
		case *ast.MappingValueNode:
			tk := n.Key.GetToken()
			if tk == nil {
				return
			}
			name := tk.Value
			if path != "" {
				name = path + "." + name
			}
			if _, seen := m[name]; !seen {
				m[name] = tk.Position.Line
			}
			walk(n.Value, name)
		case *ast.SequenceNode:
			for i, v := range n.Values {
				name := fmt.Sprintf("%s[%d]", path, i)
				if tk := v.GetToken(); tk != nil {
					m[name] = tk.Position.Line
				}
				walk(v, name)
			}
		case *ast.TagNode:
			walk(n.Value, path)
		case *ast.AnchorNode:
			walk(n.Value, path)
		}
	}
	for _, d := range f.Docs {
		if d.Body != nil {
			walk(d.Body, "")
		}
	}
	return m
}

// itemLine is the line of item i of the list at path in file, or the
// list's own line.
func (l *loader) itemLine(file, path string, i int) int {
	if n := l.at(file, fmt.Sprintf("%s[%d]", path, i)); n > 0 {
		return n
	}
	return l.at(file, path)
}
