// Package client is the typed HTTP client of the Arbor API, used by the
// provider and the operator CLI. It speaks the same Go types the backend
// derives its routes and OpenAPI document from.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Defaults of Config. The retries ride out a backend restart or a short
// network cut: waits double from RetryWaitMin, so seven retries span about
// 32 seconds before a request fails.
const (
	DefaultMaxConcurrency = 16
	DefaultMaxRetries     = 7
	DefaultRetryWaitMin   = 250 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
)

// Config configures a Client.
type Config struct {
	// Endpoint is the backend's base URL, such as http://127.0.0.1:8710.
	Endpoint string
	// Token is an account token or environment API key.
	Token string
	// Transport carries the requests; nil means a pooled network transport.
	// Embedded mode passes the backend's in-process transport.
	Transport http.RoundTripper
	// MaxConcurrency caps requests in flight at once.
	MaxConcurrency int
	// MaxRetries caps retries of one request after 429, 5xx and
	// connection errors.
	MaxRetries   int
	RetryWaitMin time.Duration
	// RetryWaitMax caps the wait between retries, including waits asked
	// for by Retry-After.
	RetryWaitMax time.Duration
	// UserAgent names the caller.
	UserAgent string
	// ManagedBy, when set, is sent on every write (api.HeaderManagedBy):
	// the objects written are then marked as managed by that tool. The
	// provider sets it to domain.ManagedByTerraform.
	ManagedBy string
	// RootCAs, when set, are the only certificate authorities an HTTPS
	// endpoint's certificate may chain to (see LoadCAFile).
	RootCAs *x509.CertPool
}

// Client is an Arbor API client. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	token     string
	http      *retryablehttp.Client
	slots     chan struct{}
	userAgent string
	managedBy string
	// creates counts the creates this client sent per derived key.
	creates struct {
		sync.Mutex
		sent map[string]int
	}
	// listings answer refresh reads (readcache.go).
	listings listingCache
}

// New builds a Client.
func New(cfg Config) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("endpoint %q must be an absolute http(s) URL such as http://127.0.0.1:8710", cfg.Endpoint)
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	transport := cfg.Transport
	if transport == nil {
		pooled := cleanhttp.DefaultPooledTransport()
		pooled.MaxIdleConnsPerHost = cfg.MaxConcurrency
		if cfg.RootCAs != nil {
			pooled.TLSClientConfig = tlsConfig(cfg.RootCAs)
		}
		transport = pooled
	}
	rc := &retryablehttp.Client{
		HTTPClient:      &http.Client{Transport: transport, Timeout: 5 * time.Minute},
		RetryWaitMin:    cfg.RetryWaitMin,
		RetryWaitMax:    cfg.RetryWaitMax,
		RetryMax:        cfg.MaxRetries,
		CheckRetry:      retryablehttp.DefaultRetryPolicy,
		Backoff:         retryablehttp.DefaultBackoff,
		ErrorHandler:    retryablehttp.PassthroughErrorHandler,
		RequestLogHook:  logRequest,
		ResponseLogHook: logResponse,
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "terraform-provider-arbor"
	}
	return &Client{base: base, token: cfg.Token, http: rc, slots: make(chan struct{}, cfg.MaxConcurrency), userAgent: ua, managedBy: cfg.ManagedBy}, nil
}

// Error is an error answer of the API: its status and Arbor's error shape.
type Error struct {
	StatusCode int
	API        domain.Error
}

func (e *Error) Error() string { return e.API.Error() }

// StatusOf returns the HTTP status of an API error, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is the API's 404.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// Cond makes a write conditional.
type Cond struct {
	// Version, when set, writes only that version of the object (If-Match).
	Version int64
	// CreateOnly refuses to overwrite an existing object (If-None-Match: *).
	CreateOnly bool
}

func (c Cond) header() http.Header {
	h := http.Header{}
	if c.Version > 0 {
		h.Set(api.HeaderIfMatch, strconv.Quote(strconv.FormatInt(c.Version, 10)))
	}
	if c.CreateOnly {
		h.Set(api.HeaderIfNoneMatch, "*")
	}
	return h
}

