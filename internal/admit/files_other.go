//go:build !unix

package admit

// Files is 0 (unknown) where there is no RLIMIT_NOFILE: the caps stay as
// asked.
func Files() int { return 0 }
