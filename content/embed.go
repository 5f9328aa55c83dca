package content

import (
	"embed"
	"io/fs"
)

// files is the content shipped inside the binary, so a deployed server needs
// nothing on disk besides itself.
//
//go:embed profile.md skills.yaml contact.md projects/*.md
var files embed.FS

// Embedded returns the content files compiled into the binary, laid out as in
// this folder (profile.md, skills.yaml, contact.md, projects/*.md).
func Embedded() fs.FS { return files }

// Default loads and validates the embedded content. The embedded files are
// checked by the tests, so an error here means a broken build.
func Default() (*Portfolio, error) { return Load(Embedded()) }
