package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// What a reviewer reads before a promotion: which versioned objects the
// next promotion into an environment would carry, and how two versions of
// one object differ.

// headBatch is how many objects of one environment the pending listing
// reads at a time while it looks for differences.
const headBatch = 500

// pendingCursor is the position of one item in the pending listing: its
// kind's place in domain.VersionedKinds, then its key.
func pendingCursor(p domain.PendingPromotion) string { return p.Kind + "/" + p.Key }

// pendingOf is a page of what the next promotion into env (whose
// environment below is below, "" for the first) would carry: up to
// limit+1 items after the cursor position after. tx is a read
// transaction: the heads of both environments come from their copies
// (env_copies.go), merged in key order.
func (s *Server) pendingOf(tx store.Tx, env, below, after string, limit int) ([]domain.PendingPromotion, error) {
	var items []domain.PendingPromotion
	if below == "" {
		return items, nil
	}
	afterKind, afterKey, _ := strings.Cut(after, "/")
	started := after == ""
	copies := s.envCopies.in(tx)
	for _, kind := range domain.VersionedKinds {
		from := ""
		if !started {
			if kind.Name != afterKind {
				continue
			}
			started, from = true, afterKey
		}
		lower, err := copies.headsOf(below, kind)
		if err != nil {
			return nil, err
		}
		here, err := copies.headsOf(env, kind)
		if err != nil {
			return nil, err
		}
		lower, here = headsAfter(lower, from), headsAfter(here, from)
		for len(items) <= limit && (len(lower) > 0 || len(here) > 0) {
			// The heads are shared with other requests: the items point
			// at copies.
			var key string
			var lh, hh *domain.VersionHead
			takeLower := len(here) == 0 || (len(lower) > 0 && lower[0].key <= here[0].key)
			takeHere := len(lower) == 0 || (len(here) > 0 && here[0].key <= lower[0].key)
			if takeLower {
				h := lower[0].head
				key, lh, lower = lower[0].key, &h, lower[1:]
			}
			if takeHere {
				h := here[0].head
				key, hh, here = here[0].key, &h, here[1:]
			}
			if change := domain.PendingChange(env, lh, hh); change != "" {
				items = append(items, domain.PendingPromotion{Kind: kind.Name, Key: key, Change: change, Below: lh, Current: hh})
			}
		}
	}
	return items, nil
}

type pendingInput struct {
	ListParams
}

type pendingOutput struct {
	Body domain.PendingPromotions
}

type diffInput struct {
	ObjectParams
	From          int64  `query:"from" minimum:"1" doc:"The older version's number in this environment. Default: the version before to; with to_environment, the current version."`
	To            int64  `query:"to" minimum:"1" doc:"The newer version's number in this environment. Default: the current version."`
	ToEnvironment string `query:"to_environment" doc:"Compare this environment's version (from) with the object's current version in this other environment, instead of a newer version here: with the environment below, what the next promotion would change here. Needs read access to it."`
}

type diffOutput struct {
	Body domain.VersionDiff
}

// registerPendingRoutes registers the pending promotion listing.
func (s *Server) registerPendingRoutes() {
	pending := op(api.PendingPromotion.Method, api.PendingPromotion.Path, "list_pending_promotion", "List what the next promotion would carry", "promotion")
	pending.Description = "Every versioned object (workflows, guides) whose content in the environment directly below differs from this environment's: " +
		"new (only below has it), changed (different sha), removed (below no longer has it; objects created here are never listed). " +
		"Kind by kind, in key order, a page at a time, with both copies' sha and version. The first environment has nothing below: its list is empty. Readable with a key of this environment, as the promotion states are."
	huma.Register(s.api, *pending, func(ctx context.Context, in *pendingInput) (*pendingOutput, error) {
		after, err := in.after()
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		out := &pendingOutput{}
		err = s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			order, _, err := promotionContext(tx)
			if err != nil {
				return err
			}
			below := ""
			for i, e := range order {
				if e == env.Slug && i > 0 {
					below = order[i-1]
				}
			}
			items, err := s.pendingOf(tx, env.Slug, below, after, in.limit())
			if err != nil {
				return err
			}
			page := pageOf(items, in.limit(), pendingCursor)
			out.Body = domain.PendingPromotions{Environment: env.Slug, BelowEnvironment: below, Items: page.Items, NextCursor: page.NextCursor}
			return nil
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return out, nil
	})
}

