//go:build !unix

package inbox

// noFollow is O_NOFOLLOW where the system has it; elsewhere the regular
// file check after opening still refuses anything but a plain file.
const noFollow = 0
