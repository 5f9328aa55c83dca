//go:build !unix

package datafile

// NoFollow is O_NOFOLLOW where the system has it; elsewhere the regular
// file check after opening still refuses anything but a plain file.
const NoFollow = 0
