package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
)

// newReloadCmd is `portfolio reload`: SIGHUP to the server running on
// this machine, which reads --content again. For a container with no
// shell and no kill (distroless), where the server may not be PID 1
// either (on Fly.io, Fly's init is): fly ssh console -C "portfolio reload".
func newReloadCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reload",
		Short: "Ask the server running on this machine to read --content again (SIGHUP)",
		Long: "Send SIGHUP to every portfolio server running on this machine (the same binary, serving):\n" +
			"each reads its --content folder again, or keeps what it serves and logs why not.\n" +
			"Linux only (it looks in /proc); elsewhere, kill -HUP <pid>.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			self, err := os.Readlink("/proc/self/exe")
			if err != nil {
				return fmt.Errorf("no /proc here: send SIGHUP to the server yourself (kill -HUP <pid>): %w", err)
			}
			pids := servers("/proc", self, os.Getpid())
			if len(pids) == 0 {
				return errors.New("no portfolio server is running on this machine")
			}
			for _, pid := range pids {
				p, err := os.FindProcess(pid)
				if err == nil {
					err = p.Signal(syscall.SIGHUP)
				}
				if err != nil {
					return fmt.Errorf("server %d: %w", pid, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "asked server %d to reload its content; its log says how it went\n", pid)
			}
			return nil
		},
	}
}

// servers lists the processes in proc (a /proc) running exe as the server
// (no subcommand: `portfolio inbox` would die of a SIGHUP), except self.
func servers(proc, exe string, self int) []int {
	entries, _ := os.ReadDir(proc)
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		if target, err := os.Readlink(filepath.Join(proc, e.Name(), "exe")); err != nil || target != exe {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(proc, e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
		if isServer(args) {
			out = append(out, pid)
		}
	}
	return out
}

// isServer reports whether a command line (argv) runs the server: the
// root command, not one of the owner's commands.
func isServer(argv [][]byte) bool {
	var args []string
	for _, a := range argv[min(1, len(argv)):] {
		args = append(args, string(a))
	}
	root := newRootCmd()
	c, _, err := root.Find(args)
	return err == nil && c == root
}
