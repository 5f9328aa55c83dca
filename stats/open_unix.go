//go:build unix

package stats

import "syscall"

// noFollow opens never follow a symbolic link, and never block on a FIFO
// put in a file's place.
const noFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
