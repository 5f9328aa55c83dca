package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/datafile"
)

// remoteIP is the client's address without the port.
func remoteIP(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// ownerKeys is the set of public keys allowed to read the inbox.
type ownerKeys map[string]bool

// maxOwnerKeys caps the --owner-keys file: a key line is under 1 KiB.
const maxOwnerKeys = 1 << 20

// loadOwnerKeys reads an authorized_keys file. A missing or unreadable file
// is an error at start-up, not a silently empty set.
func loadOwnerKeys(path string) (ownerKeys, error) {
	keys := ownerKeys{}
	if path == "" {
		return keys, nil
	}
	data, err := datafile.ReadFS(os.DirFS(filepath.Dir(path)), filepath.Base(path), path, maxOwnerKeys)
	if err != nil {
		return nil, fmt.Errorf("--owner-keys: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("--owner-keys %s:%d: %w", path, n, err)
		}
		keys[string(k.Marshal())] = true
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--owner-keys %s: no keys in file", path)
	}
	return keys, nil
}

// isOwner reports whether the session authenticated with an owner key. The
// key is the one the session proved it holds, read after authentication.
func (s *Server) isOwner(sess ssh.Session) bool {
	k := sess.PublicKey()
	return k != nil && s.owners[string(k.Marshal())]
}
