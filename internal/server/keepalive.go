package server

import (
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// keepalive sends an SSH keepalive request every interval until the
// connection closes, and closes it when the client stops answering. Proxies
// such as Fly's cut TCP connections silent for 60 s, which would drop a
// visitor reading a long case study; keepalives keep the line warm. They
// never reach the UI, so they don't count as input for the idle timeout.
func keepalive(conn *gossh.ServerConn, interval time.Duration) {
	if interval <= 0 {
		return
	}
	closed := make(chan struct{})
	go func() {
		_ = conn.Wait()
		close(closed)
	}()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-closed:
			return
		case <-t.C:
		}
		replied := make(chan error, 1)
		go func() {
			// Any reply, even "unsupported", proves the client is there.
			_, _, err := conn.SendRequest("keepalive@openssh.com", true, nil)
			replied <- err
		}()
		select {
		case err := <-replied:
			if err != nil {
				_ = conn.Close()
				return
			}
		case <-time.After(interval):
			// No answer within a whole interval: the client is gone.
			_ = conn.Close()
			return
		case <-closed:
			return
		}
	}
}
