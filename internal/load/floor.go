package load

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// floorHandshakeTimeout bounds a floor connection's SSH handshake.
const floorHandshakeTimeout = 10 * time.Second

// StartFloor starts the floor: a bare golang.org/x/crypto/ssh server on
// 127.0.0.1:0 with an in-memory ed25519 host key and no client auth. It
// accepts session channels, says yes to pty-req, shell, env and
// window-change, writes "floor quit\r\n" on shell, answers each key with one
// short line, and keeps the channel open until the client closes it. stop
// closes the listener and every connection and waits for them.
func StartFloor() (addr string, stop func(), err error) {
	return startFloor("quit")
}

// startFloor is StartFloor whose first line carries marker.
func startFloor(marker string) (string, func(), error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return "", nil, err
	}
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	f := &floor{
		ln:     ln,
		cfg:    cfg,
		banner: []byte("floor " + marker + "\r\n"),
		conns:  make(map[net.Conn]struct{}),
	}
	f.wg.Add(1)
	go f.serve()
	return ln.Addr().String(), f.stop, nil
}

type floor struct {
	ln     net.Listener
	cfg    *ssh.ServerConfig
	banner []byte

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
	once   sync.Once
}

var floorReply = []byte("floor key\r\n")

func (f *floor) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return // closed by stop
		}
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			c.Close()
			return
		}
		f.conns[c] = struct{}{}
		f.wg.Add(1)
		f.mu.Unlock()
		go f.handle(c)
	}
}

func (f *floor) stop() {
	f.once.Do(func() {
		f.mu.Lock()
		f.closed = true
		f.ln.Close()
		for c := range f.conns {
			c.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
}

func (f *floor) handle(c net.Conn) {
	defer f.wg.Done()
	defer func() {
		c.Close()
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
	}()
	c.SetDeadline(time.Now().Add(floorHandshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(c, f.cfg)
	if err != nil {
		return
	}
	defer sc.Close()
	c.SetDeadline(time.Time{})
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	// chans closes when the connection is gone, which ends its channels.
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			floorSession(ch, creqs, f.banner)
		}()
	}
}

// floorSession answers a session's requests; on shell it writes the banner
// and then one line per read of input until the client closes.
func floorSession(ch ssh.Channel, reqs <-chan *ssh.Request, banner []byte) {
	defer ch.Close()
	shell := false
	var done chan struct{}
	for req := range reqs {
		switch req.Type {
		case "pty-req", "env", "window-change":
			req.Reply(true, nil)
		case "shell":
			if shell {
				req.Reply(false, nil)
				continue
			}
			shell = true
			req.Reply(true, nil)
			done = make(chan struct{})
			go func() {
				defer close(done)
				defer ch.Close()
				if _, err := ch.Write(banner); err != nil {
					return
				}
				buf := make([]byte, 256)
				for {
					n, err := ch.Read(buf)
					if n > 0 {
						if _, werr := ch.Write(floorReply); werr != nil {
							return
						}
					}
					if err != nil {
						return // EOF: the client closed its side
					}
				}
			}()
		default:
			req.Reply(false, nil)
		}
	}
	// The request channel closes with the channel; let the echo loop end.
	ch.Close()
	if done != nil {
		<-done
	}
}
