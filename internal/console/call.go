package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The console calls the backend's operations in-process, as the signed-in
// token's principal, through the backend's own handler (Server.ServeAs):
// the same door the embedded provider uses. The operations are the API's
// huma handlers, whose inputs include what travels in headers and query
// (If-Match, Idempotency-Key, filters, cursors); calling them through the
// handler, without a socket, gives the console exactly the API's
// authorization, validation, preconditions, rate limit and audit, with no
// second path to keep in step.
//
// Two reads are the exception: the reviews before an import or a promotion
// (backend.ReviewImport, ReviewPromotion) and the configuration version a
// confirm compares (backend.ConfigVersion). Through the API a review moves
// both environments' whole documents through JSON, seconds with 10,000
// objects of each kind; the backend answers them from the copies it keeps,
// as the principal, with the exports' access checks and the rate limit.
// They write nothing: the confirm goes through the API.

// apiError is an error answer of the API.
type apiError struct {
	Status int
	API    domain.Error
}

func (e *apiError) Error() string { return e.API.Error() }

// call sends one request to the backend as the request's principal and
// decodes a JSON answer into out (when not nil). It returns the answer's
// headers.
func (c *Console) call(r *http.Request, method, path string, query url.Values, header http.Header, body, out any) (http.Header, error) {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			return nil, err
		}
	}
	return c.callRaw(r.Context(), principalOf(r), method, path, query, header, raw, out)
}

func (c *Console) callRaw(ctx context.Context, p domain.Principal, method, path string, query url.Values, header http.Header, body []byte, out any) (http.Header, error) {
	u := &url.URL{Scheme: "http", Host: "console.internal", Path: path}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	// The path is sent as built, each segment escaped once.
	req.URL.RawPath = u.EscapedPath()
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "arbor-console")
	w := &answer{header: http.Header{}}
	c.backend.ServeAs(p, w, req)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 {
		e := &apiError{Status: w.status}
		if err := json.Unmarshal(w.body.Bytes(), &e.API); err != nil || e.API.Message == "" {
			e.API.Code, e.API.Message = domain.CodeInternal, fmt.Sprintf("%s %s answered %d", method, path, w.status)
		}
		c.narrowRefusal(ctx, p, &e.API)
		return w.header, e
	}
	if out != nil {
		if raw, ok := out.(*[]byte); ok {
			*raw = w.body.Bytes()
			return w.header, nil
		}
		if err := json.Unmarshal(w.body.Bytes(), out); err != nil {
			return w.header, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
		narrowAnswer(p, out)
	}
	return w.header, nil
}

// answer is the http.ResponseWriter of an in-process call.
type answer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *answer) Header() http.Header { return w.header }

func (w *answer) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *answer) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// page reads one page of a listing.
func listPage[T any](c *Console, r *http.Request, path string, query url.Values) (domain.Page[T], error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	if q.Get("limit") == "" {
		q.Set("limit", fmt.Sprint(pageSize))
	}
	// The page's own cursor, unless the caller chose one ("" for the
	// first page of a listing beside the page's main one).
	if _, chosen := q["cursor"]; !chosen {
		q.Set("cursor", r.URL.Query().Get("cursor"))
	}
	if q.Get("cursor") == "" {
		q.Del("cursor")
	}
	var page domain.Page[T]
	_, err := c.call(r, http.MethodGet, path, q, nil, nil, &page)
	if page.Items == nil {
		page.Items = []T{}
	}
	return page, err
}

// listAll reads a whole listing, page by page, up to max items.
func listAll[T any](c *Console, r *http.Request, path string, query url.Values, max int) ([]T, bool, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	// The environments listing answers every environment in one page and
	// takes no query parameters (the backend refuses those it does not
	// document).
	if path != api.ListEnvironments.Path {
		q.Set("limit", "1000")
	}
	var items []T
	for {
		var page domain.Page[T]
		if _, err := c.call(r, http.MethodGet, path, q, nil, nil, &page); err != nil {
			return nil, false, err
		}
		items = append(items, page.Items...)
		if page.NextCursor == "" {
			return items, false, nil
		}
		if len(items) >= max {
			return items[:max], true, nil
		}
		q.Set("cursor", page.NextCursor)
	}
}

// pageSize is the number of rows a console list shows at once.
const pageSize = 50

// environmentsOf reads every environment the request's principal reaches,
// in promotion order. The listing is one answer, never paged, and takes no
// query parameters (the API refuses a limit on it).
func environmentsOf(c *Console, r *http.Request) ([]domain.Environment, error) {
	var page domain.Page[domain.Environment]
	_, err := c.call(r, api.ListEnvironments.Method, api.ListEnvironments.Path, nil, nil, nil, &page)
	return page.Items, err
}
