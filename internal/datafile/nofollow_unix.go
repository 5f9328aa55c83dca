//go:build unix

package datafile

import "syscall"

// NoFollow makes opening a data file fail on a symlink (O_NOFOLLOW) and
// not wait on a FIFO (O_NONBLOCK, a no-op for the regular files accepted).
const NoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
