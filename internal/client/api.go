package client

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Route templates the client calls. A test checks each against the
// backend's OpenAPI document, so client and server cannot drift apart.
var Routes = []string{
	"GET /v1/whoami",
	"GET /v1/settings",
	"PUT /v1/settings",
	"GET /v1/audit",
	"GET /v1/environments",
	"POST /v1/environments",
	"GET /v1/environments/{env}",
	"PUT /v1/environments/{env}",
	"DELETE /v1/environments/{env}",
	"POST /v1/tokens",
	"GET /v1/tokens",
	"GET /v1/tokens/{id}",
	"DELETE /v1/tokens/{id}",
	"POST /v1/environments/{env}/api-keys",
	"GET /v1/environments/{env}/api-keys",
	"GET /v1/environments/{env}/api-keys/{id}",
	"PUT /v1/environments/{env}/api-keys/{id}",
	"DELETE /v1/environments/{env}/api-keys/{id}",
	"GET /v1/environments/{env}/workflows/{key}/versions",
	"GET /v1/environments/{env}/config",
	"PUT /v1/environments/{env}/config",
	"POST /v1/environments/{env}/promote",
}

// CollectionRoutes are the route templates of a kind's collection.
func CollectionRoutes(kind domain.Kind) []string {
	base := "/v1/environments/{env}/" + kind.Collection
	if kind.Account {
		base = "/v1/" + kind.Collection
	}
	item := base + "/{key}"
	if kind == domain.KindRoleAssignment {
		item = base + "/{identity_key}/{role_key}/{node_key}"
	}
	return []string{"GET " + base, "GET " + item, "PUT " + item, "DELETE " + item}
}

// AllRoutes are the route templates the client can call.
func AllRoutes() []string {
	all := append([]string{}, Routes...)
	for _, k := range domain.Kinds {
		all = append(all, CollectionRoutes(k)...)
	}
	for _, k := range domain.VersionedKinds {
		all = append(all, "GET /v1/environments/{env}/"+k.Collection+"/{key}/promotion")
	}
	return all
}

func envPath(env string) string { return "/v1/environments/" + url.PathEscape(env) }

// Whoami describes the client's credential.
func (c *Client) Whoami(ctx context.Context) (domain.Whoami, error) {
	var out domain.Whoami
	return out, c.do(ctx, http.MethodGet, "/v1/whoami", nil, nil, nil, &out)
}

// Settings reads the account settings.
func (c *Client) Settings(ctx context.Context) (domain.Settings, error) {
	var out domain.Settings
	return out, c.do(ctx, http.MethodGet, "/v1/settings", nil, nil, nil, &out)
}

// PutSettings replaces the account settings.
func (c *Client) PutSettings(ctx context.Context, in domain.Settings, cond Cond) (domain.Settings, error) {
	var out domain.Settings
	return out, c.do(ctx, http.MethodPut, "/v1/settings", nil, cond.header(), in, &out)
}

// Audit reads up to limit audit entries, newest first (0 = all).
func (c *Client) Audit(ctx context.Context, env string, limit int) ([]domain.AuditEntry, error) {
	q := url.Values{}
	if env != "" {
		q.Set("environment", env)
	}
	return collect[domain.AuditEntry](ctx, c, "/v1/audit", q, limit)
}

// Environments lists the environments the credential sees, in promotion order.
func (c *Client) Environments(ctx context.Context) ([]domain.Environment, error) {
	var out domain.Page[domain.Environment]
	return out.Items, c.do(ctx, http.MethodGet, "/v1/environments", nil, nil, nil, &out)
}

// Environment reads one environment.
func (c *Client) Environment(ctx context.Context, slug string) (domain.Environment, error) {
	var out domain.Environment
	return out, c.do(ctx, http.MethodGet, envPath(slug), nil, nil, nil, &out)
}

// CreateEnvironment creates an environment just below production; with
// copy_from, the answer says what was copied, new secrets included. A
// repeat of a create whose answer was lost answers it again (createKey).
func (c *Client) CreateEnvironment(ctx context.Context, in domain.NewEnvironmentInput) (domain.CreatedEnvironment, error) {
	var out domain.CreatedEnvironment
	return out, c.create(ctx, http.MethodPost, "/v1/environments", nil, in, &out)
}

