package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Versioned kinds (workflows, guides) share one set of rules: every write
// is kept as an immutable version, and the promotion rule decides which
// writes and deletes an environment accepts. The kind's own check runs
// first (its defaults, its references); the promotion rule judges the
// result.

// versionedRules are the rules of a versioned kind, with check as its own
// part (nil for none), run after the kind's defaults are applied.
func versionedRules[T any, PT domain.VersionedPtr[T]](kind domain.Kind, check func(w *write, old, obj *T) error) *rules[T] {
	return &rules[T]{
		kind: kind,
		check: func(w *write, old, obj *T) error {
			vo := PT(obj)
			vo.ApplyDefaults()
			if check != nil {
				if err := check(w, old, obj); err != nil {
					return err
				}
			}
			state := vo.GetVersionState()
			state.SHA = domain.ContentSHA(vo)
			p, err := promotionOf(w.tx, kind, w.env.Slug, vo.ObjectKey())
			if err != nil {
				return err
			}
			if state.OriginEnvironment, err = p.CheckWrite(state.SHA); err != nil {
				return err
			}
			// A promotion brings content from below; a write of the content
			// already here (active switched) brings nothing.
			promoted := state.OriginEnvironment != w.env.Slug && (p.Current == nil || p.Current.SHA != state.SHA)
			if err := checkUses(w, kind, vo, promoted); err != nil {
				return err
			}
			if err := checkChannelUses(w, vo); err != nil {
				return err
			}
			w.afterStore(func() error {
				stored, err := w.tx.Object(w.env.Slug, kind.Name, vo.ObjectKey())
				if err != nil {
					return err
				}
				return w.tx.AppendHistory(stored)
			})
			return nil
		},
		deleting: func(w *write, obj *T, _ bool) error {
			p, err := promotionOf(w.tx, kind, w.env.Slug, PT(obj).ObjectKey())
			if err != nil {
				return err
			}
			return p.CheckDelete()
		},
	}
}

// checkUses judges the versioned objects obj uses (its layout, the
// partials its templates render) in w's environment: each must be present
// and, when the write is a promotion, hold the content it holds in the
// environment below.
func checkUses(w *write, kind domain.Kind, obj domain.VersionedObject, promoted bool) error {
	user := fmt.Sprintf("%s %q", kind.Noun, obj.ObjectKey())
	for _, use := range domain.VersionedUses(obj) {
		p, err := promotionOf(w.tx, use.Kind, w.env.Slug, use.Key)
		if err != nil {
			return err
		}
		if err := p.CheckUse(user, use, promoted); err != nil {
			return err
		}
	}
	return nil
}

// promotionOf gathers what the promotion rule needs about object key of a
// versioned kind written in env: the order, the setting, and the object
// wherever it exists. It reads only the version state, which every
// versioned kind stores under the same names.
func promotionOf(tx store.Tx, kind domain.Kind, env, key string) (domain.Promotion, error) {
	order, settings, err := promotionContext(tx)
	if err != nil {
		return domain.Promotion{}, err
	}
	var heads []domain.VersionHead
	for _, e := range order {
		o, err := tx.Object(e, kind.Name, key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return domain.Promotion{}, err
		}
		h, err := headOf(o)
		if err != nil {
			return domain.Promotion{}, err
		}
		heads = append(heads, h)
	}
	return domain.NewPromotion(kind, key, env, order, settings.ProductionWriteAccess, heads), nil
}

// promotionContext is what every promotion state shares: the promotion
// order and the account's settings.
func promotionContext(tx store.Tx) ([]string, domain.Settings, error) {
	envs, err := tx.Environments()
	if err != nil {
		return nil, domain.Settings{}, err
	}
	settings, err := tx.Settings()
	if err != nil {
		return nil, domain.Settings{}, err
	}
	order := make([]string, 0, len(envs))
	for _, e := range envs {
		order = append(order, e.Slug)
	}
	return order, settings, nil
}

