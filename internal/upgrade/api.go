// Package upgrade proves that this release opens a database written by the
// previous one and reads every object unchanged.
//
// The previous release is a tagged commit (Previous). Its fixtures live in
// testdata/<tag>/: a SQLite database and a PostgreSQL dump written by that
// release's own binary, and the snapshot of every GET answer it gave over
// them. `make upgrade-fixture` makes them again (cmd/upgrade-fixture): it
// builds the tagged commit, lets it write one object of every kind it
// serves (Populate), reads them all back (Snapshot) and saves the three.
// The tests open the fixtures with this release, which migrates them, take
// the same snapshot and compare (Compare): what the previous release
// answered must still be answered, field by field.
//
// The package talks plain HTTP and JSON, never this release's client or
// domain types: those change with the release, and the point is to see
// the bytes an older binary wrote through the eyes of a newer one.
package upgrade

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// API calls one backend with one credential.
type API struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// Answer is a response: its status, headers and body.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body.
func (a Answer) JSON() (any, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("answer is not JSON: %w: %.200s", err, a.Body)
	}
	return v, nil
}

// Do sends a request with a JSON body (nil for none).
func (c *API) Do(ctx context.Context, method, path string, body any, header map[string]string) (Answer, error) {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Answer{}, err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, reader)
	if err != nil {
		return Answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}, err
}

// Expect sends a request and fails unless the answer has the given status;
// it returns the decoded body.
func (c *API) Expect(ctx context.Context, status int, method, path string, body any) (map[string]any, error) {
	a, err := c.Do(ctx, method, path, body, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if a.Status != status {
		return nil, fmt.Errorf("%s %s: status %d, want %d: %.500s", method, path, a.Status, status, a.Body)
	}
	if len(a.Body) == 0 {
		return nil, nil
	}
	v, err := a.JSON()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	m, _ := v.(map[string]any)
	return m, nil
}
