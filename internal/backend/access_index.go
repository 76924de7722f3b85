package backend

import (
	"context"
	"sync"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Access checks answer from an index of the environment held in memory,
// never from one older than the last write committed to the environment
// before the check began, whichever replica or process made it.
//
// The scheme. Every committed write stamps the environments it wrote in
// (and the account, for identities) with the next number of one sequence
// of the database (store.Changes): writes are serialised on both stores,
// so the numbers follow commit order. Each request reads its credential,
// its environment and these numbers in one statement (store.Tx.Request);
// an index is built in one read snapshot together with the numbers of that
// snapshot. An index serves a request when its numbers are at least the
// request's: then its snapshot holds every write committed before the
// request's read, and so every write whose response came before the
// request was sent. Otherwise it is rebuilt first. A write made behind a
// running process (another replica; on SQLite the embedded provider or an
// operator command on the same file) moves the numbers in the database the
// next request reads, so no notification between processes is needed, and
// none can be missed. (A backup restored under running processes takes the
// numbers back to an earlier point, which no index built since would be
// found older than: restart the processes after a restore, as a database
// replaced under them asks anyway.)
//
// Why this and not another. A process cannot know what another committed
// without reading something each request: listening for notifications
// would leave a window between a commit and its delivery, and PRAGMA
// data_version exists on SQLite only and moves on any write, audit and
// idempotency records included. The numbers ride in the statement the
// request makes anyway (the credential's), so the check costs no read of
// its own. The index is rebuilt, not patched: the number says that the
// environment changed, not what; a rebuild reads the environment's
// hierarchy, roles, permissions, assignments and the account's identities
// once, and one build at a time per environment serves every check
// waiting for it.

// accessIndexes holds the newest index built of each environment.
type accessIndexes struct {
	mu    sync.Mutex
	byEnv map[string]*indexSlot
}

// indexSlot is one environment's index, or the build of it in flight.
type indexSlot struct {
	ix *domain.AccessIndex
	at store.Changes
	// building is closed when the build in flight ends; nil when none is.
	building chan struct{}
}

// get returns an index of env at least as new as need, building one when
// the one held is older.
func (c *accessIndexes) get(ctx context.Context, env string, need store.Changes, build func(context.Context, string) (*domain.AccessIndex, store.Changes, error)) (*domain.AccessIndex, error) {
	for {
		c.mu.Lock()
		if c.byEnv == nil {
			c.byEnv = map[string]*indexSlot{}
		}
		slot := c.byEnv[env]
		if slot == nil {
			slot = &indexSlot{}
			c.byEnv[env] = slot
		}
		if slot.ix != nil && slot.at.Covers(need) {
			ix := slot.ix
			c.mu.Unlock()
			return ix, nil
		}
		if wait := slot.building; wait != nil {
			// The build in flight may have begun before need was read:
			// its index is taken only if it covers need (next turn).
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		slot.building = done
		c.mu.Unlock()

		// The build serves every check waiting for it: one caller giving
		// up does not end it.
		ix, at, err := build(context.WithoutCancel(ctx), env)
		c.mu.Lock()
		slot.building = nil
		if err == nil && (slot.ix == nil || at.Covers(slot.at)) {
			slot.ix, slot.at = ix, at
		}
		if err != nil {
			// An environment gone takes its index with it.
			delete(c.byEnv, env)
		}
		c.mu.Unlock()
		close(done)
		if err != nil {
			return nil, err
		}
		// The build's snapshot began after need was read: it covers it.
		return ix, nil
	}
}

// buildAccessIndex reads, in one snapshot, everything an access check of
// env may need, with the change numbers of that snapshot.
func (s *Server) buildAccessIndex(ctx context.Context, env string) (*domain.AccessIndex, store.Changes, error) {
	var ix *domain.AccessIndex
	var at store.Changes
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if at, err = tx.Changes(env); err != nil {
			return err
		}
		identities, err := keysOf(tx, domain.KindIdentity, "")
		if err != nil {
			return err
		}
		permissions, err := keysOf(tx, domain.KindPermission, env)
		if err != nil {
			return err
		}
		nodes, err := listAll[domain.HierarchyNode](tx, domain.KindHierarchyNode, env)
		if err != nil {
			return err
		}
		roles, err := listAll[domain.Role](tx, domain.KindRole, env)
		if err != nil {
			return err
		}
		assignments, err := listAll[domain.RoleAssignment](tx, domain.KindRoleAssignment, env)
		if err != nil {
			return err
		}
		ix = domain.NewAccessIndex(env, identities, permissions, nodes, roles, assignments)
		return nil
	})
	if err != nil {
		return nil, at, err
	}
	return ix, at, nil
}

// keysOf lists the keys of every object of a kind: whether one exists is
// all a check asks of identities and permissions.
func keysOf(tx store.Tx, kind domain.Kind, env string) ([]string, error) {
	stored, err := tx.Objects(store.Query{Environment: env, Kind: kind.Name})
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(stored))
	for i, o := range stored {
		keys[i] = o.Key
	}
	return keys, nil
}
