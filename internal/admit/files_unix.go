//go:build unix

package admit

import "syscall"

// Files is the process's limit on open files (RLIMIT_NOFILE, as Go
// raised it at start), or 0 when it can't be read.
func Files() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 0
	}
	return int(r.Cur)
}
