package backend_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

// turnCounter is a TCP proxy in front of PostgreSQL that counts round
// trips: each time a connection's client speaks after the server has
// answered it (or first), it starts one. Statements pipelined into one
// send count once, as they cost once.
type turnCounter struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	turns  int
}

func startTurnCounter(t *testing.T, target string) *turnCounter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &turnCounter{ln: ln, target: target}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { c.serve(client) })
		}
	})
	return c
}

func (c *turnCounter) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", c.target)
	if err != nil {
		return
	}
	defer server.Close()
	answered := true // the client's first send starts a round trip
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				mu.Lock()
				answered = true
				mu.Unlock()
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			mu.Lock()
			if answered {
				answered = false
				c.mu.Lock()
				c.turns++
				c.mu.Unlock()
			}
			mu.Unlock()
			if _, werr := server.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				break
			}
			break
		}
	}
	server.Close()
	<-done
}

func (c *turnCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.turns
}

// roundTrips is the fewest round trips to PostgreSQL do made in tries
// runs: the steady state, once the connections have prepared their
// statements.
func (c *turnCounter) roundTrips(tries int, do func(i int)) int {
	fewest := -1
	for i := range tries {
		before := c.count()
		do(i)
		if n := c.count() - before; fewest < 0 || n < fewest {
			fewest = n
		}
	}
	return fewest
}

// TestRoundTripsPerRequestOnPostgreSQL counts what the hot requests cost
// in round trips to PostgreSQL (issue 25): a GET of one object reads the
// credential, the environment's change number and the object in one
// statement; an access check reads the credential and the change number in
// one; a create-only PUT makes no more round trips than writeRoundTrips.
func TestRoundTripsPerRequestOnPostgreSQL(t *testing.T) {
	if !onPostgres() {
		t.Skip("runs in the PostgreSQL pass")
	}
	dbURL, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	counter := startTurnCounter(t, dbURL.Host)
	dbURL.Host = counter.ln.Addr().String()
	st, err := database.Open(context.Background(), dbURL.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := serveAPI(t, st, dbURL.String())
	a.uncheckedCopies = true
	owner, _, err := a.srv.BootstrapOwnerToken(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	a.owner = owner
	a.accessFixture("development")
	key := a.key("development", "read_write")
	a.expect(a.do(key, "PUT", "/v1/environments/development/permissions/read", `{"name":"Read"}`), 201)

	const tries = 8
	for _, c := range []struct {
		what string
		do   func(i int)
		want int
	}{
		{"GET of one object", func(int) {
			a.expect(a.do(key, "GET", "/v1/environments/development/permissions/read", ""), 200)
		}, 1},
		{"access check", func(int) {
			a.checkAccess(key, "development", "ada", "docs.write", "squad", 200)
		}, 1},
		{"create-only PUT", func(i int) {
			a.expect(a.do(key, "PUT", fmt.Sprintf("/v1/environments/development/permissions/p-%d", i), `{"name":"P"}`, "If-None-Match", "*"), 201)
		}, writeRoundTrips},
		{"PUT replacing an object", func(i int) {
			a.expect(a.do(key, "PUT", "/v1/environments/development/permissions/read", fmt.Sprintf(`{"name":"Read %d"}`, i)), 200)
		}, writeRoundTrips},
	} {
		got := counter.roundTrips(tries, c.do)
		t.Logf("%s: %d round trips to PostgreSQL", c.what, got)
		if got > c.want {
			t.Errorf("%s: %d round trips to PostgreSQL, want at most %d", c.what, got, c.want)
		}
	}
}

// writeRoundTrips bounds a PUT's round trips: the credential; the BEGIN,
// write lock, environment and the object replaced (read ahead); the
// object, its references, audit and change number with the COMMIT.
const writeRoundTrips = 3