// newIdempotencyKey makes the key that lets a write be retried safely by
// this client's own retries.
func newIdempotencyKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// createKey is the Idempotency-Key of a create, derived from what it
// creates: the method, the path (environment, kind and key), the
// create-only precondition and the body. The same create sent again by a
// later process, after the first one's answer was lost with the process
// (Terraform killed) or with the backend (restarted after the retries ran
// out), carries the same key, and the backend answers it with what the
// first made, secrets shown once included, while that is unchanged. The
// backend keeps keys per credential.
//
// Within one client a second create of the same thing is another
// resource's, never a retry (retries reuse their request's key): it gets a
// key of its own, so the backend runs it and refuses it honestly rather
// than answering both with one object or credential.
func (c *Client) createKey(method, path string, header http.Header, in any) (string, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "arbor create\n%s %s\nIf-None-Match: %s\n", method, path, header.Get(api.HeaderIfNoneMatch))
	h.Write(body)
	key := "create-" + hex.EncodeToString(h.Sum(nil))
	c.creates.Lock()
	defer c.creates.Unlock()
	if c.creates.sent == nil {
		c.creates.sent = map[string]int{}
	}
	c.creates.sent[key]++
	if n := c.creates.sent[key]; n > 1 {
		key += "-" + strconv.Itoa(n)
	}
	return key, nil
}

// create sends a create with its derived Idempotency-Key.
func (c *Client) create(ctx context.Context, method, path string, header http.Header, in, out any) error {
	if header == nil {
		header = http.Header{}
	}
	key, err := c.createKey(method, path, header, in)
	if err != nil {
		return err
	}
	header.Set(api.HeaderIdempotencyKey, key)
	return c.do(ctx, method, path, nil, header, in, out)
}

// do sends one request and decodes the answer into out (when non-nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, header http.Header, in, out any) error {
	if method != http.MethodGet {
		// A write may change any object: no listing made before it, or
		// while it is under way, answers a read (readcache.go).
		c.listings.invalidate()
		defer c.listings.invalidate()
	}
	if c.token != "" {
		// Whatever is logged under this context never shows the credential.
		ctx = tflog.MaskAllFieldValuesStrings(tflog.MaskMessageStrings(ctx, c.token), c.token)
	}
	// path arrives escaped segment by segment; the URL keeps that encoding
	// rather than escaping it a second time.
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return fmt.Errorf("invalid request path %q: %w", path, err)
	}
	u := *c.base
	u.Path = c.base.Path + unescaped
	u.RawPath = c.base.EscapedPath() + path
	u.RawQuery = query.Encode()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.managedBy != "" && method == http.MethodPut {
		req.Header.Set(api.HeaderManagedBy, c.managedBy)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}

	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	resp, err := c.retryingFor(ctx).Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: reading response: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		apiErr := &Error{StatusCode: resp.StatusCode}
		if json.Unmarshal(data, &apiErr.API) != nil || apiErr.API.Message == "" {
			apiErr.API.Code = domain.CodeInternal
			apiErr.API.Message = fmt.Sprintf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
		}
		return apiErr
	}
	if raw, ok := out.(*rawBody); ok {
		raw.data, raw.header = data, resp.Header
		return nil
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decoding response: %w", method, path, err)
		}
	}
	return nil
}

// rawBody receives a response as is, with its headers.
type rawBody struct {
	data   []byte
	header http.Header
}

func logRequest(_ retryablehttp.Logger, req *http.Request, attempt int) {
	fields := map[string]any{"method": req.Method, "path": req.URL.Path, "attempt": attempt + 1}
	if q := req.URL.RawQuery; q != "" {
		fields["query"] = q
	}
	tflog.Debug(req.Context(), "arbor API request", fields)
}

func logResponse(_ retryablehttp.Logger, resp *http.Response) {
	fields := map[string]any{"method": resp.Request.Method, "path": resp.Request.URL.Path, "status": resp.StatusCode}
	if ra := resp.Header.Get(api.HeaderRetryAfter); ra != "" {
		fields["retry_after"] = ra
	}
	tflog.Debug(resp.Request.Context(), "arbor API response", fields)
}
