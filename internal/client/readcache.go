package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The listing cache makes a refresh of N objects cost a few round trips
// instead of N: the first refresh read of a kind in an environment lists
// that kind (pages of pageSize), and the later refresh reads of that kind
// are answered from the listing. What it guarantees:
//
//   - It lives in one Client, which the provider makes in Configure: one
//     provider process, one Terraform walk (a plan, an apply, an import).
//     Nothing outlives the process, so a change made between two plans
//     always shows in the second.
//   - Any write through the Client (any method but GET, to any path) drops
//     every listing, before it is sent and again once it is answered, and
//     a listing under way while a write is sent or answered is not kept:
//     a listing never predates a write this Client made.
//   - Once the Client has written, it makes no new listing: the reads of
//     a walk that writes (an apply, whose plans of each resource run
//     between writes) go to the backend one by one, rather than listing
//     everything again after each write.
//   - A listing answers for listingMaxAge at most, then is made again.
//   - A key the listing lacks (created since, or beyond maxListed) is read
//     directly, so a missing object is always confirmed by a GET of it.
//   - A listed object answers one refresh read; a second read of it goes
//     to the backend, and its JSON is let go after the first.
//   - Only Refresh, Listed, PlanPromotion and RefreshBranding use it. The
//     provider calls Refresh only to refresh state that an earlier apply
//     wrote (Read with an object version in private state), Listed and
//     PlanPromotion for plan-time checks, and RefreshBranding for the
//     environment's branding that tenants' effective branding shows (after
//     a tenant's own write, that write has dropped every entry, so the
//     read is new). Get, and every create, update and import of an object,
//     read the backend directly.
//   - A failed listing is not an error: the reads go to the backend one by
//     one, as without the cache.
type listingCache struct {
	mu sync.Mutex
	// generation counts the starts and ends of writes: a listing made in
	// another generation is never used.
	generation uint64
	// wrote is set by the first write: no listing is made after it.
	wrote bool
	// listings are by collection path, which names the environment.
	listings map[string]*listing
}

// listingMaxAge bounds how old an answer from a listing may be, whatever
// else happens: a walk long enough to exceed it lists again.
const listingMaxAge = time.Minute

// maxListed caps the objects one listing keeps: a refresh of a few objects
// in an environment of very many should not read them all. Keys beyond it
// are read directly.
const maxListed = 20 * pageSize

// listing is one kind's objects in one environment, as JSON by key, or
// one object shared by many reads, under the key "".
type listing struct {
	// ready is closed once the listing is made (or has failed); the
	// fields below are written before.
	ready      chan struct{}
	generation uint64
	madeAt     time.Time
	objects    map[string]json.RawMessage
	failed     bool
}

// invalidate drops every listing; writes call it when they start and when
// they end.
func (c *listingCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.wrote = true
	c.listings = nil
}

// lookup answers key from the listing of a collection, making the listing
// first when there is none, or none still valid. found is false when the
// caller must read the object from the backend. A read (take) consumes the
// object's JSON: it answers one read only and is then let go, so a walk
// holds each object's JSON until its refresh at most; the key stays listed,
// for existence checks.
func (c *listingCache) lookup(ctx context.Context, client *Client, collection, key string, take bool) (raw json.RawMessage, found bool) {
	return c.answer(ctx, collection, func(ctx context.Context) (map[string]json.RawMessage, error) {
		return listKeyed(ctx, client, collection)
	}, key, take)
}

// shared answers a GET of one object that many refreshes need (an
// environment's branding, which every tenant's effective branding reads)
// from one read of it, made by the first of them: the same guarantees as a
// listing's, but the answer is not consumed. found is false when the caller
// must read it from the backend.
func (c *listingCache) shared(ctx context.Context, client *Client, path string) (raw json.RawMessage, found bool) {
	return c.answer(ctx, path, func(ctx context.Context) (map[string]json.RawMessage, error) {
		var one json.RawMessage
		if err := client.do(ctx, http.MethodGet, path, nil, nil, nil, &one); err != nil {
			return nil, err
		}
		return map[string]json.RawMessage{"": one}, nil
	}, "", false)
}