// registerDiffRoute registers a versioned kind's diff between two
// versions.
func registerDiffRoute[T any, PT domain.VersionedPtr[T]](s *Server, kind domain.Kind, tag string) {
	route := api.VersionedRoutesOf(kind).Diff
	diff := op(route.Method, route.Path, "diff_"+singular(kind.Section()), "Compare two versions of "+article(kind.Noun), tag)
	diff.Description = "The fields whose content differs between two versions of the " + kind.Noun + ", each named as in the API's JSON " +
		"(content.title, steps[1].channel.subject) with its value on each side: two versions in this environment (from and to), " +
		"or one here and the current version in to_environment. active, which is per environment, is never content."
	huma.Register(s.api, *diff, func(ctx context.Context, in *diffInput) (*diffOutput, error) {
		out := &diffOutput{}
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, reader domain.Principal) error {
			if err := checkKey[T, PT](in.Key); err != nil {
				return err
			}
			var from, to *T
			var err error
			if in.ToEnvironment != "" {
				// This environment's version against another's current one:
				// with the environment below, what the next promotion brings.
				if in.To != 0 {
					return (&domain.Problems{{Field: api.QueryDiffTo, Message: "cannot be set with to_environment: the newer side is that environment's current version"}}).Err()
				}
				other, err := s.access(tx, reader, in.ToEnvironment, domain.ActRead)
				if err != nil {
					return err
				}
				if from, err = versionOf[T, PT](tx, kind, env.Slug, in.Key, in.From, api.QueryDiffFrom); err != nil {
					return err
				}
				if to, err = versionOf[T, PT](tx, kind, other.Slug, in.Key, 0, api.QueryDiffToEnvironment); err != nil {
					return err
				}
			} else {
				if to, err = versionOf[T, PT](tx, kind, env.Slug, in.Key, in.To, api.QueryDiffTo); err != nil {
					return err
				}
				number := in.From
				if number == 0 {
					number = PT(to).GetMeta().Version - 1
				}
				if number < 1 {
					return (&domain.Problems{{Field: api.QueryDiffFrom, Message: fmt.Sprintf("%s %q has no version before %d", kind.Noun, in.Key, PT(to).GetMeta().Version)}}).Err()
				}
				if from, err = versionOf[T, PT](tx, kind, env.Slug, in.Key, number, api.QueryDiffFrom); err != nil {
					return err
				}
			}
			side := func(o *T) domain.DiffSide {
				m := PT(o).GetMeta()
				return domain.DiffSide{Environment: m.Environment, Version: m.Version, SHA: PT(o).GetVersionState().SHA}
			}
			out.Body = domain.VersionDiff{Kind: kind.Name, Key: in.Key, From: side(from), To: side(to),
				Changes: append([]domain.FieldChange{}, domain.DiffContent(PT(from), PT(to))...)}
			return nil
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return out, nil
	})
}

// versionOf reads version number of the object in env from its history,
// 0 meaning the current one; field names the query parameter that asked
// for it, for the refusal.
func versionOf[T any, PT domain.VersionedPtr[T]](tx store.Tx, kind domain.Kind, env, key string, number int64, field string) (*T, error) {
	current, err := load[T, PT](tx, kind, env, key)
	if err != nil {
		return nil, err
	}
	if current == nil {
		return nil, notFound(kind, env, key)
	}
	if number == 0 || number == PT(current).GetMeta().Version {
		return current, nil
	}
	history, err := tx.History(store.Ref{Environment: env, Kind: kind.Name, Key: key}, number+1, 1)
	if err != nil {
		return nil, err
	}
	if len(history) == 0 || history[0].Version != number {
		return nil, &domain.Error{Code: domain.CodeNotFound, Message: fmt.Sprintf("%s %q has no version %d in environment %s", kind.Noun, key, number, env),
			Details: []domain.FieldError{{Field: field, Message: fmt.Sprintf("no version %d; the current one is %d", number, PT(current).GetMeta().Version)}}}
	}
	return decode[T, PT](history[0])
}
