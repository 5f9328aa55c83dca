package hostkeys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// pemOf encodes a private key as OpenSSH PEM, as ssh-keygen writes it.
func pemOf(t *testing.T, key any, passphrase string) []byte {
	t.Helper()
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = gossh.MarshalPrivateKey(key, "test")
	} else {
		block, err = gossh.MarshalPrivateKeyWithPassphrase(key, "test", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block)
}

func newEd25519(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func TestFromPEM(t *testing.T) {
	pub, priv := newEd25519(t)
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	data := pemOf(t, priv, "")

	k, err := FromPEM(data)
	if err != nil {
		t.Fatalf("FromPEM: %v", err)
	}
	if want := gossh.FingerprintSHA256(sshPub); k.Fingerprint != want {
		t.Errorf("Fingerprint = %s, want %s", k.Fingerprint, want)
	}
	if string(k.Signer.PublicKey().Marshal()) != string(sshPub.Marshal()) {
		t.Error("Signer is not the key in the PEM")
	}
	if k.Created {
		t.Error("Created = true for a key from PEM")
	}
	if strings.Contains(k.Path, string(data)) || strings.Contains(k.Path, "PRIVATE") {
		t.Errorf("Path leaks the key: %q", k.Path)
	}
	if !strings.Contains(k.Path, "PORTFOLIO_HOST_KEY") {
		t.Errorf("Path = %q, want it to name PORTFOLIO_HOST_KEY (the key's source)", k.Path)
	}

	// Without its final newline, as "$(cat key)" passes it to fly secrets
	// set, or with blank lines around it, the key still loads.
	for _, v := range []string{strings.TrimSpace(string(data)), "\n" + string(data) + "\n\n"} {
		if k2, err := FromPEM([]byte(v)); err != nil || k2.Fingerprint != k.Fingerprint {
			t.Errorf("FromPEM(%q…) = %v, %v", v[:12], k2, err)
		}
	}
	// The same key from the directory and from PEM has one fingerprint.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if kd, err := LoadOrCreate(dir); err != nil || kd.Fingerprint != k.Fingerprint {
		t.Errorf("LoadOrCreate of the same key = %v, %v; want fingerprint %s", kd, err, k.Fingerprint)
	}
}

func TestFromPEMRejects(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey := newEd25519(t)
	pub, _ := newEd25519(t)
	sshPub, _ := gossh.NewPublicKey(pub)

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"garbage", []byte("not a key"), ""},
		{"empty", nil, ""},
		{"truncated", pemOf(t, edKey, "")[:80], ""},
		{"rsa", pemOf(t, rsaKey, ""), "want ed25519"},
		{"ecdsa", pemOf(t, ecKey, ""), "want ed25519"},
		{"encrypted", pemOf(t, edKey, "secret"), ""},
		{"public key", gossh.MarshalAuthorizedKey(sshPub), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := FromPEM(tc.data)
			if err == nil {
				t.Fatalf("FromPEM = %+v, want an error", k)
			}
			if !strings.Contains(err.Error(), "PORTFOLIO_HOST_KEY") {
				t.Errorf("error %q does not name PORTFOLIO_HOST_KEY", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Errorf("error quotes the key: %q", err)
			}
		})
	}
}

func TestKnownHostsLine(t *testing.T) {
	_, priv := newEd25519(t)
	k, err := FromPEM(pemOf(t, priv, ""))
	if err != nil {
		t.Fatal(err)
	}
	keyText := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.Signer.PublicKey())))
	for _, tc := range []struct {
		host string
		port int
		want string // the address part
	}{
		{"example.com", 22, "example.com"},
		{"example.com", 0, "example.com"},
		{"example.com", 2222, "[example.com]:2222"},
		{"203.0.113.7", 2222, "[203.0.113.7]:2222"},
	} {
		line := k.KnownHostsLine(tc.host, tc.port)
		if want := tc.want + " " + keyText; line != want {
			t.Errorf("KnownHostsLine(%q, %d) = %q, want %q", tc.host, tc.port, line, want)
		}
		// x/crypto's known_hosts parser (what Go clients use) accepts it
		// for exactly that host and port.
		file := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cb, err := knownhosts.New(file)
		if err != nil {
			t.Fatalf("knownhosts.New(%q): %v", line, err)
		}
		port := tc.port
		if port == 0 {
			port = 22
		}
		addr := net.JoinHostPort(tc.host, strconv.Itoa(port))
		remote := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: port}
		if err := cb(addr, remote, k.Signer.PublicKey()); err != nil {
			t.Errorf("known_hosts line %q does not match %s: %v", line, addr, err)
		}
		if err := cb(net.JoinHostPort(tc.host, "2223"), remote, k.Signer.PublicKey()); err == nil {
			t.Errorf("known_hosts line %q matches port 2223 too", line)
		}
	}
}

func TestSSHFPMatchesSSHKeygen(t *testing.T) {
	_, priv := newEd25519(t)
	k, err := FromPEM(pemOf(t, priv, ""))
	if err != nil {
		t.Fatal(err)
	}
	rec := k.SSHFP("example.com")
	if !strings.HasPrefix(rec, "example.com. IN SSHFP 4 2 ") || len(strings.Fields(rec)[5]) != 64 {
		t.Errorf("SSHFP = %q, want \"example.com. IN SSHFP 4 2 <64 hex>\"", rec)
	}
	if got := k.SSHFP("example.com."); got != rec {
		t.Errorf("SSHFP of a name with the root dot = %q, want %q (one dot)", got, rec)
	}

	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ssh-keygen not found (required when CI is set)")
		}
		t.Skip("ssh-keygen not found")
	}
	pubFile := filepath.Join(t.TempDir(), "key.pub")
	if err := os.WriteFile(pubFile, gossh.MarshalAuthorizedKey(k.Signer.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(keygen, "-r", "example.com", "-f", pubFile).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -r: %v\n%s", err, out)
	}
	var want string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 6 && f[3] == "4" && f[4] == "2" {
			want = strings.Join(f[3:], " ")
		}
	}
	if want == "" {
		t.Fatalf("ssh-keygen -r printed no SHA-256 ed25519 record:\n%s", out)
	}
	if got := strings.Join(strings.Fields(rec)[3:], " "); !strings.EqualFold(got, want) {
		t.Errorf("SSHFP rdata = %q, ssh-keygen -r says %q", got, want)
	}
}
