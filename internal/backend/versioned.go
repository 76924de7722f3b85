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

// canSee reports the environments a reader may see.
func canSee(reader domain.Principal) func(env string) bool {
	return func(env string) bool {
		return reader.CanSee(domain.EnvAccess{Slug: env, IsProduction: env == domain.Production})
	}
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
	return domain.VersionHead{Environment: o.Environment, SHA: state.SHA, OriginEnvironment: state.OriginEnvironment, Version: o.Version}, nil
}

// promotionStatesOf is a page of the promotion states of a versioned
// kind's objects written in env: the first limit keys after after that
// exist in env or the environment directly below, read with limit+1 so
// that pageOf can tell whether more follow. Keys that exist only elsewhere
// are left out: a credential of env must not learn the names of other
// environments' objects (a development key, those made in production).
//
// Each of the two environments' first limit+1 keys after after hold every
// copy there of the page's keys: any key of either smaller than one of
// them is itself among them. A key's origin is read in promotion order,
// and for a key of env or the one below only the environments at or
// below them come first: those further down are read in the same window,
// and a page key past a full window is read there by itself.
func promotionStatesOf(tx store.Tx, kind domain.Kind, env, after string, limit int) (domain.PromotionStates, error) {
	order, settings, err := promotionContext(tx)
	if err != nil {
		return domain.PromotionStates{}, err
	}
	at := slices.Index(order, env)
	listed, lower := order[max(at-1, 0):at+1], order[:max(at-1, 0)]
	heads := map[string][]domain.VersionHead{}
	for _, e := range listed {
		if _, err := windowHeads(tx, kind, e, after, limit, heads, nil); err != nil {
			return domain.PromotionStates{}, err
		}
	}
	keys := slices.Sorted(maps.Keys(heads))
	keys = keys[:min(len(keys), limit+1)]
	onPage := map[string]bool{}
	for _, k := range keys {
		onPage[k] = true
	}
	for _, e := range lower {
		last, err := windowHeads(tx, kind, e, after, limit, heads, onPage)
		if err != nil {
			return domain.PromotionStates{}, err
		}
		for _, k := range keys {
			if last == "" || k <= last {
				continue
			}
			o, err := tx.Object(e, kind.Name, k)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return domain.PromotionStates{}, err
			}
			h, err := headOf(o)
			if err != nil {
				return domain.PromotionStates{}, err
			}
			heads[k] = append(heads[k], h)
		}
	}
	items := make([]domain.Promotion, 0, len(keys))
	for _, key := range keys {
		items = append(items, domain.NewPromotion(kind, key, env, order, settings.ProductionWriteAccess, heads[key]))
	}
	page := pageOf(items, limit, func(p domain.Promotion) string { return p.Key })
	out := domain.PromotionStates{Kind: kind.Name, Environment: env, Order: order, ProductionWriteAccess: settings.ProductionWriteAccess,
		Items: page.Items, NextCursor: page.NextCursor}
	if out.NextCursor == "" {
		if out.CheckUnlistedKeys, err = unlistedKeysDiffer(tx, kind, env, order, listed); err != nil {
			return domain.PromotionStates{}, err
		}
	}
	return out, nil
}

// windowHeads adds to heads the version states of env's first limit+1
// objects of kind after after (only those of keys in only, when not nil),
// and returns the last key of a full window: keys past it were not read.
func windowHeads(tx store.Tx, kind domain.Kind, env, after string, limit int, heads map[string][]domain.VersionHead, only map[string]bool) (string, error) {
	objects, err := tx.Objects(store.Query{Environment: env, Kind: kind.Name, After: after, Limit: limit + 1})
	if err != nil {
		return "", err
	}
	for _, o := range objects {
		if only != nil && !only[o.Key] {
			continue
		}
		h, err := headOf(o)
		if err != nil {
			return "", err
		}
		heads[o.Key] = append(heads[o.Key], h)
	}
	if len(objects) == limit+1 {
		return objects[limit].Key, nil
	}
	return "", nil
}

