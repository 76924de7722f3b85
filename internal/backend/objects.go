package backend

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// rules is what differs between kinds of keyed objects; the generic
// operations below do the rest (access, preconditions, references,
// versions, audit) the same way for every kind.
type rules[T any] struct {
	kind domain.Kind
	// check validates obj against the rest of the store and sets its
	// computed fields (from old, which is nil on create).
	check func(w *write, old, obj *T) error
	// uniques lists the values no other object of the kind may hold.
	uniques func(obj *T) []store.Unique
	// created runs in the same transaction after an object is first
	// stored; secrets shown once are generated here.
	created func(w *write, obj *T) error
	// deleting runs before a delete; cascade is the request's cascade flag.
	deleting func(w *write, obj *T, cascade bool) error
	// present adjusts an object for the principal reading it.
	present func(env domain.Environment, p domain.Principal, obj *T)
}

// write is the context of one write transaction.
type write struct {
	s   *Server
	tx  store.Tx
	p   domain.Principal
	env domain.Environment // zero for account-level writes
	now time.Time
	// quiet leaves per-object writes out of the audit log, for operations
	// that record one entry for the whole (configuration imports).
	quiet bool
	// stored runs, in order, right after putObject stores the object, in
	// the same transaction: writes that need the object to exist, such as
	// its secrets, queued by a check hook that must keep them out of the
	// stored body.
	stored []func() error
}

// afterStore queues fn to run once the object being written is stored.
func (w *write) afterStore(fn func() error) { w.stored = append(w.stored, fn) }

// audit records the write in the audit log.
func (w *write) audit(action, kind, key string, version int64, detail any) error {
	if w.quiet {
		return nil
	}
	var raw json.RawMessage
	if detail != nil {
		raw = mustJSON(detail)
	}
	return w.tx.AppendAudit(domain.AuditEntry{At: w.now, Actor: w.p.Actor(), Action: action, Environment: w.env.Slug, Kind: kind, Key: key, Version: version, Detail: raw})
}

// access loads the environment a request names and authorizes act on it.
// An environment the principal may not see is reported as not found.
func (s *Server) access(tx store.Tx, p domain.Principal, slug string, act domain.Action) (domain.Environment, error) {
	var env domain.Environment
	if slug != "" {
		if !p.CanSee(domain.EnvAccess{Slug: slug, IsProduction: slug == domain.Production}) {
			return env, domain.NotFound("environment", slug)
		}
		var err error
		env, err = tx.Environment(slug)
		if errors.Is(err, store.ErrNotFound) {
			return env, domain.NotFound("environment", slug)
		}
		if err != nil {
			return env, err
		}
	}
	writeAccess := false
	if p.Role == domain.RoleProductionMember {
		st, err := tx.Settings()
		if err != nil {
			return env, err
		}
		writeAccess = st.ProductionWriteAccess
	}
	return env, p.Authorize(act, domain.EnvAccess{Slug: slug, IsProduction: slug == domain.Production}, writeAccess)
}

// update runs fn in a write transaction after loading and authorizing the
// environment.
func (s *Server) update(ctx context.Context, slug string, act domain.Action, fn func(w *write) error) error {
	p := principalFrom(ctx)
	return s.store.Update(ctx, func(tx store.Tx) error {
		env, err := s.access(tx, p, slug, act)
		if err != nil {
			return err
		}
		return fn(&write{s: s, tx: tx, p: p, env: env, now: s.now().UTC().Truncate(time.Microsecond)})
	})
}

// view runs fn in a read transaction after loading and authorizing the
// environment.
func (s *Server) view(ctx context.Context, slug string, fn func(tx store.Tx, env domain.Environment, p domain.Principal) error) error {
	p := principalFrom(ctx)
	return s.store.View(ctx, func(tx store.Tx) error {
		env, err := s.access(tx, p, slug, domain.ActRead)
		if err != nil {
			return err
		}
		return fn(tx, env, p)
	})
}

// scope is the environment an object of kind lives in: "" for account-level.
func scope(kind domain.Kind, env string) string {
	if kind.Account {
		return ""
	}
	return env
}

