package client

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Whoami describes the client's credential.
func (c *Client) Whoami(ctx context.Context) (domain.Whoami, error) {
	var out domain.Whoami
	return out, c.do(ctx, api.Whoami.Method, api.Whoami.URL(), nil, nil, nil, &out)
}

// Settings reads the account settings.
func (c *Client) Settings(ctx context.Context) (domain.Settings, error) {
	var out domain.Settings
	return out, c.do(ctx, api.GetSettings.Method, api.GetSettings.URL(), nil, nil, nil, &out)
}

// PutSettings replaces the account settings.
func (c *Client) PutSettings(ctx context.Context, in domain.Settings, cond Cond) (domain.Settings, error) {
	var out domain.Settings
	return out, c.do(ctx, api.PutSettings.Method, api.PutSettings.URL(), nil, cond.header(), in, &out)
}

// Audit reads up to limit audit entries, newest first (0 = all).
func (c *Client) Audit(ctx context.Context, env string, limit int) ([]domain.AuditEntry, error) {
	q := url.Values{}
	if env != "" {
		q.Set(api.QueryEnvironment, env)
	}
	return collect[domain.AuditEntry](ctx, c, api.ListAudit.URL(), q, limit)
}

// Environments lists the environments the credential sees, in promotion order.
func (c *Client) Environments(ctx context.Context) ([]domain.Environment, error) {
	var out domain.Page[domain.Environment]
	return out.Items, c.do(ctx, api.ListEnvironments.Method, api.ListEnvironments.URL(), nil, nil, nil, &out)
}

// Environment reads one environment.
func (c *Client) Environment(ctx context.Context, slug string) (domain.Environment, error) {
	var out domain.Environment
	return out, c.do(ctx, api.GetEnvironment.Method, api.GetEnvironment.URL(slug), nil, nil, nil, &out)
}

// CreateEnvironment creates an environment just below production; with
// copy_from, the answer says what was copied, new secrets included. A
// repeat of a create whose answer was lost answers it again (createKey).
func (c *Client) CreateEnvironment(ctx context.Context, in domain.NewEnvironmentInput) (domain.CreatedEnvironment, error) {
	var out domain.CreatedEnvironment
	return out, c.create(ctx, api.CreateEnvironment.Method, api.CreateEnvironment.URL(), nil, in, &out)
}

// UpdateEnvironment changes an environment's mutable fields.
func (c *Client) UpdateEnvironment(ctx context.Context, slug string, in domain.EnvironmentInput, cond Cond) (domain.Environment, error) {
	var out domain.Environment
	return out, c.do(ctx, api.PutEnvironment.Method, api.PutEnvironment.URL(slug), nil, cond.header(), in, &out)
}

// DeleteEnvironment deletes an environment; force deletes one that still
// holds objects.
func (c *Client) DeleteEnvironment(ctx context.Context, slug string, force bool, cond Cond) error {
	q := url.Values{}
	if force {
		q.Set(api.QueryForce, "true")
	}
	return c.do(ctx, api.DeleteEnvironment.Method, api.DeleteEnvironment.URL(slug), q, cond.header(), nil, nil)
}

// CreateToken creates an account token; the secret is in the result only.
func (c *Client) CreateToken(ctx context.Context, in domain.TokenInput) (domain.Token, error) {
	var out domain.Token
	return out, c.do(ctx, api.CreateToken.Method, api.CreateToken.URL(), nil, idempotent(), in, &out)
}

// Tokens lists the account tokens.
func (c *Client) Tokens(ctx context.Context) ([]domain.Token, error) {
	return collect[domain.Token](ctx, c, api.ListTokens.URL(), nil, 0)
}

// Token reads one account token.
func (c *Client) Token(ctx context.Context, id string) (domain.Token, error) {
	var out domain.Token
	return out, c.do(ctx, api.GetToken.Method, api.GetToken.URL(id), nil, nil, nil, &out)
}

// DeleteToken revokes an account token.
func (c *Client) DeleteToken(ctx context.Context, id string) error {
	return c.do(ctx, api.DeleteToken.Method, api.DeleteToken.URL(id), nil, nil, nil, nil)
}

