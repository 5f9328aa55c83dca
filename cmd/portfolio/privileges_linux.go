package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/pragyamugale/portfolio/internal/config"
)

// dropPrivileges hands the data and key directories to an unprivileged user
// and becomes that user, when started as root with PORTFOLIO_RUN_AS=uid:gid
// (the container image sets it). Platforms such as Fly.io mount volumes
// owned by root, so the image starts as root only for this; it serves
// visitors as the unprivileged user. Outside a container it does nothing.
func dropPrivileges(cfg config.Config) error {
	spec := cfg.RunAs
	if spec == "" || os.Getuid() != 0 {
		return nil
	}
	u, g, ok := strings.Cut(spec, ":")
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if !ok || err1 != nil || err2 != nil || uid == 0 {
		return fmt.Errorf("PORTFOLIO_RUN_AS %q: want uid:gid of an unprivileged user", spec)
	}
	dirs := []string{cfg.DataDir}
	if cfg.HostKeyPEM == "" {
		dirs = append(dirs, cfg.HostKeyDir)
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("preparing %s: %w", dir, err)
		}
		if err := filepath.WalkDir(dir, func(path string, _ os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(path, uid, gid)
		}); err != nil {
			return fmt.Errorf("giving %s to %s: %w", dir, spec, err)
		}
	}
	// Go applies these to every thread of the process (Linux, Go ≥ 1.16).
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("dropping groups: %w", err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("setgid %d: %w", gid, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("setuid %d: %w", uid, err)
	}
	return nil
}
