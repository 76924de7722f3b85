package backend

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Transport returns an http.RoundTripper that serves requests with this
// server's handler in-process, without a socket, acting with owner rights.
// The provider uses it in embedded mode, so embedded and remote requests
// take exactly the same path through routing, validation and the store.
func (s *Server) Transport() http.RoundTripper {
	return inProcess{handler: s.handler}
}

// ServeAs serves r with this server's handler acting as p: the same
// routing, authorization, validation, preconditions and audit as a request
// carrying p's credential. The console calls it with the principal of a
// signed-in session; nothing arriving over the network can choose p.
func (s *Server) ServeAs(p domain.Principal, w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
}

type inProcess struct {
	handler http.Handler
}

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	w := &responseBuffer{header: http.Header{}}
	t.handler.ServeHTTP(w, req.WithContext(WithEmbeddedPrincipal(req.Context())))
	if req.Body != nil {
		req.Body.Close()
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return &http.Response{
		Status:        strconv.Itoa(w.status) + " " + http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// responseBuffer is the http.ResponseWriter of an in-process request.
type responseBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseBuffer) Header() http.Header { return w.header }

func (w *responseBuffer) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *responseBuffer) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}