// headOf is a stored versioned object's version state.
func headOf(o store.Object) (domain.VersionHead, error) {
	var state domain.VersionState
	if err := json.Unmarshal(o.Body, &state); err != nil {
		return domain.VersionHead{}, fmt.Errorf("decoding the version state of stored %s %q: %w", o.Kind, o.Key, err)
	}
	return domain.VersionHead{Environment: o.Environment, SHA: state.SHA, OriginEnvironment: state.OriginEnvironment}, nil
}

// promotionStatesOf is a page of the promotion states of a versioned
// kind's objects written in env: the first limit keys after after that
// exist in some environment, read with limit+1 so that pageOf can tell
// whether more follow. Each environment's first limit+1 keys after after
// hold every copy of those keys: any key of an environment smaller than
// one of them is itself among them.
func promotionStatesOf(tx store.Tx, kind domain.Kind, env, after string, limit int) (domain.PromotionStates, error) {
	order, settings, err := promotionContext(tx)
	if err != nil {
		return domain.PromotionStates{}, err
	}
	heads := map[string][]domain.VersionHead{}
	for _, e := range order {
		objects, err := tx.Objects(store.Query{Environment: e, Kind: kind.Name, After: after, Limit: limit + 1})
		if err != nil {
			return domain.PromotionStates{}, err
		}
		for _, o := range objects {
			h, err := headOf(o)
			if err != nil {
				return domain.PromotionStates{}, err
			}
			heads[o.Key] = append(heads[o.Key], h)
		}
	}
	keys := slices.Sorted(maps.Keys(heads))
	items := make([]domain.Promotion, 0, min(len(keys), limit+1))
	for _, key := range keys[:min(len(keys), limit+1)] {
		items = append(items, domain.NewPromotion(kind, key, env, order, settings.ProductionWriteAccess, heads[key]))
	}
	page := pageOf(items, limit, func(p domain.Promotion) string { return p.Key })
	return domain.PromotionStates{Kind: kind.Name, Environment: env, Order: order, ProductionWriteAccess: settings.ProductionWriteAccess,
		Items: page.Items, NextCursor: page.NextCursor}, nil
}

type promotionOutput struct {
	Body domain.Promotion
}

type promotionStatesInput struct {
	ListParams
}

type promotionStatesOutput struct {
	Body domain.PromotionStates
}

type versionsInput struct {
	ObjectParams
	PageParams
}

type versionsOutput[T any] struct {
	Body domain.Page[T]
}

// registerVersionedRoutes registers what a versioned kind has beside its
// object routes: its promotion state and its versions.
func registerVersionedRoutes[T any, PT domain.VersionedPtr[T]](s *Server, kind domain.Kind, tag string) {
	routes := api.VersionedRoutesOf(kind)
	// Operation ids are snake case, as the object routes' are.
	id := singular(kind.Section())

	promotion := op(routes.Promotion.Method, routes.Promotion.Path, "get_"+id+"_promotion", "Get what the promotion rule knows of "+article(kind.Noun), tag)
	promotion.Description = "The promotion order, the setting, and the " + kind.Noun + "'s sha in this environment and in the one directly below. " +
		"Readable with a key of this environment, so a client can judge a write before making it, with the rule the backend applies."
	huma.Register(s.api, *promotion, func(ctx context.Context, in *ObjectParams) (*promotionOutput, error) {
		var p domain.Promotion
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			// The key is checked by the kind's own rule.
			probe := new(T)
			PT(probe).SetObjectKey(in.Key)
			for _, fe := range PT(probe).Validate() {
				if fe.Field == "key" {
					return (&domain.Problems{fe}).Err()
				}
			}
			var err error
			p, err = promotionOf(tx, kind, env.Slug, in.Key)
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &promotionOutput{Body: p}, nil
	})

	states := op(routes.PromotionStates.Method, routes.PromotionStates.Path, "list_"+id+"_promotion_states", "List what the promotion rule knows of every "+kind.Noun, tag)
	states.Description = "The promotion state of each " + kind.Noun + " that exists in some environment, in key order, a page at a time, as written in this environment: " +
		"what the " + routes.Promotion.Path + " route answers, for many at once. A key the pages do not list exists in no environment; " +
		"the page's order and production_write_access give its state. Readable with a key of this environment."
	huma.Register(s.api, *states, func(ctx context.Context, in *promotionStatesInput) (*promotionStatesOutput, error) {
		after, err := in.after()
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		var out domain.PromotionStates
		err = s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			var err error
			out, err = promotionStatesOf(tx, kind, env.Slug, after, in.limit())
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &promotionStatesOutput{Body: out}, nil
	})

	versions := op(routes.Versions.Method, routes.Versions.Path, "list_"+id+"_versions", "List "+article(kind.Noun)+"'s versions", tag)
	versions.Description = "Every write of the " + kind.Noun + " in this environment, newest first; each version is immutable."
	huma.Register(s.api, *versions, func(ctx context.Context, in *versionsInput) (*versionsOutput[T], error) {
		before, err := in.before()
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		out := &versionsOutput[T]{}
		err = s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			ref := store.Ref{Environment: env.Slug, Kind: kind.Name, Key: in.Key}
			if _, err := tx.Object(ref.Environment, ref.Kind, ref.Key); errors.Is(err, store.ErrNotFound) {
				return notFound(kind, env.Slug, in.Key)
			} else if err != nil {
				return err
			}
			history, err := tx.History(ref, before, in.limit()+1)
			if err != nil {
				return err
			}
			versions := make([]T, 0, len(history))
			for _, h := range history {
				obj, err := decode[T, PT](h)
				if err != nil {
					return err
				}
				versions = append(versions, *obj)
			}
			out.Body = pageOf(versions, in.limit(), func(v T) string { return strconv.FormatInt(PT(&v).GetMeta().Version, 10) })
			return nil
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return out, nil
	})
}

