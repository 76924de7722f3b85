package bench

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// DefaultLinkDelay is the one-way delay of the slow link: 25 ms each way,
// a 50 ms round trip, as to a backend in another region or behind a VPN.
const DefaultLinkDelay = 25 * time.Millisecond

// slowLink is a TCP proxy on a loopback port that delivers every chunk it
// reads, in each direction, delay after it arrived, as a long link does:
// chunks in flight overlap (latency, not a bandwidth cap), and their order
// is kept. Remote-mode subjects reach the serve process through it to
// measure what a team far from its backend feels.
type slowLink struct {
	listener net.Listener
	upstream string
	delay    time.Duration
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
}

// startSlowLink listens on 127.0.0.1 (port chosen by the OS) and forwards
// every connection to upstream (host:port).
func startSlowLink(upstream string, delay time.Duration) (*slowLink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &slowLink{listener: l, upstream: upstream, delay: delay, conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// addr is the host:port clients dial.
func (s *slowLink) addr() string { return s.listener.Addr().String() }

func (s *slowLink) accept() {
	defer s.wg.Done()
	for {
		down, err := s.listener.Accept()
		if err != nil {
			return // closed
		}
		up, err := net.Dial("tcp", s.upstream)
		if err != nil {
			_ = down.Close() // the client sees the refused connection
			continue
		}
		s.track(down, up)
		s.wg.Add(1)
		go s.join(down, up)
	}
}

// join carries both directions of one connection, then closes both ends.
func (s *slowLink) join(down, up net.Conn) {
	defer s.wg.Done()
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); s.carry(down, up) }()
	go func() { defer both.Done(); s.carry(up, down) }()
	both.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range []net.Conn{down, up} {
		_ = c.Close() // both directions have ended
		delete(s.conns, c)
	}
}

func (s *slowLink) track(conns ...net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range conns {
		s.conns[c] = struct{}{}
	}
}

// chunk is what one read returned, and when it may be delivered.
type chunk struct {
	data []byte
	due  time.Time
}

// carry copies from src to dst, each chunk held until delay after it was
// read. A reader stamps chunks and queues them; a writer delivers each at
// its time, so a chunk read while another is in flight is not held longer.
// At src's end, dst's write side is closed once the queue has drained, so
// half-closes cross the link as they would a real one.
func (s *slowLink) carry(src, dst net.Conn) {
	queue := make(chan chunk, 1024)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range queue {
			time.Sleep(time.Until(c.due))
			if _, err := dst.Write(c.data); err != nil {
				_ = src.Close() // stops the reader; the peer has gone
				for range queue {
				}
				return
			}
		}
		if tcp, ok := dst.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
	}()
	for {
		buf := make([]byte, 32<<10)
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{data: buf[:n], due: time.Now().Add(s.delay)}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				_ = dst.Close()
			}
			break
		}
	}
	close(queue)
	<-done
}

// close stops accepting, cuts every connection and waits for the copies
// to end.
func (s *slowLink) close() error {
	err := s.listener.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close() // cutting the link is the point
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}