// answer finds key in the entry of path, filling the entry with fill first
// when there is none still valid.
func (c *listingCache) answer(ctx context.Context, path string, fill func(context.Context) (map[string]json.RawMessage, error), key string, take bool) (raw json.RawMessage, found bool) {
	c.mu.Lock()
	l := c.listings[path]
	if l != nil && !c.usable(l) {
		l = nil
	}
	if l == nil && c.wrote {
		c.mu.Unlock()
		return nil, false
	}
	if l == nil {
		l = &listing{ready: make(chan struct{}), generation: c.generation}
		if c.listings == nil {
			c.listings = map[string]*listing{}
		}
		c.listings[path] = l
		c.mu.Unlock()
		l.fill(ctx, fill)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-l.ready:
	case <-ctx.Done():
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l.failed || l.generation != c.generation || time.Since(l.madeAt) > listingMaxAge {
		return nil, false
	}
	raw, found = l.objects[key]
	if take {
		if raw == nil {
			return nil, false
		}
		l.objects[key] = nil
	}
	return raw, found
}

// usable reports whether a listing, made or being made, may still answer.
func (c *listingCache) usable(l *listing) bool {
	if l.generation != c.generation {
		return false
	}
	select {
	case <-l.ready:
		return !l.failed && time.Since(l.madeAt) <= listingMaxAge
	default:
		return true
	}
}

// fill makes the entry's objects with fill and closes ready.
func (l *listing) fill(ctx context.Context, fill func(context.Context) (map[string]json.RawMessage, error)) {
	defer close(l.ready)
	objects, err := fill(ctx)
	if err != nil {
		l.failed = true
		return
	}
	l.objects, l.madeAt = objects, time.Now()
}

// listKeyed reads every page of a collection, by key.
func listKeyed(ctx context.Context, client *Client, collection string) (map[string]json.RawMessage, error) {
	items, err := collect[json.RawMessage](ctx, client, collection, nil, maxListed)
	if err != nil {
		return nil, err
	}
	objects := make(map[string]json.RawMessage, len(items))
	for _, raw := range items {
		var keyed struct {
			Key string `json:"key"`
		}
		if json.Unmarshal(raw, &keyed) == nil && keyed.Key != "" {
			objects[keyed.Key] = raw
		}
	}
	return objects, nil
}

// PlanPromotion reads what the promotion rule knows of an object of a
// versioned kind in env, as a plan's checks read it: from this walk's
// listing of the kind's promotion states in env when it answers, else from
// the backend (Promotion). A key the complete listing lacks is in neither
// env nor the environment below, and its state is the listing's Absent,
// unless the listing says some key it leaves out is judged otherwise (one
// created in production, say): then only the key's own promotion route
// tells (one read per key the plan creates that the listing lacks; keys
// the plan keeps or changes are listed). See listingCache for what the
// listing guarantees.
func (c *Client) PlanPromotion(ctx context.Context, kind domain.Kind, env, key string) (domain.Promotion, error) {
	path := api.VersionedRoutesOf(kind).PromotionStates.URL(env)
	fill := func(ctx context.Context) (map[string]json.RawMessage, error) {
		return listPromotionStates(ctx, c, path)
	}
	raw, found := c.listings.answer(ctx, path, fill, key, false)
	if !found {
		// The listing's own fields, kept under "" when it is complete.
		if envelope, complete := c.listings.answer(ctx, path, fill, "", false); complete {
			var states domain.PromotionStates
			if err := json.Unmarshal(envelope, &states); err == nil && !states.CheckUnlistedKeys {
				return states.Absent(kind, key), nil
			}
		}
	} else {
		var out domain.Promotion
		if err := json.Unmarshal(raw, &out); err == nil {
			return out, nil
		}
	}
	return c.Promotion(ctx, kind, env, key)
}

// listPromotionStates reads every page of a kind's promotion states in
// one environment, by key, with the pages' own fields under "" once the
// listing is complete (not cut at maxListed).
func listPromotionStates(ctx context.Context, c *Client, path string) (map[string]json.RawMessage, error) {
	q := url.Values{api.QueryLimit: {strconv.Itoa(pageSize)}}
	objects := map[string]json.RawMessage{}
	for {
		var page struct {
			domain.PromotionStates
			Items []json.RawMessage `json:"items"`
		}
		if err := c.do(ctx, http.MethodGet, path, q, nil, nil, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.Items {
			var keyed struct {
				Key string `json:"key"`
			}
			if json.Unmarshal(raw, &keyed) == nil && keyed.Key != "" {
				objects[keyed.Key] = raw
			}
		}
		if page.NextCursor == "" {
			envelope := page.PromotionStates
			envelope.Items = nil
			raw, err := json.Marshal(envelope)
			if err != nil {
				return nil, err
			}
			objects[""] = raw
			return objects, nil
		}
		if len(objects) >= maxListed {
			return objects, nil
		}
		q.Set(api.QueryCursor, page.NextCursor)
	}
}

// listable reports whether a kind's listing can answer reads by key: the
// role assignment's key is three fields, not one.
func listable(kind domain.Kind) bool { return kind != domain.KindRoleAssignment }

// Refresh reads one object as a refresh does: from this plan's listing of
// its kind in env when the listing holds it, else from the backend (see
// listingCache for what that guarantees). Use it only to refresh state an
// apply wrote; a read that must see the backend now is Get.
func (o Collection[T]) Refresh(ctx context.Context, env, key string) (*T, error) {
	if listable(o.kind) {
		if raw, found := o.c.listings.lookup(ctx, o.c, o.url(api.ObjectRoutes(o.kind).List, env, ""), key, true); found {
			out := new(T)
			if err := json.Unmarshal(raw, out); err == nil {
				return out, nil
			}
		}
	}
	return o.Get(ctx, env, key)
}

// Listed reports whether an object exists, from this plan's listing of its
// kind in env when the listing holds it, else from the backend: for
// plan-time checks that only need to know it is there.
func (o Collection[T]) Listed(ctx context.Context, env, key string) (bool, error) {
	if listable(o.kind) {
		if _, found := o.c.listings.lookup(ctx, o.c, o.url(api.ObjectRoutes(o.kind).List, env, ""), key, false); found {
			return true, nil
		}
	}
	_, err := o.Get(ctx, env, key)
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