// versionedImport compares a versioned kind's objects by content, and
// keeps an existing object's active flag, which is per environment; a new
// one starts active.
func versionedImport[T any, PT domain.VersionedPtr[T]](kind domain.Kind) sectionHooks[T] {
	return sectionHooks[T]{
		same: func(stored, incoming *T) bool {
			return domain.ContentSHA(PT(stored)) == domain.ContentSHA(PT(incoming))
		},
		existing: func(w *write, obj *T) error {
			incoming, ok := any(PT(obj)).(domain.Activatable)
			if !ok {
				return nil
			}
			stored, err := load[T, PT](w.tx, kind, w.env.Slug, PT(obj).ObjectKey())
			if err == nil {
				incoming.GetActivation().Active = any(PT(stored)).(domain.Activatable).GetActivation().Active
			}
			return err
		},
	}
}

// versionedKind is what configuration documents do with one versioned
// kind's section: read it from an environment, import it, and remove an
// object the document lacks. Every versioned kind has one, in
// versionedKinds (kinds.go), built from its rules by versionedKindOf.
type versionedKind struct {
	kind domain.Kind
	// read reads env's objects into d's section, as stored (version
	// state included).
	read func(tx store.Tx, env string, d *domain.ConfigDocument) error
	// importSection writes doc's section over current's.
	importSection func(w *write, current, doc *domain.ConfigDocument, res *domain.ImportResult) error
	// remove deletes one object the document lacks.
	remove func(w *write, key string) error
}

func versionedKindOf[T any, PT domain.VersionedPtr[T]](r *rules[T]) versionedKind {
	kind := r.kind
	items := func(d *domain.ConfigDocument) *[]T {
		s, ok := d.VersionedSection(kind)
		if !ok {
			panic("configuration documents have no section for versioned kind " + kind.Name)
		}
		return s.Items.(*[]T)
	}
	return versionedKind{
		kind: kind,
		read: func(tx store.Tx, env string, d *domain.ConfigDocument) error {
			objects, err := listAll[T, PT](tx, kind, env)
			*items(d) = objects
			return err
		},
		importSection: func(w *write, current, doc *domain.ConfigDocument, res *domain.ImportResult) error {
			return importSection[T, PT](w, r, kind.Section(), *items(current), *items(doc), res, versionedImport[T, PT](kind))
		},
		remove: func(w *write, key string) error { return deleteInTx[T, PT](w, r, key, Conditions{}, false) },
	}
}
