package server

import "testing"

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		public, listen string
		want           publicAddress
		cmd            string
	}{
		{"portfolio.example.com", "", publicAddress{"portfolio.example.com", 22}, "ssh portfolio.example.com"},
		{"portfolio.example.com:22", "", publicAddress{"portfolio.example.com", 22}, "ssh portfolio.example.com"},
		{"portfolio.example.com:2222", "", publicAddress{"portfolio.example.com", 2222}, "ssh -p 2222 portfolio.example.com"},
		{"[2001:db8::1]:2222", "", publicAddress{"2001:db8::1", 2222}, "ssh -p 2222 2001:db8::1"},
		{"", ":23234", publicAddress{"localhost", 23234}, "ssh -p 23234 localhost"},
		{"", "0.0.0.0:22", publicAddress{"localhost", 22}, "ssh localhost"},
		{"", "[::]:2022", publicAddress{"localhost", 2022}, "ssh -p 2022 localhost"},
		{"", "127.0.0.1:2022", publicAddress{"127.0.0.1", 2022}, "ssh -p 2022 127.0.0.1"},
	} {
		s := &Server{cfg: Config{PublicAddr: tc.public, Addr: tc.listen}}
		got := s.publicAddr()
		if got != tc.want || got.sshCommand() != tc.cmd || s.sshCommand() != tc.cmd {
			t.Errorf("public %q, listen %q: %+v, %q; want %+v, %q", tc.public, tc.listen, got, got.sshCommand(), tc.want, tc.cmd)
		}
	}
}
