//go:build !linux

package main

import "github.com/pragyamugale/portfolio/server"

// dropPrivileges is Linux-only; elsewhere the server runs as started.
func dropPrivileges(server.Config) error { return nil }