// CreateAPIKey creates an environment API key; the secret is in the result
// only. Its name is unique in the environment, which is what lets a repeat
// of a create whose answer was lost answer the same key again (createKey).
func (c *Client) CreateAPIKey(ctx context.Context, env string, in domain.APIKeyInput) (domain.APIKey, error) {
	var out domain.APIKey
	return out, c.create(ctx, api.CreateAPIKey.Method, api.CreateAPIKey.URL(env), nil, in, &out)
}

// APIKeys lists an environment's API keys.
func (c *Client) APIKeys(ctx context.Context, env string) ([]domain.APIKey, error) {
	return collect[domain.APIKey](ctx, c, api.ListAPIKeys.URL(env), nil, 0)
}

// APIKey reads one API key.
func (c *Client) APIKey(ctx context.Context, env, id string) (domain.APIKey, error) {
	var out domain.APIKey
	return out, c.do(ctx, api.GetAPIKey.Method, api.GetAPIKey.URL(env, id), nil, nil, nil, &out)
}

// UpdateAPIKey renames or re-scopes an API key.
func (c *Client) UpdateAPIKey(ctx context.Context, env, id string, in domain.APIKeyInput, cond Cond) (domain.APIKey, error) {
	var out domain.APIKey
	return out, c.do(ctx, api.PutAPIKey.Method, api.PutAPIKey.URL(env, id), nil, cond.header(), in, &out)
}

// DeleteAPIKey revokes an API key.
func (c *Client) DeleteAPIKey(ctx context.Context, env, id string, cond Cond) error {
	return c.do(ctx, api.DeleteAPIKey.Method, api.DeleteAPIKey.URL(env, id), nil, cond.header(), nil, nil)
}

// Promotion reads what the promotion rule knows of an object of a
// versioned kind in env: enough to judge a write with domain.Promotion
// before making it.
func (c *Client) Promotion(ctx context.Context, kind domain.Kind, env, key string) (domain.Promotion, error) {
	var out domain.Promotion
	return out, c.do(ctx, api.VersionedRoutesOf(kind).Promotion.Method, api.VersionedRoutesOf(kind).Promotion.URL(env, key), nil, nil, nil, &out)
}

// Versions lists every version of an object of a versioned kind in env,
// newest first.
func Versions[T any](ctx context.Context, c *Client, kind domain.Kind, env, key string) ([]T, error) {
	return collect[T](ctx, c, api.VersionedRoutesOf(kind).Versions.URL(env, key), nil, 0)
}

// DiffQuery names the two versions a diff compares: From and To are
// version numbers in the environment (0: the version before To, and the
// current version), ToEnvironment another environment whose current
// version is the newer side instead of To.
type DiffQuery struct {
	From, To      int64
	ToEnvironment string
}

// Diff compares two versions of an object of a versioned kind in env.
func (c *Client) Diff(ctx context.Context, kind domain.Kind, env, key string, q DiffQuery) (domain.VersionDiff, error) {
	values := url.Values{}
	if q.From != 0 {
		values.Set(api.QueryDiffFrom, strconv.FormatInt(q.From, 10))
	}
	if q.To != 0 {
		values.Set(api.QueryDiffTo, strconv.FormatInt(q.To, 10))
	}
	if q.ToEnvironment != "" {
		values.Set(api.QueryDiffToEnvironment, q.ToEnvironment)
	}
	route := api.VersionedRoutesOf(kind).Diff
	var out domain.VersionDiff
	return out, c.do(ctx, route.Method, route.URL(env, key), values, nil, nil, &out)
}

// PendingPromotion lists every versioned object that the next promotion
// into env would carry, every page read.
func (c *Client) PendingPromotion(ctx context.Context, env string) ([]domain.PendingPromotion, error) {
	return collect[domain.PendingPromotion](ctx, c, api.PendingPromotion.URL(env), nil, 0)
}

// ExportConfig returns env's configuration document, byte for byte as the
// backend wrote it, and the file name the backend suggests for it.
func (c *Client) ExportConfig(ctx context.Context, env string) ([]byte, string, error) {
	var raw rawBody
	if err := c.do(ctx, api.ExportConfig.Method, api.ExportConfig.URL(env), nil, nil, nil, &raw); err != nil {
		return nil, "", err
	}
	name := ""
	if _, params, err := mime.ParseMediaType(raw.header.Get(api.HeaderContentDisposition)); err == nil {
		name = params["filename"]
	}
	return raw.data, name, nil
}

