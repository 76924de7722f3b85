package backend

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// write is the context of one write transaction.
type write struct {
	s   *Server
	tx  store.Tx
	p   domain.Principal
	env domain.Environment // zero for account-level writes
	now time.Time
	// managedBy is the tool the request says manages what it writes
	// (ManagedByHeader), "" when it names none.
	managedBy string
	// quiet leaves per-object writes out of the audit log, for operations
	// that record one entry for the whole (configuration imports).
	quiet bool
	// seeding is set while copy_from copies a source's channels into a new
	// environment: their needs_credentials flag is the copy's to set.
	seeding bool
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
	return s.updateReading(ctx, slug, act, nil, fn)
}

// updateReading is update for a write that reads the objects reads first
// (the object a PUT replaces): a store that pipelines statements reads
// them with the environment, in one round trip (store.Prefetcher).
func (s *Server) updateReading(ctx context.Context, slug string, act domain.Action, reads []store.Ref, fn func(w *write) error) error {
	p := principalFrom(ctx)
	return s.store.Update(store.WithReads(ctx, reads...), func(tx store.Tx) error {
		if pf, ok := tx.(store.Prefetcher); ok && len(reads) > 0 {
			pf.Prefetch(reads...)
		}
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
