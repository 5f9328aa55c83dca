package app

import (
	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/app/core"
)

// LoadContent checks and loads the content in dir (the embedded content
// when dir is ""), as `portfolio check` does (see core.LoadContent, which
// reloads use too).
func LoadContent(dir string, logger *log.Logger) (*content.Portfolio, error) {
	return core.LoadContent(dir, logger)
}
