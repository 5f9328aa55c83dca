// Package hostkeys loads the server's SSH host key, creating it on first
// start. Visitors' clients remember the key, so it must stay the same across
// restarts: a new key means a frightening "host key changed" warning.
package hostkeys

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/pragyamugale/portfolio/internal/datafile"
)

// FileName is the name of the ed25519 private key inside the key directory.
const FileName = "ssh_host_ed25519_key"

// Key is a loaded host key.
type Key struct {
	Signer      gossh.Signer
	Path        string // file it was read from
	Fingerprint string // SHA256:… as printed by ssh-keygen -l
	Created     bool   // true when this start generated the key
}

// MaxKeyFile caps the host key file: an ed25519 key in PEM is some 400
// bytes. A larger file is refused (the server doesn't start, the error
// names the file and the cap): it is not the key the server made, and
// only the owner can say what it is.
const MaxKeyFile = 64 << 10

// LoadOrCreate reads the ed25519 host key from dir, generating it (mode
// 0600, directory 0700) when it doesn't exist yet. The key file is read
// only up to MaxKeyFile (a symlink is followed: a secret mounted as a
// link, as Kubernetes does, is the owner's choice).
func LoadOrCreate(dir string) (*Key, error) {
	path := filepath.Join(dir, FileName)
	data, err := readKey(dir, path)
	created := false
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data, err = create(dir, path)
		if err != nil {
			return nil, err
		}
		created = true
	case err != nil:
		return nil, fmt.Errorf("host key: %w", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	if t := signer.PublicKey().Type(); t != gossh.KeyAlgoED25519 {
		return nil, fmt.Errorf("host key %s: is %s, want ed25519", path, t)
	}
	return &Key{
		Signer:      signer,
		Path:        path,
		Fingerprint: gossh.FingerprintSHA256(signer.PublicKey()),
		Created:     created,
	}, nil
}

// FromPEM loads the host key from PEM text, as given in the
// PORTFOLIO_HOST_KEY environment variable (a Fly secret, say), so every
// machine of a deployment presents the same key.
func FromPEM(data []byte) (*Key, error) {
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("PORTFOLIO_HOST_KEY: %w", err)
	}
	if t := signer.PublicKey().Type(); t != gossh.KeyAlgoED25519 {
		return nil, fmt.Errorf("PORTFOLIO_HOST_KEY: is %s, want ed25519", t)
	}
	return &Key{
		Signer:      signer,
		Path:        "$PORTFOLIO_HOST_KEY",
		Fingerprint: gossh.FingerprintSHA256(signer.PublicKey()),
	}, nil
}

// readKey reads the key file, refused over MaxKeyFile.
func readKey(dir, path string) ([]byte, error) {
	return datafile.ReadFS(os.DirFS(dir), FileName, path, MaxKeyFile)
}

// KnownHostsLine is the line a visitor's known_hosts file holds for this
// key at host (a name or address) and port.
func (k *Key) KnownHostsLine(host string, port int) string {
	if port == 0 {
		port = 22
	}
	// Normalize writes "host" for port 22 and "[host]:port" otherwise,
	// IPv6 addresses included, as OpenSSH does.
	addr := knownhosts.Normalize(net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port)))
	return knownhosts.Line([]string{addr}, k.Signer.PublicKey())
}

// SSHFP is the DNS record that lets clients with VerifyHostKeyDNS check the
// key: algorithm 4 (Ed25519), fingerprint type 2 (SHA-256).
// The hash is over the key's SSH wire blob, as ssh-keygen -r computes it.
func (k *Key) SSHFP(host string) string {
	sum := sha256.Sum256(k.Signer.PublicKey().Marshal())
	return fmt.Sprintf("%s. IN SSHFP 4 2 %s", strings.TrimSuffix(host, "."), hex.EncodeToString(sum[:]))
}

// create writes a new key atomically: a crash never leaves a half-written
// key that would fail every later start.
func create(dir, path string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("host key directory: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("host key: generate: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "portfolio host key")
	if err != nil {
		return nil, fmt.Errorf("host key: encode: %w", err)
	}
	data := pem.EncodeToMemory(block)

	tmp, err := os.CreateTemp(dir, ".hostkey-*")
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("host key: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("host key: write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("host key: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	// Link rather than rename: if two processes start at once, the first
	// key wins and the second start reads it instead of replacing it.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKey(dir, path)
		}
		return nil, fmt.Errorf("host key: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the new name durable
		d.Close()
	}
	return data, nil
}