// UpdateEnvironment changes an environment's mutable fields.
func (c *Client) UpdateEnvironment(ctx context.Context, slug string, in domain.EnvironmentInput, cond Cond) (domain.Environment, error) {
	var out domain.Environment
	return out, c.do(ctx, http.MethodPut, envPath(slug), nil, cond.header(), in, &out)
}

// DeleteEnvironment deletes an environment; force deletes one that still
// holds objects.
func (c *Client) DeleteEnvironment(ctx context.Context, slug string, force bool, cond Cond) error {
	q := url.Values{}
	if force {
		q.Set("force", "true")
	}
	return c.do(ctx, http.MethodDelete, envPath(slug), q, cond.header(), nil, nil)
}

// CreateToken creates an account token; the secret is in the result only.
func (c *Client) CreateToken(ctx context.Context, in domain.TokenInput) (domain.Token, error) {
	var out domain.Token
	return out, c.do(ctx, http.MethodPost, "/v1/tokens", nil, idempotent(), in, &out)
}

// Tokens lists the account tokens.
func (c *Client) Tokens(ctx context.Context) ([]domain.Token, error) {
	return collect[domain.Token](ctx, c, "/v1/tokens", nil, 0)
}

// Token reads one account token.
func (c *Client) Token(ctx context.Context, id string) (domain.Token, error) {
	var out domain.Token
	return out, c.do(ctx, http.MethodGet, "/v1/tokens/"+url.PathEscape(id), nil, nil, nil, &out)
}

// DeleteToken revokes an account token.
func (c *Client) DeleteToken(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/tokens/"+url.PathEscape(id), nil, nil, nil, nil)
}

// CreateAPIKey creates an environment API key; the secret is in the result
// only. Its name is unique in the environment, which is what lets a repeat
// of a create whose answer was lost answer the same key again (createKey).
func (c *Client) CreateAPIKey(ctx context.Context, env string, in domain.APIKeyInput) (domain.APIKey, error) {
	var out domain.APIKey
	return out, c.create(ctx, http.MethodPost, envPath(env)+"/api-keys", nil, in, &out)
}

// APIKeys lists an environment's API keys.
func (c *Client) APIKeys(ctx context.Context, env string) ([]domain.APIKey, error) {
	return collect[domain.APIKey](ctx, c, envPath(env)+"/api-keys", nil, 0)
}

// APIKey reads one API key.
func (c *Client) APIKey(ctx context.Context, env, id string) (domain.APIKey, error) {
	var out domain.APIKey
	return out, c.do(ctx, http.MethodGet, envPath(env)+"/api-keys/"+url.PathEscape(id), nil, nil, nil, &out)
}

// UpdateAPIKey renames or re-scopes an API key.
func (c *Client) UpdateAPIKey(ctx context.Context, env, id string, in domain.APIKeyInput, cond Cond) (domain.APIKey, error) {
	var out domain.APIKey
	return out, c.do(ctx, http.MethodPut, envPath(env)+"/api-keys/"+url.PathEscape(id), nil, cond.header(), in, &out)
}

// DeleteAPIKey revokes an API key.
func (c *Client) DeleteAPIKey(ctx context.Context, env, id string, cond Cond) error {
	return c.do(ctx, http.MethodDelete, envPath(env)+"/api-keys/"+url.PathEscape(id), nil, cond.header(), nil, nil)
}

// Promotion reads what the promotion rule knows of an object of a
// versioned kind in env: enough to judge a write with domain.Promotion
// before making it.
func (c *Client) Promotion(ctx context.Context, kind domain.Kind, env, key string) (domain.Promotion, error) {
	var out domain.Promotion
	return out, c.do(ctx, http.MethodGet, envPath(env)+"/"+kind.Collection+"/"+url.PathEscape(key)+"/promotion", nil, nil, nil, &out)
}

// WorkflowVersions lists every version of a workflow in env, newest first.
func (c *Client) WorkflowVersions(ctx context.Context, env, key string) ([]domain.Workflow, error) {
	return collect[domain.Workflow](ctx, c, envPath(env)+"/workflows/"+url.PathEscape(key)+"/versions", nil, 0)
}

// ExportConfig returns env's configuration document, byte for byte as the
// backend wrote it, and the file name the backend suggests for it.
func (c *Client) ExportConfig(ctx context.Context, env string) ([]byte, string, error) {
	var raw rawBody
	if err := c.do(ctx, http.MethodGet, envPath(env)+"/config", nil, nil, nil, &raw); err != nil {
		return nil, "", err
	}
	name := ""
	if _, params, err := mime.ParseMediaType(raw.header.Get("Content-Disposition")); err == nil {
		name = params["filename"]
	}
	return raw.data, name, nil
}

