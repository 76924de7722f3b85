package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

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
	// The mark of who manages the object is kept in its body; the rest of
	// the metadata comes from the store's own columns.
	m := PT(obj).GetMeta()
	*m = domain.Meta{Environment: o.Environment, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ManagedBy: m.ManagedBy}
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

// written is the outcome of a write, as an idempotent retry replays it.
type written[T any] struct {
	Object  *T   `json:"object"`
	Created bool `json:"created"`
}

// putObject writes one object. With an Idempotency-Key, a retry of a write
// that was committed (its answer lost on the way) replays that answer,
// secrets shown once included, instead of failing its preconditions, while
// the object is still exactly as that write left it.
func putObject[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug, key string, obj *T, cond Conditions, idempotencyKey string, by ManagedByHeader) (*T, bool, error) {
	po := PT(obj)
	if bodyKey := po.ObjectKey(); bodyKey != "" && bodyKey != key {
		return nil, false, (&domain.Problems{{Field: "key", Message: fmt.Sprintf("%q differs from the key in the path, %q; keys cannot be changed", bodyKey, key)}}).Err()
	}
	po.SetObjectKey(key)
	*po.GetMeta() = domain.Meta{}
	if err := by.check(); err != nil {
		return nil, false, err
	}
	if err := po.Validate().Err(); err != nil {
		return nil, false, err
	}
	act := domain.ActWrite
	if r.kind.Account {
		act = domain.ActManageIdentities
	}
	fp := fingerprint(http.MethodPut, envSlug+"/"+r.kind.Collection+"/"+key, struct {
		Cond Conditions
		By   ManagedByHeader
		Body *T
	}{cond, by, obj})
	var res *written[T]
	replaced := store.Ref{Environment: scope(r.kind, envSlug), Kind: r.kind.Name, Key: key}
	err := s.updateReading(ctx, envSlug, act, []store.Ref{replaced}, func(w *write) error {
		w.managedBy = by.ManagedBy
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
	createdAt, previouslyManagedBy := w.now, ""
	if old != nil {
		m := PT(old).GetMeta()
		version, createdAt, previouslyManagedBy = m.Version, m.CreatedAt, m.ManagedBy
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
	managedBy := domain.ManagedByAfter(previouslyManagedBy, w.managedBy)
	*po.GetMeta() = domain.Meta{ManagedBy: managedBy}
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
	*po.GetMeta() = domain.Meta{Environment: env, Version: stored.Version, CreatedAt: createdAt, UpdatedAt: w.now, ManagedBy: managedBy}
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
//
// A kind presented as it is stored takes the object read with the
// request's credential, in the same statement (see resolve), or else reads
// it in one statement outside a transaction (on PostgreSQL a BEGIN and
// ROLLBACK would be two more statements and a round trip). A kind whose presentation depends on the
// environment (a tenant, for a viewer where customer data is obfuscated)
// reads both in one snapshot.
func getObject[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug, key string) (*T, error) {
	var out *T
	if r.present == nil {
		env, _, err := s.requestEnvironment(ctx, envSlug, domain.ActRead)
		if err != nil {
			return nil, err
		}
		if o, read := requestObject(ctx, env.Slug, r.kind, key); read {
			if o != nil {
				out, err = decode[T, PT](*o)
			}
		} else {
			err = s.store.Lookup(ctx, func(tx store.Tx) error {
				var err error
				out, err = load[T, PT](tx, r.kind, env.Slug, key)
				return err
			})
		}
		if err == nil && out == nil {
			err = notFound(r.kind, env.Slug, key)
		}
		return out, err
	}
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
