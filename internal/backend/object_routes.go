package backend

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Inputs and outputs shared by the object routes.

type EnvParam struct {
	Env string `path:"env" doc:"Environment slug." example:"development"`
}

type ObjectParams struct {
	Env string `path:"env" doc:"Environment slug." example:"development"`
	Key string `path:"key" doc:"Object key."`
}

type putInput[T any] struct {
	ObjectParams
	Conditions
	IdempotencyHeader
	ManagedByHeader
	Body T
}

type deleteInput struct {
	ObjectParams
	Conditions
}

type objectOutput[T any] struct {
	Status int
	ETag   string `header:"ETag" doc:"The object's version as an entity tag."`
	Body   *T
}

type pageOutput[T any] struct {
	Body domain.Page[T]
}

// listInput is implemented by every listing's input, which embeds
// PageParams, the environment and the key prefix.
type listInput interface {
	environment() string
	paging() PageParams
	keyPrefix() string
}

// KeyPrefixParam narrows a listing of keyed objects to keys with a prefix.
type KeyPrefixParam struct {
	KeyPrefix string `query:"key_prefix" maxLength:"200" doc:"Only objects whose key starts with this prefix."`
}

func (k *KeyPrefixParam) keyPrefix() string { return k.KeyPrefix }

// ListParams is embedded in the input of every environment-scoped listing.
type ListParams struct {
	EnvParam
	PageParams
	KeyPrefixParam
}

func (l *ListParams) environment() string { return l.Env }
func (l *ListParams) paging() PageParams  { return l.PageParams }

// routeOptions tune the routes of one kind.
type routeOptions struct {
	// cascade, when set, documents the DELETE query parameter cascade=true,
	// which lets a delete take the object's dependents with it; without
	// it, objects that others depend on are never deleted.
	cascade string
}

type deleteCascadeInput struct {
	ObjectParams
	Conditions
	Cascade bool `query:"cascade"`
}

// registerEnvObjects registers GET list, GET, PUT and DELETE for an
// environment-scoped kind. filter turns the listing's query parameters
// into a filter.
func registerEnvObjects[T any, PT domain.ObjectPtr[T], L any, PL interface {
	*L
	listInput
}](s *Server, r *rules[T], tag string, filter func(*L) listFilter[T], opts routeOptions) {
	k := r.kind
	routes := api.ObjectRoutes(k)
	id := strings.ReplaceAll(k.Collection, "-", "_")

	registerList[T, PT, L, PL](s, r, op(routes.List.Method, routes.List.Path, "list_"+id, "List "+k.Collection, tag), filter)

	huma.Register(s.api, *op(routes.Get.Method, routes.Get.Path, "get_"+singular(id), "Get "+article(k.Noun), tag),
		func(ctx context.Context, in *ObjectParams) (*objectOutput[T], error) {
			return getOutput[T, PT](ctx, s, r, in.Env, in.Key)
		})

	huma.Register(s.api, *putOperation[T](s, routes.Put, id, k.Noun, tag), func(ctx context.Context, in *putInput[T]) (*objectOutput[T], error) {
		return putOutput[T, PT](ctx, s, r, in.Env, in.Key, &in.Body, in.Conditions, in.IdempotencyKey, in.ManagedByHeader)
	})

	del := op(routes.Delete.Method, routes.Delete.Path, "delete_"+singular(id), "Delete "+article(k.Noun), tag)
	del.DefaultStatus = http.StatusNoContent
	if opts.cascade == "" {
		huma.Register(s.api, *del, func(ctx context.Context, in *deleteInput) (*struct{}, error) {
			return nil, s.failIf(ctx, deleteObject[T, PT](ctx, s, r, in.Env, in.Key, in.Conditions, false))
		})
		return
	}
	del.Description = opts.cascade
	huma.Register(s.api, *del, func(ctx context.Context, in *deleteCascadeInput) (*struct{}, error) {
		return nil, s.failIf(ctx, deleteObject[T, PT](ctx, s, r, in.Env, in.Key, in.Conditions, in.Cascade))
	})
}