// ImportConfig replaces env's configuration with a document.
func (c *Client) ImportConfig(ctx context.Context, env string, document []byte, pruneAssignments bool) (domain.ImportResult, error) {
	var out domain.ImportResult
	q := url.Values{}
	if pruneAssignments {
		q.Set("prune_assignments", "true")
	}
	return out, c.do(ctx, http.MethodPut, envPath(env)+"/config", q, nil, json.RawMessage(document), &out)
}

// Promote copies another environment's configuration into env.
func (c *Client) Promote(ctx context.Context, env, from string, pruneAssignments bool) (domain.ImportResult, error) {
	var out domain.ImportResult
	in := map[string]any{"from": from, "prune_assignments": pruneAssignments}
	return out, c.do(ctx, http.MethodPost, envPath(env)+"/promote", nil, nil, in, &out)
}

func idempotent() http.Header {
	return http.Header{"Idempotency-Key": {newIdempotencyKey()}}
}

// pageSize is the page size of listings the client walks to the end.
const pageSize = 1000

// collect walks a paginated listing, up to limit items (0 = all).
func collect[T any](ctx context.Context, c *Client, path string, q url.Values, limit int) ([]T, error) {
	if q == nil {
		q = url.Values{}
	}
	size := pageSize
	if limit > 0 && limit < size {
		size = limit
	}
	q.Set("limit", strconv.Itoa(size))
	items := []T{}
	for {
		var page domain.Page[T]
		if err := c.do(ctx, http.MethodGet, path, q, nil, nil, &page); err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		if page.NextCursor == "" || (limit > 0 && len(items) >= limit) {
			if limit > 0 && len(items) > limit {
				items = items[:limit]
			}
			return items, nil
		}
		q.Set("cursor", page.NextCursor)
	}
}

// Collection is the client of one environment-scoped kind of keyed object.
type Collection[T any] struct {
	c    *Client
	kind domain.Kind
}

// Objects returns the client of a kind's collection.
func Objects[T any](c *Client, kind domain.Kind) Collection[T] {
	return Collection[T]{c: c, kind: kind}
}

func (o Collection[T]) path(env, key string) string {
	p := envPath(env) + "/" + o.kind.Collection
	if o.kind.Account {
		p = "/v1/" + o.kind.Collection
	}
	if key == "" {
		return p
	}
	if o.kind == domain.KindRoleAssignment {
		// The key is identity/role/node: three path segments.
		parts := strings.Split(key, "/")
		for i := range parts {
			parts[i] = url.PathEscape(parts[i])
		}
		return p + "/" + strings.Join(parts, "/")
	}
	return p + "/" + url.PathEscape(key)
}

// Get reads one object.
func (o Collection[T]) Get(ctx context.Context, env, key string) (*T, error) {
	out := new(T)
	return out, o.c.do(ctx, http.MethodGet, o.path(env, key), nil, nil, nil, out)
}

// Put creates or replaces one object. Its Idempotency-Key makes a retry of
// a write that was committed, but whose answer was lost, replay that
// answer. A create (CreateOnly) derives its key from what it creates, so
// that a later run repeating it is answered too (createKey); an update's
// key serves this call's retries only, because a later run reads the
// object again and plans from what it finds.
func (o Collection[T]) Put(ctx context.Context, env, key string, obj *T, cond Cond) (*T, error) {
	out := new(T)
	h := cond.header()
	if cond.CreateOnly {
		return out, o.c.create(ctx, http.MethodPut, o.path(env, key), h, obj, out)
	}
	h.Set("Idempotency-Key", newIdempotencyKey())
	return out, o.c.do(ctx, http.MethodPut, o.path(env, key), nil, h, obj, out)
}

// Delete deletes one object.
func (o Collection[T]) Delete(ctx context.Context, env, key string, cond Cond) error {
	return o.c.do(ctx, http.MethodDelete, o.path(env, key), nil, cond.header(), nil, nil)
}

// List reads every object of the collection matching the filter.
func (o Collection[T]) List(ctx context.Context, env string, filter url.Values) ([]T, error) {
	return collect[T](ctx, o.c, o.path(env, ""), filter, 0)
}