// unlistedKeysDiffer reports whether some key of kind that a listing of
// env leaves out (in neither env nor the environment below) would be
// judged otherwise than a key that exists nowhere, with production write
// access on or off: one created in production, refused everywhere else;
// or, listed from production, one that exists only further down, which
// must reach the environment below first. Only then must a client ask for
// such a key by itself. It reads every object of the kind once.
func unlistedKeysDiffer(tx store.Tx, kind domain.Kind, env string, order []string, listed []string) (bool, error) {
	inListed := map[string]bool{}
	unlisted := map[string][]domain.VersionHead{}
	for _, e := range order {
		isListed := slices.Contains(listed, e)
		for after := ""; ; {
			const page = 1000
			objects, err := tx.Objects(store.Query{Environment: e, Kind: kind.Name, After: after, Limit: page})
			if err != nil {
				return false, err
			}
			for _, o := range objects {
				switch {
				case isListed:
					inListed[o.Key] = true
				default:
					h, err := headOf(o)
					if err != nil {
						return false, err
					}
					unlisted[o.Key] = append(unlisted[o.Key], h)
				}
			}
			if len(objects) < page {
				break
			}
			after = objects[len(objects)-1].Key
		}
	}
	for key, heads := range unlisted {
		if inListed[key] {
			continue
		}
		for _, access := range []bool{false, true} {
			actual := domain.NewPromotion(kind, key, env, order, access, heads)
			absent := domain.NewPromotion(kind, key, env, order, access, nil)
			gotOrigin, gotErr := actual.CheckWrite("")
			wantOrigin, wantErr := absent.CheckWrite("")
			if gotOrigin != wantOrigin || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				return true, nil
			}
		}
	}
	return false, nil
}

type promotionOutput struct {
	Body domain.Promotion
}

// OriginParam narrows a listing of a versioned kind to the objects born in
// one environment.
type OriginParam struct {
	OriginEnvironment string `query:"origin_environment" maxLength:"63" doc:"Only objects created in this environment (their origin_environment), such as production-born ones."`
}

func (o *OriginParam) keeps(origin string) bool {
	return o.OriginEnvironment == "" || origin == o.OriginEnvironment
}

type promotionStatesInput struct {
	EnvParam
	PageParams
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
	promotion.Description = "The promotion order, the setting, the " + kind.Noun + "'s sha in this environment and in the one directly below, " +
		"and its copy in every environment the credential may see, each compared with the environment below it. " +
		"Readable with a key of this environment, so a client can judge a write before making it, with the rule the backend applies."
	huma.Register(s.api, *promotion, func(ctx context.Context, in *ObjectParams) (*promotionOutput, error) {
		var p domain.Promotion
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, reader domain.Principal) error {
			if err := checkKey[T, PT](in.Key); err != nil {
				return err
			}
			var err error
			p, err = promotionOf(tx, kind, env.Slug, in.Key)
			p.VisibleTo(canSee(reader))
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &promotionOutput{Body: p}, nil
	})

	states := op(routes.PromotionStates.Method, routes.PromotionStates.Path, "list_"+id+"_promotion_states", "List what the promotion rule knows of every "+kind.Noun, tag)
	states.Description = "The promotion state of each " + kind.Noun + " that exists in this environment or the one directly below, in key order, a page at a time: " +
		"what the " + routes.Promotion.Path + " route answers, for many at once. Keys that exist only in other environments are not listed. " +
		"For a key the pages do not list, the rule answers as for a key that exists nowhere (the page's order and production_write_access give that state), " +
		"unless the last page says check_unlisted_keys: then a key about to be created that the pages do not list is checked with its own promotion route. " +
		"Readable with a key of this environment."
	huma.Register(s.api, *states, func(ctx context.Context, in *promotionStatesInput) (*promotionStatesOutput, error) {
		after, err := in.after()
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		var out domain.PromotionStates
		err = s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, reader domain.Principal) error {
			var err error
			out, err = promotionStatesOf(tx, kind, env.Slug, after, in.limit())
			for i := range out.Items {
				out.Items[i].VisibleTo(canSee(reader))
			}
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &promotionStatesOutput{Body: out}, nil
	})

	registerDiffRoute[T, PT](s, kind, tag)

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

// checkKey checks key by the rule of its kind (a translation's key names a
// locale, which the rule of workflow keys refuses): the key's own
// problems, as a write of the object would report them.
func checkKey[T any, PT domain.VersionedPtr[T]](key string) error {
	probe := new(T)
	PT(probe).SetObjectKey(key)
	for _, fe := range PT(probe).Validate() {
		if fe.Field == "key" {
			return (&domain.Problems{fe}).Err()
		}
	}
	return nil
}