// AccountKey is the path parameter of account-level objects.
type AccountKey struct {
	Key string `path:"key" doc:"Object key."`
}

type accountPutInput[T any] struct {
	AccountKey
	Conditions
	IdempotencyHeader
	ManagedByHeader
	Body T
}

type accountDeleteInput struct {
	AccountKey
	Conditions
}

// AccountList is the input of account-level listings.
type AccountList struct {
	PageParams
	KeyPrefixParam
}

func (l *AccountList) environment() string { return "" }
func (l *AccountList) paging() PageParams  { return l.PageParams }

// registerAccountObjects registers GET list, GET, PUT and DELETE for an
// account-level kind, under /v1/<collection>.
func registerAccountObjects[T any, PT domain.ObjectPtr[T], L any, PL interface {
	*L
	listInput
}](s *Server, r *rules[T], tag string, filter func(*L) listFilter[T]) {
	k := r.kind
	routes := api.ObjectRoutes(k)
	id := strings.ReplaceAll(k.Collection, "-", "_")

	registerList[T, PT, L, PL](s, r, op(routes.List.Method, routes.List.Path, "list_"+id, "List "+k.Collection, tag), filter)

	huma.Register(s.api, *op(routes.Get.Method, routes.Get.Path, "get_"+singular(id), "Get "+article(k.Noun), tag),
		func(ctx context.Context, in *AccountKey) (*objectOutput[T], error) {
			return getOutput[T, PT](ctx, s, r, "", in.Key)
		})

	huma.Register(s.api, *putOperation[T](s, routes.Put, id, k.Noun, tag), func(ctx context.Context, in *accountPutInput[T]) (*objectOutput[T], error) {
		return putOutput[T, PT](ctx, s, r, "", in.Key, &in.Body, in.Conditions, in.IdempotencyKey, in.ManagedByHeader)
	})

	del := op(routes.Delete.Method, routes.Delete.Path, "delete_"+singular(id), "Delete "+article(k.Noun), tag)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, *del, func(ctx context.Context, in *accountDeleteInput) (*struct{}, error) {
		return nil, s.failIf(ctx, deleteObject[T, PT](ctx, s, r, "", in.Key, in.Conditions, false))
	})
}

func registerList[T any, PT domain.ObjectPtr[T], L any, PL interface {
	*L
	listInput
}](s *Server, r *rules[T], list *huma.Operation, filter func(*L) listFilter[T]) {
	list.Description = fmt.Sprintf("Lists %ss in key order, a page at a time.", r.kind.Noun)
	huma.Register(s.api, *list, func(ctx context.Context, in *L) (*pageOutput[T], error) {
		var f listFilter[T]
		if filter != nil {
			f = filter(in)
		}
		f.prefix = PL(in).keyPrefix()
		page, err := listObjects[T, PT](ctx, s, r, PL(in).environment(), PL(in).paging(), f)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &pageOutput[T]{Body: page}, nil
	})
}

func putOperation[T any](s *Server, route api.Route, id, noun, tag string) *huma.Operation {
	put := op(route.Method, route.Path, "put_"+singular(id), "Create or replace "+article(noun), tag)
	put.Description = "Creates the object (201) or replaces it (200). Send If-None-Match: * to only create, If-Match: <version> to only replace that version."
	put.MaxBodyBytes = s.bodyLimit
	createsOrReplaces(put)
	writeBody[T](s, put, true)
	return put
}

func getOutput[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], env, key string) (*objectOutput[T], error) {
	obj, err := getObject[T, PT](ctx, s, r, env, key)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &objectOutput[T]{Status: http.StatusOK, ETag: etag(PT(obj).GetMeta().Version), Body: obj}, nil
}

func putOutput[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], env, key string, body *T, cond Conditions, idempotencyKey string, by ManagedByHeader) (*objectOutput[T], error) {
	obj, created, err := putObject[T, PT](ctx, s, r, env, key, body, cond, idempotencyKey, by)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return &objectOutput[T]{Status: status, ETag: etag(PT(obj).GetMeta().Version), Body: obj}, nil
}