// ImportOptions tune an import or a promotion.
type ImportOptions struct {
	// PruneAssignments removes the role assignments of roles and nodes
	// the document removes, instead of refusing.
	PruneAssignments bool
	// DryRun changes nothing: the answer says what would happen.
	DryRun bool
	// IfMatch is the version of the target's configuration the change
	// was reviewed against; a configuration changed since is refused
	// (412).
	IfMatch string
	// ImpactVersion is the access impact the change was reviewed with
	// (a dry run's impact_version); a change that would now do something
	// else to people is refused (412).
	ImpactVersion string
}

func (o ImportOptions) header() http.Header {
	if o.IfMatch == "" {
		return nil
	}
	return http.Header{api.HeaderIfMatch: {strconv.Quote(strings.Trim(o.IfMatch, `"`))}}
}

// ImportConfig replaces env's configuration with a document.
func (c *Client) ImportConfig(ctx context.Context, env string, document []byte, opts ImportOptions) (domain.ImportResult, error) {
	var out domain.ImportResult
	q := url.Values{}
	if opts.PruneAssignments {
		q.Set(api.QueryPruneAssignments, "true")
	}
	if opts.DryRun {
		q.Set(api.QueryDryRun, "true")
	}
	if opts.ImpactVersion != "" {
		q.Set(api.QueryImpactVersion, opts.ImpactVersion)
	}
	return out, c.do(ctx, api.ImportConfig.Method, api.ImportConfig.URL(env), q, opts.header(), json.RawMessage(document), &out)
}

// Promote copies another environment's configuration into env.
func (c *Client) Promote(ctx context.Context, env, from string, opts ImportOptions) (domain.ImportResult, error) {
	var out domain.ImportResult
	in := api.PromoteRequest{From: from, PruneAssignments: opts.PruneAssignments, DryRun: opts.DryRun, ImpactVersion: opts.ImpactVersion}
	return out, c.do(ctx, api.Promote.Method, api.Promote.URL(env), nil, opts.header(), in, &out)
}

func idempotent() http.Header {
	return http.Header{api.HeaderIdempotencyKey: {newIdempotencyKey()}}
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
	q.Set(api.QueryLimit, strconv.Itoa(size))
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
		q.Set(api.QueryCursor, page.NextCursor)
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

// url fills route with env (for an environment-scoped kind) and key; a
// role assignment's key is identity/role/node, three path segments.
func (o Collection[T]) url(route api.Route, env, key string) string {
	var params []string
	if !o.kind.Account {
		params = append(params, env)
	}
	switch {
	case key == "":
	case o.kind == domain.KindRoleAssignment:
		params = append(params, strings.Split(key, "/")...)
	default:
		params = append(params, key)
	}
	return route.URL(params...)
}

// Get reads one object.
func (o Collection[T]) Get(ctx context.Context, env, key string) (*T, error) {
	out := new(T)
	r := api.ObjectRoutes(o.kind).Get
	return out, o.c.do(ctx, r.Method, o.url(r, env, key), nil, nil, nil, out)
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
	r := api.ObjectRoutes(o.kind).Put
	if cond.CreateOnly {
		return out, o.c.create(ctx, r.Method, o.url(r, env, key), h, obj, out)
	}
	h.Set(api.HeaderIdempotencyKey, newIdempotencyKey())
	return out, o.c.do(ctx, r.Method, o.url(r, env, key), nil, h, obj, out)
}

// Delete deletes one object.
func (o Collection[T]) Delete(ctx context.Context, env, key string, cond Cond) error {
	r := api.ObjectRoutes(o.kind).Delete
	return o.c.do(ctx, r.Method, o.url(r, env, key), nil, cond.header(), nil, nil)
}

// List reads every object of the collection matching the filter.
func (o Collection[T]) List(ctx context.Context, env string, filter url.Values) ([]T, error) {
	return o.ListUpTo(ctx, env, filter, 0)
}

// ListUpTo reads the first limit objects (all when limit is 0) of the
// collection matching the filter, in key order, page after page.
func (o Collection[T]) ListUpTo(ctx context.Context, env string, filter url.Values, limit int) ([]T, error) {
	return collect[T](ctx, o.c, o.url(api.ObjectRoutes(o.kind).List, env, ""), filter, limit)
}
