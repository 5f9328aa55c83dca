//go:build !linux

package main

import "github.com/pragyamugale/portfolio/internal/config"

// dropPrivileges is Linux-only; elsewhere the server runs as started.
func dropPrivileges(config.Config) error { return nil }
