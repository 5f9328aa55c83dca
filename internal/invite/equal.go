package invite

import "crypto/subtle"

// Equal compares two codes in constant time.
func Equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
