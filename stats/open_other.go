//go:build !unix

package stats

// noFollow is empty where the flags don't exist; the regular-file check
// after opening still applies.
const noFollow = 0
