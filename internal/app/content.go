package app

import (
	"fmt"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
)

// LoadContent checks and loads the content in dir (the embedded content
// when dir is ""), as `portfolio check` does: errors refuse it, each
// "file:line: message"; warnings are logged, each once per call. The
// server calls it at start (and a reload can call it again).
func LoadContent(dir string, logger *log.Logger) (*content.Portfolio, error) {
	r := content.Check(dir)
	if !r.OK() {
		return nil, fmt.Errorf("the content has %d %s (run `portfolio check` for the list):\n%w",
			len(r.Errors), plural(len(r.Errors), "error", "errors"), r.Err())
	}
	seen := make(map[string]bool, len(r.Warnings))
	for _, w := range r.Warnings {
		if s := w.String(); !seen[s] {
			seen[s] = true
			logger.Warn("content", "warning", s)
		}
	}
	return r.Portfolio, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
