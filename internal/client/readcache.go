package client

import (
	"context"
	"encoding/json"
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
//   - A listing answers for listingMaxAge at most, then is made again.
//   - A key the listing lacks (created since, or beyond maxListed) is read
//     directly, so a missing object is always confirmed by a GET of it.
//   - A listed object answers one refresh read; a second read of it goes
//     to the backend, and its JSON is let go after the first.
//   - Only Refresh and Listed use it, and the provider calls them only to
//     refresh state that an earlier apply wrote (Read with an object
//     version in private state) and for plan-time existence checks; Get,
//     and every create, update and import, read the backend directly.
//   - A failed listing is not an error: the reads go to the backend one by
//     one, as without the cache.
type listingCache struct {
	mu sync.Mutex
	// generation counts the starts and ends of writes: a listing made in
	// another generation is never used.
	generation uint64
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

// listing is one kind's objects in one environment, as JSON by key.
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
	c.listings = nil
}

// lookup answers key from the listing of a collection, making the listing
// first when there is none, or none still valid. found is false when the
// caller must read the object from the backend. A read (take) consumes the
// object's JSON: it answers one read only and is then let go, so a walk
// holds each object's JSON until its refresh at most; the key stays listed,
// for existence checks.
func (c *listingCache) lookup(ctx context.Context, client *Client, collection, key string, take bool) (raw json.RawMessage, found bool) {
	c.mu.Lock()
	l := c.listings[collection]
	if l != nil && !c.usable(l) {
		l = nil
	}
	if l == nil {
		l = &listing{ready: make(chan struct{}), generation: c.generation}
		if c.listings == nil {
			c.listings = map[string]*listing{}
		}
		c.listings[collection] = l
		c.mu.Unlock()
		c.make(ctx, client, collection, l)
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

// make reads the listing's pages and closes ready.
func (c *listingCache) make(ctx context.Context, client *Client, collection string, l *listing) {
	defer close(l.ready)
	items, err := collect[json.RawMessage](ctx, client, collection, nil, maxListed)
	if err != nil {
		l.failed = true
		return
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
	l.objects, l.madeAt = objects, time.Now()
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
