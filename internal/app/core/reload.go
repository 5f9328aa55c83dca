package core

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"charm.land/log/v2"
	"github.com/fsnotify/fsnotify"

	"github.com/pragyamugale/portfolio/content"
)

// LoadContent checks and loads the content in dir (the embedded content
// when dir is ""), as `portfolio check` does: errors refuse it, each
// "file:line: message"; warnings are logged, each once per call. The
// server calls it at start, and Reload on every reload.
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
			logger.Warn("content", "warning", printable(s))
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

// ErrNoContentDir is Reload's error without --content: the embedded
// content is part of the binary and can't change.
var ErrNoContentDir = errors.New("no --content folder: the embedded content is served, nothing to reload")

// Reload reads --content again and, if it loads, serves it from now on:
// new visitors and the web page get it at once, open sessions when their
// visitor next changes section. If it doesn't load, the running content
// stays and every problem is logged, file:line. why says what asked
// ("SIGHUP", "watch"), for the log. It returns the version served.
func (c *Core) Reload(why string) (uint64, error) {
	c.reloading.Lock()
	defer c.reloading.Unlock()
	cur := c.Content.Version()
	if c.Config.ContentDir == "" {
		c.Logger.Warn("content not reloaded", "why", why, "err", ErrNoContentDir)
		return cur.N, ErrNoContentDir
	}
	r := content.Check(c.Config.ContentDir)
	if !r.OK() {
		c.Logger.Error("content not reloaded: the running content stays; fix these and save again",
			"why", why, "dir", c.Config.ContentDir, "version", cur.N)
		for _, f := range r.Errors {
			c.Logger.Error("content problem", "err", printable(f.String()))
		}
		return cur.N, r.Err()
	}
	for _, w := range r.Warnings {
		c.Logger.Warn("content", "warning", printable(w.String()))
	}
	pf := r.Portfolio
	n := c.Content.Store(pf)
	c.Logger.Info("content reloaded", "why", why, "dir", c.Config.ContentDir, "version", n,
		"projects", len(pf.Projects))
	return n, nil
}

// WatchDebounce is how long the content folder must stay quiet after a
// change before it is read again: an editor's save (write a temporary
// file, rename it over the old one) or a copy of several files is one
// reload.
const WatchDebounce = 300 * time.Millisecond

// Watch reloads the content (Reload) whenever a file in --content or its
// folders changes, until ctx ends: fsnotify on every folder, so a file
// written in place, created, removed or renamed over (as editors and
// sftp save) counts; new folders are watched as they appear. It returns
// at once with an error when there is no folder to watch.
func (c *Core) Watch(ctx context.Context) error {
	dir := c.Config.ContentDir
	if dir == "" {
		return ErrNoContentDir
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("--watch: %w", err)
	}
	if err := watchTree(w, dir); err != nil {
		w.Close()
		return fmt.Errorf("--watch %s: %w", dir, err)
	}
	c.Logger.Info("watching content for changes", "dir", dir)
	go func() {
		defer w.Close()
		var fire <-chan time.Time
		var timer *time.Timer
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
						_ = watchTree(w, ev.Name)
					}
				}
				if timer == nil {
					timer = time.NewTimer(WatchDebounce)
				} else {
					timer.Reset(WatchDebounce)
				}
				fire = timer.C
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				c.Logger.Warn("content watch", "err", err)
			case <-fire:
				fire = nil
				_, _ = c.Reload("watch")
			}
		}
	}()
	return nil
}

// watchTree watches dir and every folder under it.
func watchTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return w.Add(path)
		}
		return nil
	})
}

// printable is a content finding as the log shows it: its words and
// quotes as written (they name the owner's own files), with any control
// or bidi control character (which the loader refuses, and which a finding
// may quote) replaced, so nothing in it can act on the terminal reading
// the log.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