func notFound(kind domain.Kind, env, key string) error {
	if kind.Account || env == "" {
		return domain.NotFound(kind.Noun, key)
	}
	return domain.Errorf(domain.CodeNotFound, "%s %q not found in environment %s", kind.Noun, key, env)
}

// decode turns a stored object into its type.
func decode[T any, PT domain.ObjectPtr[T]](o store.Object) (*T, error) {
	obj := new(T)
	if err := json.Unmarshal(o.Body, obj); err != nil {
		return nil, fmt.Errorf("decoding stored %s %q: %w", o.Kind, o.Key, err)
	}
	PT(obj).SetObjectKey(o.Key)
	*PT(obj).GetMeta() = domain.Meta{Environment: o.Environment, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	return obj, nil
}

// load reads one object, or nil when it does not exist.
func load[T any, PT domain.ObjectPtr[T]](tx store.Tx, kind domain.Kind, env, key string) (*T, error) {
	o, err := tx.Object(scope(kind, env), kind.Name, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decode[T, PT](o)
}

// Conditions are the precondition headers of writes.
type Conditions struct {
	IfMatch     string `header:"If-Match" doc:"Write only if the object's current version is this one (from its version field or ETag); otherwise 412."`
	IfNoneMatch string `header:"If-None-Match" doc:"Send * to create only: if the object already exists the write is refused with 412."`
}

// check applies the preconditions to the object's current state.
func (c Conditions) check(noun, key string, exists bool, version int64) error {
	if strings.TrimSpace(c.IfNoneMatch) == "*" && exists {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q already exists (version %d); import it to manage it, or choose another key", noun, key, version)
	}
	if c.IfNoneMatch != "" && strings.TrimSpace(c.IfNoneMatch) != "*" {
		return domain.Errorf(domain.CodePreconditionFailed, "If-None-Match supports only *")
	}
	if c.IfMatch == "" {
		return nil
	}
	want, err := parseETag(c.IfMatch)
	if err != nil {
		return &domain.Error{Code: domain.CodeValidation, Message: "invalid If-Match header", Details: []domain.FieldError{{Field: "If-Match", Message: err.Error()}}}
	}
	if !exists {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q no longer exists (expected version %d); it was deleted after you last read it", noun, key, want)
	}
	if want != version {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q has changed since you read it: expected version %d, found %d; read it again (terraform refresh or plan) and retry", noun, key, want, version)
	}
	return nil
}

// etag renders a version as an entity tag.
func etag(version int64) string { return strconv.Quote(strconv.FormatInt(version, 10)) }

func parseETag(v string) (int64, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("must be an object version such as \"3\"")
	}
	return n, nil
}

// checkRefs makes sure every object obj points at exists, reporting every
// missing one at once, each under the field that names it.
func checkRefs(tx store.Tx, env string, refs []domain.Ref) ([]store.Ref, error) {
	var probs domain.Problems
	out := make([]store.Ref, 0, len(refs))
	for _, r := range refs {
		sr := store.Ref{Environment: scope(r.Kind, env), Kind: r.Kind.Name, Key: r.Key}
		_, err := tx.Object(sr.Environment, sr.Kind, sr.Key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			probs.Add(r.Field, "%s", r.Missing(env))
		case err != nil:
			return nil, err
		}
		out = append(out, sr)
	}
	return out, probs.Err()
}

// describeRefs names referring objects for messages: `role "editor"`.
func describeRefs(refs []store.Ref, env string) string {
	const shown = 10
	parts := make([]string, 0, min(len(refs), shown))
	for i, r := range refs {
		if i == shown {
			parts = append(parts, fmt.Sprintf("and %d more", len(refs)-shown))
			break
		}
		noun := r.Kind
		if k, ok := domain.KindNamed(r.Kind); ok {
			noun = k.Noun
		}
		s := fmt.Sprintf("%s %q", noun, r.Key)
		if r.Environment != env && r.Environment != "" {
			s += " in " + r.Environment
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// putObject creates or replaces an object. It returns the stored object and
// whether it was created.
// written is the outcome of a write, as an idempotent retry replays it.
type written[T any] struct {
	Object  *T   `json:"object"`
	Created bool `json:"created"`
}

// putObject writes one object. With an Idempotency-Key, a retry of a write
// that was committed (its answer lost on the way) replays that answer,
// secrets shown once included, instead of failing its preconditions, while
// the object is still exactly as that write left it.
func putObject[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug, key string, obj *T, cond Conditions, idempotencyKey string) (*T, bool, error) {
	po := PT(obj)
	if bodyKey := po.ObjectKey(); bodyKey != "" && bodyKey != key {
		return nil, false, (&domain.Problems{{Field: "key", Message: fmt.Sprintf("%q differs from the key in the path, %q; keys cannot be changed", bodyKey, key)}}).Err()
	}
	po.SetObjectKey(key)
	*po.GetMeta() = domain.Meta{}
	if err := po.Validate().Err(); err != nil {
		return nil, false, err
	}
	act := domain.ActWrite
	if r.kind.Account {
		act = domain.ActManageIdentities
	}
	fp := fingerprint(http.MethodPut, envSlug+"/"+r.kind.Collection+"/"+key, struct {
		Cond Conditions
		Body *T
	}{cond, obj})
	var res *written[T]
	err := s.update(ctx, envSlug, act, func(w *write) error {
		var err error
		res, err = idempotent(w, idempotencyKey, fp, objectUnchanged[T, PT](w, r, key), func() (*written[T], error) {
			created, err := putInTx[T, PT](w, r, key, obj, cond)
			return &written[T]{Object: obj, Created: created}, err
		})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return res.Object, res.Created, nil
}

// putInTx writes one validated object inside w's transaction, applying
// every rule of its kind: preconditions, the kind's checks, references,
// unique values, secrets, history and the audit log. Single writes and
// configuration imports both write through it. It reports whether the
// object was created.
func putInTx[T any, PT domain.ObjectPtr[T]](w *write, r *rules[T], key string, obj *T, cond Conditions) (bool, error) {
	po := PT(obj)
	env := scope(r.kind, w.env.Slug)
	old, err := load[T, PT](w.tx, r.kind, env, key)
	if err != nil {
		return false, err
	}
	var version int64
	createdAt := w.now
	if old != nil {
		m := PT(old).GetMeta()
		version, createdAt = m.Version, m.CreatedAt
	}
	if err := cond.check(r.kind.Noun, key, old != nil, version); err != nil {
		return false, err
	}
	w.stored = nil
	if r.check != nil {
		if err := r.check(w, old, obj); err != nil {
			return false, err
		}
	}
	refs, err := checkRefs(w.tx, w.env.Slug, po.References())
	if err != nil {
		return false, err
	}
	var uniques []store.Unique
	if r.uniques != nil {
		uniques = r.uniques(obj)
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return false, err
	}
	stored := store.Object{Environment: env, Kind: r.kind.Name, Key: key, Version: version + 1, Body: body, CreatedAt: createdAt, UpdatedAt: w.now}
	if err := w.tx.PutObject(stored, refs, uniques); err != nil {
		var ue *store.UniqueError
		if errors.As(err, &ue) {
			return false, &domain.Error{Code: domain.CodeConflict, Message: fmt.Sprintf("%s %q is already used by %s %q", ue.Name, ue.Value, r.kind.Noun, ue.Holder),
				Details: []domain.FieldError{{Field: ue.Name, Message: fmt.Sprintf("already used by %s %q", r.kind.Noun, ue.Holder)}}}
		}
		return false, err
	}
	*po.GetMeta() = domain.Meta{Environment: env, Version: stored.Version, CreatedAt: createdAt, UpdatedAt: w.now}
	for _, fn := range w.stored {
		if err := fn(); err != nil {
			return false, err
		}
	}
	w.stored = nil
	action := "update"
	if old == nil {
		action = "create"
		if r.created != nil {
			if err := r.created(w, obj); err != nil {
				return false, err
			}
		}
	}
	return old == nil, w.audit(action, r.kind.Name, key, stored.Version, nil)
}

// getObject reads one object.
func getObject[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug, key string) (*T, error) {
	var out *T
	err := s.view(ctx, envSlug, func(tx store.Tx, env domain.Environment, p domain.Principal) error {
		obj, err := load[T, PT](tx, r.kind, env.Slug, key)
		if err != nil {
			return err
		}
		if obj == nil {
			return notFound(r.kind, env.Slug, key)
		}
		if r.present != nil {
			r.present(env, p, obj)
		}
		out = obj
		return nil
	})
	return out, err
}

// deleteObject deletes one object. Objects still referenced are refused,
// naming who references them.
func deleteObject[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug, key string, cond Conditions, cascade bool) error {
	act := domain.ActWrite
	if r.kind.Account {
		act = domain.ActManageIdentities
	}
	return s.update(ctx, envSlug, act, func(w *write) error {
		return deleteInTx[T, PT](w, r, key, cond, cascade)
	})
}

// deleteInTx deletes one object inside w's transaction, applying the
// kind's rules; objects still referenced are refused, naming who
// references them.
func deleteInTx[T any, PT domain.ObjectPtr[T]](w *write, r *rules[T], key string, cond Conditions, cascade bool) error {
	env := scope(r.kind, w.env.Slug)
	old, err := load[T, PT](w.tx, r.kind, env, key)
	if err != nil {
		return err
	}
	if old == nil {
		return notFound(r.kind, w.env.Slug, key)
	}
	if err := cond.check(r.kind.Noun, key, true, PT(old).GetMeta().Version); err != nil {
		return err
	}
	if r.deleting != nil {
		if err := r.deleting(w, old, cascade); err != nil {
			return err
		}
	}
	if err := w.tx.DeleteObject(env, r.kind.Name, key); err != nil {
		var re *store.ReferencedError
		if errors.As(err, &re) {
			return domain.Errorf(domain.CodeConflict, "%s %q is still used by %s; remove those references first", r.kind.Noun, key, describeRefs(re.By, env))
		}
		return err
	}
	return w.audit("delete", r.kind.Name, key, PT(old).GetMeta().Version, nil)
}

// PageParams are the pagination parameters of every listing.
type PageParams struct {
	Cursor string `query:"cursor" doc:"Opaque cursor from the previous page's next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"Maximum number of items in the page."`
}

func (p PageParams) after() (string, error) {
	if p.Cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil {
		return "", (&domain.Problems{{Field: "cursor", Message: "is not a cursor returned by this API"}}).Err()
	}
	return string(b), nil
}

func cursorAfter(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// before decodes a cursor of a listing ordered newest first by number
// (audit entries, versions): 0 when there is none.
func (p PageParams) before() (int64, error) {
	after, err := p.after()
	if err != nil || after == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil {
		return 0, (&domain.Problems{{Field: "cursor", Message: "is not a cursor returned by this API"}}).Err()
	}
	return n, nil
}

// pageOf makes a page of items read with limit+1: an item beyond limit only
// says another page follows, after the cursor of the last item kept.
func pageOf[T any](items []T, limit int, cursor func(T) string) domain.Page[T] {
	page := domain.Page[T]{Items: append([]T{}, items...)}
	if len(items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = cursorAfter(cursor(items[limit-1]))
	}
	return page
}

func (p PageParams) limit() int {
	if p.Limit <= 0 {
		return 100
	}
	return p.Limit
}

// listFilter narrows a listing: to objects referencing refTo, and/or to
// those keep accepts.
type listFilter[T any] struct {
	refTo *domain.Ref
	keep  func(*T) bool
}

// listObjects reads one page of objects of a kind.
func listObjects[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug string, page PageParams, f listFilter[T]) (domain.Page[T], error) {
	out := domain.Page[T]{Items: []T{}}
	after, err := page.after()
	if err != nil {
		return out, err
	}
	limit := page.limit()
	err = s.view(ctx, envSlug, func(tx store.Tx, env domain.Environment, p domain.Principal) error {
		q := store.Query{Environment: scope(r.kind, env.Slug), Kind: r.kind.Name, After: after, Limit: limit + 1}
		if f.refTo != nil {
			q.ReferencesTo = &store.Ref{Environment: scope(f.refTo.Kind, env.Slug), Kind: f.refTo.Kind.Name, Key: f.refTo.Key}
		}
		// last is the key of the last object returned: the next page
		// starts after it, whatever this one examined beyond it.
		var last string
		for {
			batch, err := tx.Objects(q)
			if err != nil {
				return err
			}
			for _, o := range batch {
				if len(out.Items) == limit {
					out.NextCursor = cursorAfter(last)
					return nil
				}
				obj, err := decode[T, PT](o)
				if err != nil {
					return err
				}
				if f.keep != nil && !f.keep(obj) {
					continue
				}
				if r.present != nil {
					r.present(env, p, obj)
				}
				out.Items = append(out.Items, *obj)
				last = o.Key
			}
			if len(batch) < q.Limit {
				return nil
			}
			q.After = batch[len(batch)-1].Key
		}
	})
	return out, err
}

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
// PageParams and the environment.
type listInput interface {
	environment() string
	paging() PageParams
}

// ListParams is embedded in the input of every environment-scoped listing.
type ListParams struct {
	EnvParam
	PageParams
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
	base := "/v1/environments/{env}/" + k.Collection
	id := strings.ReplaceAll(k.Collection, "-", "_")

	registerList[T, PT, L, PL](s, r, op(http.MethodGet, base, "list_"+id, "List "+k.Collection, tag), filter)

	huma.Register(s.api, *op(http.MethodGet, base+"/{key}", "get_"+singular(id), "Get "+article(k.Noun), tag),
		func(ctx context.Context, in *ObjectParams) (*objectOutput[T], error) {
			return getOutput[T, PT](ctx, s, r, in.Env, in.Key)
		})

	huma.Register(s.api, *putOperation[T](s, base, id, k.Noun, tag), func(ctx context.Context, in *putInput[T]) (*objectOutput[T], error) {
		return putOutput[T, PT](ctx, s, r, in.Env, in.Key, &in.Body, in.Conditions, in.IdempotencyKey)
	})

	del := op(http.MethodDelete, base+"/{key}", "delete_"+singular(id), "Delete "+article(k.Noun), tag)
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
	Body T
}

type accountDeleteInput struct {
	AccountKey
	Conditions
}

// AccountList is the input of account-level listings.
type AccountList struct {
	PageParams
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
	base := "/v1/" + k.Collection
	id := strings.ReplaceAll(k.Collection, "-", "_")

	registerList[T, PT, L, PL](s, r, op(http.MethodGet, base, "list_"+id, "List "+k.Collection, tag), filter)

	huma.Register(s.api, *op(http.MethodGet, base+"/{key}", "get_"+singular(id), "Get "+article(k.Noun), tag),
		func(ctx context.Context, in *AccountKey) (*objectOutput[T], error) {
			return getOutput[T, PT](ctx, s, r, "", in.Key)
		})

	huma.Register(s.api, *putOperation[T](s, base, id, k.Noun, tag), func(ctx context.Context, in *accountPutInput[T]) (*objectOutput[T], error) {
		return putOutput[T, PT](ctx, s, r, "", in.Key, &in.Body, in.Conditions, in.IdempotencyKey)
	})

	del := op(http.MethodDelete, base+"/{key}", "delete_"+singular(id), "Delete "+article(k.Noun), tag)
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
		page, err := listObjects[T, PT](ctx, s, r, PL(in).environment(), PL(in).paging(), f)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &pageOutput[T]{Body: page}, nil
	})
}

func putOperation[T any](s *Server, base, id, noun, tag string) *huma.Operation {
	put := op(http.MethodPut, base+"/{key}", "put_"+singular(id), "Create or replace "+article(noun), tag)
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

func putOutput[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], env, key string, body *T, cond Conditions, idempotencyKey string) (*objectOutput[T], error) {
	obj, created, err := putObject[T, PT](ctx, s, r, env, key, body, cond, idempotencyKey)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return &objectOutput[T]{Status: status, ETag: etag(PT(obj).GetMeta().Version), Body: obj}, nil
}

// failIf is fail for handlers whose only result is an error.
func (s *Server) failIf(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return s.fail(ctx, err)
}

func article(noun string) string {
	if strings.ContainsRune("aeiouAEIOU", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func singular(collection string) string {
	switch {
	case strings.HasSuffix(collection, "ies"):
		return strings.TrimSuffix(collection, "ies") + "y"
	default:
		return strings.TrimSuffix(collection, "s")
	}
}
