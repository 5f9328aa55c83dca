package server

import (
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Algorithms the server offers: modern only, no SHA-1 anywhere. Strict key
// exchange (the Terrapin fix) is always on in golang.org/x/crypto.
var (
	keyExchanges = []string{
		gossh.KeyExchangeMLKEM768X25519, // post-quantum hybrid
		gossh.KeyExchangeCurve25519,
	}
	ciphers = []string{
		gossh.CipherChaCha20Poly1305,
		gossh.CipherAES256GCM,
		gossh.CipherAES128GCM,
	}
	// MACs are only used with AES-CTR, which isn't offered; the list still
	// matters to scanners and keeps SHA-1 out.
	macs = []string{
		gossh.HMACSHA256ETM,
		gossh.HMACSHA512ETM,
	}
	// Visitors' keys: everything but ssh-rsa, whose signatures use SHA-1.
	publicKeyAuthAlgorithms = []string{
		gossh.KeyAlgoED25519,
		gossh.KeyAlgoSKED25519,
		gossh.KeyAlgoECDSA256, gossh.KeyAlgoECDSA384, gossh.KeyAlgoECDSA521,
		gossh.KeyAlgoSKECDSA256,
		gossh.KeyAlgoRSASHA512, gossh.KeyAlgoRSASHA256,
	}
)

// serverConfig is the SSH configuration for every connection.
func serverConfig(ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		Config: gossh.Config{
			KeyExchanges: keyExchanges,
			Ciphers:      ciphers,
			MACs:         macs,
		},
		PublicKeyAuthAlgorithms: publicKeyAuthAlgorithms,
		// A handful of tries is plenty for an agent full of keys.
		MaxAuthTries: 10,
	}
}
