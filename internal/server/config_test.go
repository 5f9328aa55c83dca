package server

import "github.com/pragyamugale/portfolio/internal/config"

// Config is the portfolio's configuration, which the tests edit.
type Config = config.Config
