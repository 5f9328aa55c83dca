package main

// Tests of `portfolio hostkey` (hostkey.go): its records against
// OpenSSH's, and the key it reads from PORTFOLIO_HOST_KEY.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/hostkeys"
)

// hostkeyOutput runs `portfolio hostkey` with args and returns its
// fingerprint, known_hosts and SSHFP lines.
func hostkeyOutput(t *testing.T, args ...string) (fp, knownHosts, sshfp string) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"hostkey"}, args...))
	if err := cmd.Execute(); err != nil {
		t.Fatalf("hostkey %q: %v\n%s", args, err, out.String())
	}
	section := ""
	for _, l := range strings.Split(out.String(), "\n") {
		switch {
		case strings.HasPrefix(l, "# fingerprint"):
			section = "fp"
		case strings.HasPrefix(l, "# known_hosts"):
			section = "kh"
		case strings.HasPrefix(l, "# SSHFP"):
			section = "sshfp"
		case l == "":
		default:
			switch section {
			case "fp":
				fp = l
			case "kh":
				knownHosts = l
			case "sshfp":
				sshfp = l
			}
		}
	}
	if fp == "" || knownHosts == "" || sshfp == "" {
		t.Fatalf("hostkey output lacks a section:\n%s", out.String())
	}
	return fp, knownHosts, sshfp
}

func requireSSHKeygen(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ssh-keygen")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ssh-keygen not found (required when CI is set)")
		}
		t.Skip("ssh-keygen not found")
	}
	return p
}

func sshKeygen(t *testing.T, keygen string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, keygen, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen %q: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestHostKeyCommandRecordsMatchOpenSSH(t *testing.T) {
	keygen := requireSSHKeygen(t)
	clearEnv(t)
	t.Setenv("PORTFOLIO_HOST_KEY", "")
	os.Unsetenv("PORTFOLIO_HOST_KEY")
	dir := filepath.Join(t.TempDir(), "keys")

	fp, kh, sshfp := hostkeyOutput(t, "--host-key-dir", dir, "--host", "example.com", "--port", "2222")
	if !strings.HasPrefix(kh, "[example.com]:2222 ssh-ed25519 ") {
		t.Errorf("known_hosts line for port 2222 = %q, want [example.com]:2222 ssh-ed25519 …", kh)
	}
	khFile := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(khFile, []byte(kh+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// ssh-keygen reads the line and prints its fingerprint…
	f := strings.Fields(sshKeygen(t, keygen, "-l", "-f", khFile))
	if len(f) < 3 || f[1] != fp || f[2] != "[example.com]:2222" {
		t.Errorf("ssh-keygen -l = %q, want %s for [example.com]:2222", f, fp)
	}
	// …and finds it for that host and port.
	if out := sshKeygen(t, keygen, "-F", "[example.com]:2222", "-f", khFile); !strings.Contains(out, "ssh-ed25519") {
		t.Errorf("ssh-keygen -F [example.com]:2222 found nothing:\n%s", out)
	}

	// A server on the same key directory presents that key.
	addr := freeAddr(t)
	hk, err := runServing(t, addr, "--addr", addr, "--host-key-dir", dir)
	if err != nil {
		t.Fatalf("serving: %v", err)
	}
	if got := gossh.FingerprintSHA256(hk); got != fp || got != f[1] {
		t.Errorf("server presented %s; hostkey printed %s, ssh-keygen %s", got, fp, f[1])
	}

	// The SSHFP record is ssh-keygen -r's SHA-256 one for the same key.
	kf := strings.Fields(kh)
	pubFile := filepath.Join(t.TempDir(), "key.pub")
	if err := os.WriteFile(pubFile, []byte(kf[1]+" "+kf[2]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var want string
	for _, l := range strings.Split(sshKeygen(t, keygen, "-r", "example.com", "-f", pubFile), "\n") {
		if r := strings.Fields(l); len(r) == 6 && r[3] == "4" && r[4] == "2" {
			want = strings.Join(r, " ")
		}
	}
	got := strings.Fields(sshfp)
	if want == "" || len(got) != 6 {
		t.Fatalf("SSHFP %q; ssh-keygen -r type 2: %q", sshfp, want)
	}
	// ssh-keygen writes the owner name as given; ours is fully qualified.
	got[0] = strings.TrimSuffix(got[0], ".")
	if !strings.EqualFold(strings.Join(got, " "), want) {
		t.Errorf("SSHFP = %q, ssh-keygen -r says %q", sshfp, want)
	}

	// Port 22, given or by default: a bare host.
	for _, args := range [][]string{{"--port", "22"}, nil} {
		_, kh22, _ := hostkeyOutput(t, append([]string{"--host-key-dir", dir, "--host", "example.com"}, args...)...)
		if !strings.HasPrefix(kh22, "example.com ssh-ed25519 ") || strings.Fields(kh22)[2] != kf[2] {
			t.Errorf("known_hosts line for port 22 (%q) = %q, want example.com ssh-ed25519 <the key>", args, kh22)
		}
		if err := os.WriteFile(khFile, []byte(kh22+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if out := sshKeygen(t, keygen, "-F", "example.com", "-f", khFile); !strings.Contains(out, "ssh-ed25519") {
			t.Errorf("ssh-keygen -F example.com found nothing in %q", kh22)
		}
	}
}

func TestHostKeyCommandUsesEnvKey(t *testing.T) {
	clearEnv(t)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(block))
	want, err := hostkeys.FromPEM([]byte(keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	// As `fly secrets set PORTFOLIO_HOST_KEY="$(cat key)"` stores it: no
	// final newline.
	t.Setenv("PORTFOLIO_HOST_KEY", strings.TrimSpace(keyPEM))
	dir := filepath.Join(t.TempDir(), "keys")

	fp, kh, _ := hostkeyOutput(t, "--host-key-dir", dir, "--host", "example.com")
	if fp != want.Fingerprint {
		t.Errorf("hostkey with PORTFOLIO_HOST_KEY printed %s, want %s", fp, want.Fingerprint)
	}
	if !strings.HasSuffix(kh, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(want.Signer.PublicKey())))) {
		t.Errorf("known_hosts line %q is not for PORTFOLIO_HOST_KEY's key", kh)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("hostkey created the key dir despite PORTFOLIO_HOST_KEY: %v", err)
	}

	// The server run by the same command presents it too.
	addr := freeAddr(t)
	hk, err := runServing(t, addr, "--addr", addr, "--host-key-dir", dir)
	if err != nil {
		t.Fatalf("serving: %v", err)
	}
	if got := gossh.FingerprintSHA256(hk); got != want.Fingerprint {
		t.Errorf("server presented %s, want PORTFOLIO_HOST_KEY's %s", got, want.Fingerprint)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the server created the key dir despite PORTFOLIO_HOST_KEY: %v", err)
	}

	// A bad secret stops the command, naming the variable.
	t.Setenv("PORTFOLIO_HOST_KEY", "garbage")
	cmd := newRootCmd()
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"hostkey", "--host-key-dir", dir})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "PORTFOLIO_HOST_KEY") {
		t.Errorf("hostkey with a bad PORTFOLIO_HOST_KEY = %v, want an error naming it", err)
	}
}
