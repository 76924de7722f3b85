// Package storetest is the test-suite every store.Store implementation must
// pass. An implementation's own test calls Run with a function that opens a
// fresh, empty store and can open more handles on the same database, as
// further processes (backend replicas) would.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Opener opens a fresh, empty store for one test. Each call of reopen opens
// another handle on the same database, as a second process would; handles
// are closed when the test ends.
type Opener func(t *testing.T) (s store.Store, reopen func() store.Store)

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := map[string]func(*testing.T, store.Store){
		"BuiltinEnvironments":           testBuiltinEnvironments,
		"EnvironmentOrder":              testEnvironmentOrder,
		"EnvironmentDeleteCascades":     testEnvironmentDeleteCascades,
		"Settings":                      testSettings,
		"Tokens":                        testTokens,
		"TokensWithRole":                testTokensWithRole,
		"APIKeys":                       testAPIKeys,
		"ObjectsPutGetList":             testObjectsPutGetList,
		"ObjectsPagination":             testObjectsPagination,
		"ObjectReferences":              testObjectReferences,
		"ObjectUniques":                 testObjectUniques,
		"SecretsAndHistory":             testSecretsAndHistory,
		"Audit":                         testAudit,
		"AuditFilters":                  testAuditFilters,
		"Sessions":                      testSessions,
		"Idempotency":                   testIdempotency,
		"UpdateRollsBackOnError":        testUpdateRollsBack,
		"ViewIsReadOnly":                testViewIsReadOnly,
		"LookupReadsCommittedState":     testLookup,
		"ConcurrentUpdatesSerialise":    testConcurrentUpdates,
		"ReadsSeeCommittedWritesOnly":   testReadIsolation,
		"AccountObjectsAcrossEnvirons":  testAccountObjects,
		"EncryptionKeyCheck":            testEncryptionKeyCheck,
		"FreeTextStoredAsWritten":       testFreeText,
		"ReadsDoNotWaitForQueuedWrites": testReadsBesideQueuedWrites,
		"ChangeNumbers":                 testChangeNumbers,
		"RequestState":                  testRequestState,
		"KindStamps":                    testKindStamps,
		"KeyStamps":                     testKeyStamps,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, _ := open(t)
			fn(t, s)
		})
	}
	// These race two handles on one database, as two replicas would.
	acrossHandles := map[string]func(*testing.T, [2]store.Store){
		"ConcurrentUpdatesAcrossHandles":    testConcurrentUpdatesAcrossHandles,
		"ConcurrentCreatesOfOneKey":         testConcurrentCreates,
		"ConcurrentHoldersOfOneUniqueValue": testConcurrentUniqueHolders,
		"AuditIDsFollowCommitOrder":         testAuditCommitOrder,
		"ChangeNumbersAcrossHandles":        testChangeNumbersAcrossHandles,
	}
	for name, fn := range acrossHandles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, reopen := open(t)
			fn(t, [2]store.Store{s, reopen()})
		})
	}
}

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

func slugs(envs []domain.Environment) []string {
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.Slug
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func env(slug string) domain.Environment {
	return domain.Environment{Slug: slug, Name: slug, Version: 1, CreatedAt: now, UpdatedAt: now}
}

func obj(envSlug, kind, key string, version int64) store.Object {
	return store.Object{Environment: envSlug, Kind: kind, Key: key, Version: version,
		Body: []byte(fmt.Sprintf(`{"key":%q,"v":%d}`, key, version)), CreatedAt: now, UpdatedAt: now}
}

func testBuiltinEnvironments(t *testing.T, s store.Store) {
	view(t, s, func(tx store.Tx) error {
		envs, err := tx.Environments()
		if err != nil {
			return err
		}
		equal(t, "environments", fmt.Sprint(slugs(envs)), "[development production]")
		for i, e := range envs {
			equal(t, e.Slug+" builtin", e.Builtin, true)
			equal(t, e.Slug+" position", e.Position, i+1)
			equal(t, e.Slug+" default locale", e.DefaultLocale, domain.DefaultLocale)
		}
		prod, err := tx.Environment("production")
		if err != nil {
			return err
		}
		equal(t, "production position", prod.Position, 2)
		_, err = tx.Environment("nope")
		equal(t, "missing environment", errors.Is(err, store.ErrNotFound), true)
		return nil
	})
}

func testEnvironmentOrder(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("staging")) })
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("qa")) })
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.InsertEnvironment(env("qa")) })
	equal(t, "duplicate insert is ErrExists", errors.Is(err, store.ErrExists), true)
	update(t, s, func(tx store.Tx) error { return tx.DeleteEnvironment("staging") })
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("uat")) })
	view(t, s, func(tx store.Tx) error {
		envs, err := tx.Environments()
		if err != nil {
			return err
		}
		equal(t, "order", fmt.Sprint(slugs(envs)), "[development qa uat production]")
		uat, err := tx.Environment("uat")
		equal(t, "uat position", uat.Position, 3)
		equal(t, "uat default locale (none given)", uat.DefaultLocale, domain.DefaultLocale)
		return err
	})
	update(t, s, func(tx store.Tx) error {
		e := env("qa")
		e.Name, e.Description, e.ObfuscateCustomerData, e.DefaultLocale, e.Version = "Quality", "checks", true, "fr-CA", 2
		return tx.UpdateEnvironment(e)
	})
	view(t, s, func(tx store.Tx) error {
		qa, err := tx.Environment("qa")
		equal(t, "qa name", qa.Name, "Quality")
		equal(t, "qa obfuscates", qa.ObfuscateCustomerData, true)
		equal(t, "qa default locale", qa.DefaultLocale, "fr-CA")
		equal(t, "qa version", qa.Version, int64(2))
		return err
	})
}

func testEnvironmentDeleteCascades(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.InsertEnvironment(env("staging")); err != nil {
			return err
		}
		if err := tx.PutObject(obj("staging", "permission", "p", 1), nil, nil); err != nil {
			return err
		}
		if err := tx.PutObject(obj("staging", "role", "r", 1), []store.Ref{{Environment: "staging", Kind: "permission", Key: "p"}}, nil); err != nil {
			return err
		}
		if err := tx.PutSecret(store.Ref{Environment: "staging", Kind: "role", Key: "r"}, "s", []byte("x")); err != nil {
			return err
		}
		return tx.InsertAPIKey(domain.APIKey{ID: "k1", Environment: "staging", Name: "ci", Scope: domain.ScopeReadOnly, Prefix: "arbk_k1", Version: 1, CreatedAt: now}, []byte("h"))
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteEnvironment("staging") })
	view(t, s, func(tx store.Tx) error {
		n, err := tx.CountObjects("staging", "permission")
		equal(t, "permissions left", n, 0)
		_, _, kerr := tx.APIKey("k1")
		equal(t, "api key removed", errors.Is(kerr, store.ErrNotFound), true)
		return err
	})
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.DeleteEnvironment("staging") })
	equal(t, "second delete is ErrNotFound", errors.Is(err, store.ErrNotFound), true)
}

func testSettings(t *testing.T, s store.Store) {
	view(t, s, func(tx store.Tx) error {
		st, err := tx.Settings()
		equal(t, "default production write access", st.ProductionWriteAccess, false)
		equal(t, "default version", st.Version, int64(1))
		return err
	})
	update(t, s, func(tx store.Tx) error {
		return tx.PutSettings(domain.Settings{ProductionWriteAccess: true, Version: 2, UpdatedAt: now})
	})
	view(t, s, func(tx store.Tx) error {
		st, err := tx.Settings()
		equal(t, "production write access", st.ProductionWriteAccess, true)
		equal(t, "version", st.Version, int64(2))
		return err
	})
}

func testTokens(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for _, id := range []string{"b", "a", "c"} {
			if err := tx.InsertToken(domain.Token{ID: id, Name: "n" + id, Role: domain.RoleAdmin, Prefix: "arbt_" + id, Version: 1, CreatedAt: now}, []byte("hash-"+id)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		tok, hash, err := tx.Token("b")
		if err != nil {
			return err
		}
		equal(t, "token role", tok.Role, domain.RoleAdmin)
		equal(t, "token hash", string(hash), "hash-b")
		equal(t, "created_at", tok.CreatedAt.Equal(now), true)
		page, err := tx.Tokens("a", 1)
		equal(t, "page after a", len(page) == 1 && page[0].ID == "b", true)
		n, _ := tx.CountTokens()
		equal(t, "count", n, 3)
		return err
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteToken("b") })
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.DeleteToken("b") })
	equal(t, "second delete", errors.Is(err, store.ErrNotFound), true)
}

func testTokensWithRole(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for i, id := range []string{"d", "b", "a", "c"} {
			role := domain.RoleProductionMember
			if i == 0 {
				role = domain.RoleViewer
			}
			if err := tx.InsertToken(domain.Token{ID: id, Name: "n" + id, Role: role, Prefix: "arbt_" + id, Version: 1, CreatedAt: now}, []byte("hash-"+id)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		first, n, err := tx.TokensWithRole(domain.RoleProductionMember, 2)
		equal(t, "holders", n, 3)
		equal(t, "first two by id", len(first) == 2 && first[0].ID == "a" && first[1].ID == "b" && first[0].Name == "na", true)
		all, _, _ := tx.TokensWithRole(domain.RoleProductionMember, 0)
		equal(t, "all of them", len(all), 3)
		none, n, _ := tx.TokensWithRole(domain.RoleOwner, 10)
		equal(t, "no owner", len(none) == 0 && n == 0, true)
		return err
	})
}

func testAPIKeys(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.InsertAPIKey(domain.APIKey{ID: "k1", Environment: "development", Name: "ci", Scope: domain.ScopeReadWrite, Prefix: "arbk_k1", Version: 1, CreatedAt: now}, []byte("h1")); err != nil {
			return err
		}
		return tx.InsertAPIKey(domain.APIKey{ID: "k2", Environment: "production", Name: "ci", Scope: domain.ScopeReadOnly, Prefix: "arbk_k2", Version: 1, CreatedAt: now}, []byte("h2"))
	})
	update(t, s, func(tx store.Tx) error {
		return tx.UpdateAPIKey(domain.APIKey{ID: "k1", Name: "deploy", Scope: domain.ScopeReadOnly, Version: 2})
	})
	view(t, s, func(tx store.Tx) error {
		dev, err := tx.APIKeys("development", "", 0)
		equal(t, "development keys", len(dev), 1)
		equal(t, "renamed", dev[0].Name, "deploy")
		equal(t, "rescoped", dev[0].Scope, domain.ScopeReadOnly)
		k, hash, err2 := tx.APIKey("k2")
		equal(t, "k2 environment", k.Environment, "production")
		equal(t, "k2 hash", string(hash), "h2")
		return errors.Join(err, err2)
	})
}

func testObjectsPutGetList(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("development", "permission", "p1", 1), nil, nil) })
	later := now.Add(time.Hour)
	update(t, s, func(tx store.Tx) error {
		o := obj("development", "permission", "p1", 2)
		o.UpdatedAt = later
		return tx.PutObject(o, nil, nil)
	})
	view(t, s, func(tx store.Tx) error {
		o, err := tx.Object("development", "permission", "p1")
		if err != nil {
			return err
		}
		equal(t, "version", o.Version, int64(2))
		equal(t, "body", string(o.Body), `{"key":"p1","v":2}`)
		equal(t, "created_at kept", o.CreatedAt.Equal(now), true)
		equal(t, "updated_at", o.UpdatedAt.Equal(later), true)
		_, err = tx.Object("production", "permission", "p1")
		equal(t, "other environment", errors.Is(err, store.ErrNotFound), true)
		_, err = tx.Object("development", "role", "p1")
		equal(t, "other kind", errors.Is(err, store.ErrNotFound), true)
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "p1") })
	err := s.Update(context.Background(), func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "p1") })
	equal(t, "second delete", errors.Is(err, store.ErrNotFound), true)
}

func testObjectsPagination(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for i := range 25 {
			if err := tx.PutObject(obj("development", "permission", fmt.Sprintf("p%02d", i), 1), nil, nil); err != nil {
				return err
			}
		}
		return tx.PutObject(obj("production", "permission", "zz", 1), nil, nil)
	})
	view(t, s, func(tx store.Tx) error {
		var keys []string
		after := ""
		for {
			page, err := tx.Objects(store.Query{Environment: "development", Kind: "permission", After: after, Limit: 10})
			if err != nil {
				return err
			}
			for _, o := range page {
				keys = append(keys, o.Key)
			}
			if len(page) < 10 {
				break
			}
			after = page[len(page)-1].Key
		}
		equal(t, "keys listed", len(keys), 25)
		equal(t, "first", keys[0], "p00")
		equal(t, "last", keys[24], "p24")
		n, err := tx.CountObjects("development", "permission")
		equal(t, "count", n, 25)
		return err
	})
}

func testObjectReferences(t *testing.T, s store.Store) {
	perm := func(k string) store.Ref { return store.Ref{Environment: "development", Kind: "permission", Key: k} }
	update(t, s, func(tx store.Tx) error {
		for _, k := range []string{"a", "b"} {
			if err := tx.PutObject(obj("development", "permission", k, 1), nil, nil); err != nil {
				return err
			}
		}
		if err := tx.PutObject(obj("development", "role", "r1", 1), []store.Ref{perm("a"), perm("b")}, nil); err != nil {
			return err
		}
		return tx.PutObject(obj("development", "role", "r2", 1), []store.Ref{perm("a")}, nil)
	})
	err := s.Update(context.Background(), func(tx store.Tx) error {
		return tx.PutObject(obj("development", "role", "r3", 1), []store.Ref{perm("missing")}, nil)
	})
	var dangling *store.DanglingError
	equal(t, "dangling reference refused", errors.As(err, &dangling) && dangling.To.Key == "missing", true)

	err = s.Update(context.Background(), func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "a") })
	var referenced *store.ReferencedError
	if !errors.As(err, &referenced) {
		t.Fatalf("deleting a referenced object: %v, want ReferencedError", err)
	}
	equal(t, "referrers", fmt.Sprint(referenced.By), "[{development role r1} {development role r2}]")

	view(t, s, func(tx store.Tx) error {
		roles, err := tx.Objects(store.Query{Environment: "development", Kind: "role", ReferencesTo: ptr(perm("b"))})
		equal(t, "roles with b", len(roles) == 1 && roles[0].Key == "r1", true)
		_, err2 := tx.Object("development", "role", "r3")
		equal(t, "refused put left nothing", errors.Is(err2, store.ErrNotFound), true)
		return err
	})
	// Replacing an object's references releases the old ones.
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutObject(obj("development", "role", "r1", 2), []store.Ref{perm("b")}, nil); err != nil {
			return err
		}
		return tx.DeleteObject("development", "role", "r2")
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "a") })
	// Deleting the referrer releases its references.
	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "role", "r1") })
	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "b") })
}

func ptr[T any](v T) *T { return &v }

func testObjectUniques(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		return tx.PutObject(obj("", "identity", "ada", 1), nil, []store.Unique{{Name: "email", Value: "ada@example.com"}})
	})
	err := s.Update(context.Background(), func(tx store.Tx) error {
		return tx.PutObject(obj("", "identity", "bob", 1), nil, []store.Unique{{Name: "email", Value: "ada@example.com"}})
	})
	var ue *store.UniqueError
	equal(t, "unique violation", errors.As(err, &ue) && ue.Holder == "ada", true)
	// Same value in another environment or kind is fine; rewriting the holder is fine.
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutObject(obj("", "identity", "ada", 2), nil, []store.Unique{{Name: "email", Value: "ada@example.com"}}); err != nil {
			return err
		}
		return tx.PutObject(obj("development", "other", "x", 1), nil, []store.Unique{{Name: "email", Value: "ada@example.com"}})
	})
	// Changing the holder's value frees the old one.
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutObject(obj("", "identity", "ada", 3), nil, []store.Unique{{Name: "email", Value: "ada@example.org"}}); err != nil {
			return err
		}
		return tx.PutObject(obj("", "identity", "bob", 1), nil, []store.Unique{{Name: "email", Value: "ada@example.com"}})
	})
}

func testSecretsAndHistory(t *testing.T, s store.Store) {
	ref := store.Ref{Environment: "development", Kind: "workflow", Key: "w"}
	update(t, s, func(tx store.Tx) error {
		for v := int64(1); v <= 3; v++ {
			o := obj("development", "workflow", "w", v)
			if err := tx.PutObject(o, nil, nil); err != nil {
				return err
			}
			if err := tx.AppendHistory(o); err != nil {
				return err
			}
		}
		return tx.PutSecret(ref, "signing", []byte("sealed"))
	})
	view(t, s, func(tx store.Tx) error {
		h, err := tx.History(ref, 0, 0)
		equal(t, "history length", len(h), 3)
		equal(t, "newest first", h[0].Version, int64(3))
		older, _ := tx.History(ref, 3, 1)
		equal(t, "page before 3", len(older) == 1 && older[0].Version == 2, true)
		v, err2 := tx.Secret(ref, "signing")
		equal(t, "secret", string(v), "sealed")
		return errors.Join(err, err2)
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "workflow", "w") })
	view(t, s, func(tx store.Tx) error {
		_, err := tx.Secret(ref, "signing")
		equal(t, "secret removed with object", errors.Is(err, store.ErrNotFound), true)
		h, err := tx.History(ref, 0, 0)
		equal(t, "history removed with object", len(h), 0)
		return err
	})
}

func testAudit(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for i := range 5 {
			e := domain.AuditEntry{At: now, Actor: "token:x", Action: "create", Environment: []string{"development", "production"}[i%2], Kind: "permission", Key: fmt.Sprint(i), Version: 1}
			if i == 0 {
				e.Detail = []byte(`{"n":1}`)
			}
			if err := tx.AppendAudit(e); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		all, err := tx.Audit(store.AuditQuery{})
		equal(t, "entries", len(all), 5)
		equal(t, "newest first", all[0].Key, "4")
		equal(t, "detail kept", string(all[4].Detail), `{"n":1}`)
		dev, _ := tx.Audit(store.AuditQuery{Environment: "development"})
		equal(t, "development entries", len(dev), 3)
		page, _ := tx.Audit(store.AuditQuery{Before: all[1].ID, Limit: 2})
		equal(t, "page", len(page) == 2 && page[0].Key == "2", true)
		return err
	})
}

func testAuditFilters(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for i := range 6 {
			e := domain.AuditEntry{At: now, Actor: []string{"token:a", "token:b"}[i%2], Action: "create",
				Environment: []string{"development", "production", "development"}[i%3], Kind: []string{"role", "role", "permission"}[i%3], Key: fmt.Sprint(i), Version: 1}
			if err := tx.AppendAudit(e); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		keys := func(q store.AuditQuery) string {
			entries, err := tx.Audit(q)
			if err != nil {
				t.Fatalf("audit %+v: %v", q, err)
			}
			var out []string
			for _, e := range entries {
				out = append(out, e.Key)
			}
			return strings.Join(out, ",")
		}
		equal(t, "kind role", keys(store.AuditQuery{Kind: "role"}), "4,3,1,0")
		equal(t, "actor b", keys(store.AuditQuery{Actor: "token:b"}), "5,3,1")
		equal(t, "kind, actor and environment", keys(store.AuditQuery{Kind: "role", Actor: "token:a", Environment: "development"}), "0")
		all, err := tx.Audit(store.AuditQuery{})
		equal(t, "paged", keys(store.AuditQuery{Kind: "role", Before: all[1].ID, Limit: 2}), "3,1")
		return err
	})
}

func testSessions(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		for _, id := range []string{"t1", "t2"} {
			if err := tx.InsertToken(domain.Token{ID: id, Name: "n" + id, Role: domain.RoleViewer, Prefix: "arbt_" + id, Version: 1, CreatedAt: now}, []byte("h")); err != nil {
				return err
			}
		}
		for i, sess := range []store.Session{
			{Hash: []byte("fresh"), TokenID: "t1", CreatedAt: now, SeenAt: now},
			{Hash: []byte("idle"), TokenID: "t1", CreatedAt: now, SeenAt: now.Add(-2 * time.Hour)},
			{Hash: []byte("old"), TokenID: "t1", CreatedAt: now.Add(-48 * time.Hour), SeenAt: now},
			{Hash: []byte("other"), TokenID: "t2", CreatedAt: now, SeenAt: now},
		} {
			if err := tx.InsertSession(sess); err != nil {
				return fmt.Errorf("session %d: %w", i, err)
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		sess, tok, err := tx.Session([]byte("fresh"))
		equal(t, "token id", sess.TokenID, "t1")
		equal(t, "token role", tok.Role, domain.RoleViewer)
		equal(t, "token name", tok.Name, "nt1")
		equal(t, "created_at", sess.CreatedAt.Equal(now), true)
		_, _, missing := tx.Session([]byte("nope"))
		equal(t, "unknown session", errors.Is(missing, store.ErrNotFound), true)
		return err
	})
	update(t, s, func(tx store.Tx) error {
		if err := tx.TouchSession([]byte("fresh"), now.Add(time.Minute)); err != nil {
			return err
		}
		return tx.ExpireSessions(now.Add(-time.Hour), now.Add(-24*time.Hour))
	})
	view(t, s, func(tx store.Tx) error {
		sess, _, err := tx.Session([]byte("fresh"))
		equal(t, "touched", sess.SeenAt.Equal(now.Add(time.Minute)), true)
		for _, gone := range []string{"idle", "old"} {
			_, _, e := tx.Session([]byte(gone))
			equal(t, gone+" expired", errors.Is(e, store.ErrNotFound), true)
		}
		return err
	})
	// Deleting a token ends its sessions; signing out ends one.
	update(t, s, func(tx store.Tx) error { return tx.DeleteToken("t1") })
	update(t, s, func(tx store.Tx) error { return tx.DeleteSession([]byte("other")) })
	view(t, s, func(tx store.Tx) error {
		for _, gone := range []string{"fresh", "other"} {
			_, _, e := tx.Session([]byte(gone))
			equal(t, gone+" ended", errors.Is(e, store.ErrNotFound), true)
		}
		return nil
	})
}

func testIdempotency(t *testing.T, s store.Store) {
	rec := store.IdempotencyRecord{Principal: "token:a", Key: "k", Fingerprint: []byte("fp"), Body: []byte("sealed"), CreatedAt: now}
	update(t, s, func(tx store.Tx) error { return tx.PutIdempotencyRecord(rec) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.IdempotencyRecord("token:a", "k")
		equal(t, "fingerprint", string(got.Fingerprint), "fp")
		equal(t, "body", string(got.Body), "sealed")
		_, err2 := tx.IdempotencyRecord("token:b", "k")
		equal(t, "scoped to principal", errors.Is(err2, store.ErrNotFound), true)
		return err
	})
	anew := rec
	anew.Body, anew.CreatedAt = []byte("sealed again"), now.Add(time.Millisecond)
	update(t, s, func(tx store.Tx) error { return tx.PutIdempotencyRecord(anew) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.IdempotencyRecord("token:a", "k")
		equal(t, "replaced body", string(got.Body), "sealed again")
		equal(t, "replaced time", got.CreatedAt.Equal(anew.CreatedAt), true)
		return err
	})
	update(t, s, func(tx store.Tx) error { return tx.ExpireIdempotencyRecords(now.Add(time.Second)) })
	view(t, s, func(tx store.Tx) error {
		_, err := tx.IdempotencyRecord("token:a", "k")
		equal(t, "expired", errors.Is(err, store.ErrNotFound), true)
		return nil
	})
}

func testUpdateRollsBack(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.PutObject(obj("development", "permission", "p", 1), nil, nil); err != nil {
			return err
		}
		if err := tx.InsertEnvironment(env("staging")); err != nil {
			return err
		}
		return boom
	})
	equal(t, "error returned", errors.Is(err, boom), true)
	view(t, s, func(tx store.Tx) error {
		_, err := tx.Object("development", "permission", "p")
		equal(t, "object rolled back", errors.Is(err, store.ErrNotFound), true)
		_, err = tx.Environment("staging")
		equal(t, "environment rolled back", errors.Is(err, store.ErrNotFound), true)
		return nil
	})
}

func testViewIsReadOnly(t *testing.T, s store.Store) {
	err := s.View(context.Background(), func(tx store.Tx) error {
		return tx.PutObject(obj("development", "permission", "p", 1), nil, nil)
	})
	if err == nil {
		t.Fatal("a write inside View succeeded")
	}
}

func testLookup(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("development", "permission", "p", 1), nil, nil) })
	err := s.Lookup(context.Background(), func(tx store.Tx) error {
		o, err := tx.Object("development", "permission", "p")
		equal(t, "version looked up", o.Version, int64(1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Lookup(context.Background(), func(tx store.Tx) error {
		return tx.PutObject(obj("development", "permission", "q", 1), nil, nil)
	})
	if err == nil {
		t.Fatal("a write inside Lookup succeeded")
	}
}

func testConcurrentUpdates(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("development", "counter", "c", 0), nil, nil) })
	const writers, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				errs <- s.Update(context.Background(), func(tx store.Tx) error {
					o, err := tx.Object("development", "counter", "c")
					if err != nil {
						return err
					}
					o.Version++
					return tx.PutObject(o, nil, nil)
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	view(t, s, func(tx store.Tx) error {
		o, err := tx.Object("development", "counter", "c")
		equal(t, "no lost update", o.Version, int64(writers*rounds))
		return err
	})
}

func testReadIsolation(t *testing.T, s store.Store) {
	inWrite := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- s.Update(context.Background(), func(tx store.Tx) error {
			if err := tx.PutObject(obj("development", "permission", "p", 1), nil, nil); err != nil {
				return err
			}
			close(inWrite)
			<-release
			return nil
		})
	}()
	<-inWrite
	view(t, s, func(tx store.Tx) error {
		_, err := tx.Object("development", "permission", "p")
		equal(t, "uncommitted write invisible", errors.Is(err, store.ErrNotFound), true)
		return nil
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	view(t, s, func(tx store.Tx) error {
		_, err := tx.Object("development", "permission", "p")
		return err
	})
}

func testAccountObjects(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutObject(obj("", "identity", "ada", 1), nil, nil); err != nil {
			return err
		}
		for _, e := range []string{"development", "production"} {
			if err := tx.PutObject(obj(e, "role", "r", 1), nil, nil); err != nil {
				return err
			}
			if err := tx.PutObject(obj(e, "role_assignment", "ada/r", 1), []store.Ref{
				{Environment: "", Kind: "identity", Key: "ada"},
				{Environment: e, Kind: "role", Key: "r"},
			}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		by, err := tx.Referrers(store.Ref{Kind: "identity", Key: "ada"}, 0)
		equal(t, "assignments across environments", len(by), 2)
		one, _ := tx.Referrers(store.Ref{Kind: "identity", Key: "ada"}, 1)
		equal(t, "limit", len(one), 1)
		return err
	})
}

func testEncryptionKeyCheck(t *testing.T, s store.Store) {
	view(t, s, func(tx store.Tx) error {
		_, err := tx.EncryptionKeyCheck()
		equal(t, "no check value on a new database", errors.Is(err, store.ErrNotFound), true)
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.PutEncryptionKeyCheck([]byte("sealed-check")) })
	view(t, s, func(tx store.Tx) error {
		v, err := tx.EncryptionKeyCheck()
		equal(t, "check value", string(v), "sealed-check")
		return err
	})
}

// race runs fn(i, handle) for i in [0, n) at once, alternating handles,
// and returns each one's error.
func race(handles [2]store.Store, n int, fn func(i int, s store.Store) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i, handles[i%2])
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testConcurrentUpdatesAcrossHandles(t *testing.T, handles [2]store.Store) {
	update(t, handles[0], func(tx store.Tx) error { return tx.PutObject(obj("development", "counter", "c", 0), nil, nil) })
	const writers, rounds = 8, 10
	errs := race(handles, writers, func(_ int, s store.Store) error {
		for range rounds {
			err := s.Update(context.Background(), func(tx store.Tx) error {
				o, err := tx.Object("development", "counter", "c")
				if err != nil {
					return err
				}
				o.Version++
				return tx.PutObject(o, nil, nil)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	view(t, handles[1], func(tx store.Tx) error {
		o, err := tx.Object("development", "counter", "c")
		equal(t, "no lost update across handles", o.Version, int64(writers*rounds))
		return err
	})
}

// testConcurrentCreates races creates of one key that check first that it
// does not exist, as If-None-Match: * does: exactly one may succeed.
func testConcurrentCreates(t *testing.T, handles [2]store.Store) {
	const rounds, writers = 10, 6
	for round := range rounds {
		key := fmt.Sprintf("p%d", round)
		errs := race(handles, writers, func(i int, s store.Store) error {
			return s.Update(context.Background(), func(tx store.Tx) error {
				_, err := tx.Object("development", "permission", key)
				if err == nil {
					return store.ErrExists
				}
				if !errors.Is(err, store.ErrNotFound) {
					return err
				}
				o := obj("development", "permission", key, 1)
				o.Body = []byte(fmt.Sprintf(`{"writer":%d}`, i))
				return tx.PutObject(o, nil, nil)
			})
		})
		created := 0
		for _, err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, store.ErrExists):
				t.Fatalf("round %d: a racing create failed with %v, want ErrExists", round, err)
			}
		}
		equal(t, fmt.Sprintf("round %d: creates that succeeded", round), created, 1)
		view(t, handles[1], func(tx store.Tx) error {
			o, err := tx.Object("development", "permission", key)
			equal(t, "version", o.Version, int64(1))
			return err
		})
	}
}

// testConcurrentUniqueHolders races objects of different keys claiming one
// unique value: exactly one holds it, the others are told who does.
func testConcurrentUniqueHolders(t *testing.T, handles [2]store.Store) {
	const rounds, writers = 10, 6
	for round := range rounds {
		email := fmt.Sprintf("ada%d@example.com", round)
		errs := race(handles, writers, func(i int, s store.Store) error {
			return s.Update(context.Background(), func(tx store.Tx) error {
				return tx.PutObject(obj("", "identity", fmt.Sprintf("r%d-w%d", round, i), 1), nil, []store.Unique{{Name: "email", Value: email}})
			})
		})
		var holders []string
		for i, err := range errs {
			var ue *store.UniqueError
			switch {
			case err == nil:
				holders = append(holders, fmt.Sprintf("r%d-w%d", round, i))
			case !errors.As(err, &ue):
				t.Fatalf("round %d: a racing holder failed with %v, want a UniqueError", round, err)
			}
		}
		equal(t, fmt.Sprintf("round %d: holders", round), len(holders), 1)
		for _, err := range errs {
			var ue *store.UniqueError
			if errors.As(err, &ue) {
				equal(t, "holder named", ue.Holder, holders[0])
			}
		}
	}
}

// testAuditCommitOrder appends audit entries from both handles while a
// reader pages the log: every snapshot must hold exactly the ids 1..n. An
// id handed out before commit (a sequence) could become visible after a
// higher one, and a reader paging by id would skip it for good.
func testAuditCommitOrder(t *testing.T, handles [2]store.Store) {
	const writers, rounds = 6, 15
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		defer close(readErr)
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := handles[1].View(context.Background(), func(tx store.Tx) error {
				entries, err := tx.Audit(store.AuditQuery{})
				if err != nil {
					return err
				}
				for i, e := range entries {
					if want := int64(len(entries) - i); e.ID != want {
						return fmt.Errorf("a reader saw %d entries with id %d at position %d: an entry committed after it has a lower id", len(entries), e.ID, i)
					}
				}
				return nil
			})
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	errs := race(handles, writers, func(i int, s store.Store) error {
		for r := range rounds {
			err := s.Update(context.Background(), func(tx store.Tx) error {
				return tx.AppendAudit(domain.AuditEntry{At: now, Actor: fmt.Sprintf("writer:%d", i), Action: "create", Environment: "development", Kind: "permission", Key: fmt.Sprint(r), Version: 1})
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	close(stop)
	if err := errors.Join(append(errs, <-readErr)...); err != nil {
		t.Fatal(err)
	}
	view(t, handles[0], func(tx store.Tx) error {
		entries, err := tx.Audit(store.AuditQuery{})
		equal(t, "entries", len(entries), writers*rounds)
		return err
	})
}

// awkward is valid UTF-8 that a database might refuse or rewrite: a NUL, a
// quote, a backslash, a character outside the BMP, a combining accent.
const awkward = "a\x00b'\\c😀e\u0301"

// testFreeText writes awkward text into every field a writer chooses and
// reads it back byte for byte.
func testFreeText(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		e := env("qa")
		e.Name, e.Description = awkward, awkward
		if err := tx.InsertEnvironment(e); err != nil {
			return err
		}
		if err := tx.InsertToken(domain.Token{ID: "t", Name: awkward, Role: domain.RoleViewer, Prefix: "arbt_t", Version: 1, CreatedAt: now}, []byte("h")); err != nil {
			return err
		}
		if err := tx.InsertAPIKey(domain.APIKey{ID: "k", Environment: "qa", Name: awkward, Scope: domain.ScopeReadOnly, Prefix: "arbk_k", Version: 1, CreatedAt: now}, []byte("h")); err != nil {
			return err
		}
		o := obj("qa", "permission", "p", 1)
		o.Body = []byte(`{"name":"` + "a\\u0000b" + `"}`)
		if err := tx.PutObject(o, nil, nil); err != nil {
			return err
		}
		return tx.AppendAudit(domain.AuditEntry{At: now, Actor: awkward, Action: "create", Environment: "qa", Kind: "permission", Key: "p", Version: 1})
	})
	update(t, s, func(tx store.Tx) error {
		e, err := tx.Environment("qa")
		if err != nil {
			return err
		}
		e.Description = awkward + awkward
		return tx.UpdateEnvironment(e)
	})
	view(t, s, func(tx store.Tx) error {
		e, err := tx.Environment("qa")
		equal(t, "environment name", e.Name, awkward)
		equal(t, "environment description", e.Description, awkward+awkward)
		tok, _, err2 := tx.Token("t")
		equal(t, "token name", tok.Name, awkward)
		k, _, err3 := tx.APIKey("k")
		equal(t, "API key name", k.Name, awkward)
		o, err4 := tx.Object("qa", "permission", "p")
		equal(t, "body", string(o.Body), `{"name":"`+"a\\u0000b"+`"}`)
		audit, err5 := tx.Audit(store.AuditQuery{Environment: "qa"})
		equal(t, "audit actor", len(audit) == 1 && audit[0].Actor == awkward, true)
		return errors.Join(err, err2, err3, err4, err5)
	})
}

// testReadsBesideQueuedWrites queues many writes behind one that holds the
// store's writes up: a read must still answer at once, not wait for a
// connection the queued writes hold.
func testReadsBesideQueuedWrites(t *testing.T, s store.Store) {
	holding, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	wg.Go(func() {
		errs <- s.Update(context.Background(), func(tx store.Tx) error {
			close(holding)
			<-release
			return tx.PutObject(obj("development", "permission", "first", 1), nil, nil)
		})
	})
	<-holding
	for i := range 48 {
		wg.Go(func() {
			errs <- s.Update(context.Background(), func(tx store.Tx) error {
				return tx.PutObject(obj("development", "permission", fmt.Sprintf("queued-%d", i), 1), nil, nil)
			})
		})
	}
	// Let the queued writes take whatever they take before the reads.
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 4 {
		err := s.View(ctx, func(tx store.Tx) error {
			_, err := tx.Environment("production")
			return err
		})
		if err != nil {
			close(release)
			t.Fatalf("a read while writes queue: %v", err)
		}
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// writeUndone makes a write of a permission in development that fails
// after writing, so that its store undoes it.
func writeUndone(t *testing.T, s store.Store) {
	t.Helper()
	err := s.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.PutObject(obj("development", "permission", "undone", 1), nil, nil); err != nil {
			return err
		}
		return errors.New("undo")
	})
	if err == nil {
		t.Fatal("a failing write committed")
	}
}

func changesOf(t *testing.T, s store.Store, env string) store.Changes {
	t.Helper()
	return viewed(t, s, func(tx store.Tx) (store.Changes, error) { return tx.Changes(env) })
}

// viewed is what read gives in a read transaction of s.
func viewed[T any](t *testing.T, s store.Store, read func(tx store.Tx) (T, error)) T {
	t.Helper()
	var v T
	view(t, s, func(tx store.Tx) error {
		var err error
		v, err = read(tx)
		return err
	})
	return v
}

// Every committed write moves the change number of each environment it
// writes in, and the account's when it writes account-level objects; a
// write undone, a read or a write elsewhere moves neither.
func testChangeNumbers(t *testing.T, s store.Store) {
	start := changesOf(t, s, "development")
	moved := func(what string, write func(tx store.Tx) error, devMoves, accountMoves bool) {
		t.Helper()
		before, prodBefore := changesOf(t, s, "development"), changesOf(t, s, "production")
		update(t, s, write)
		after, prodAfter := changesOf(t, s, "development"), changesOf(t, s, "production")
		equal(t, what+": development's number moved", after.Environment > before.Environment, devMoves)
		equal(t, what+": the account's number moved", after.Account > before.Account, accountMoves)
		equal(t, what+": production's number", prodAfter.Environment, prodBefore.Environment)
	}
	moved("object put", func(tx store.Tx) error { return tx.PutObject(obj("development", "permission", "p", 1), nil, nil) }, true, false)
	moved("secret put", func(tx store.Tx) error {
		return tx.PutSecret(store.Ref{Environment: "development", Kind: "permission", Key: "p"}, "s", []byte("v"))
	}, true, false)
	moved("history appended", func(tx store.Tx) error { return tx.AppendHistory(obj("development", "permission", "p", 1)) }, true, false)
	moved("object deleted", func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "p") }, true, false)
	moved("identity put", func(tx store.Tx) error { return tx.PutObject(obj("", "identity", "ada", 1), nil, nil) }, false, true)
	moved("environment updated", func(tx store.Tx) error {
		e, err := tx.Environment("development")
		if err != nil {
			return err
		}
		e.Version++
		return tx.UpdateEnvironment(e)
	}, true, false)
	key := domain.APIKey{ID: "k", Environment: "development", Name: "ci", Scope: domain.ScopeReadWrite, Prefix: "arbk_k", Version: 1, CreatedAt: now}
	moved("API key created", func(tx store.Tx) error { return tx.InsertAPIKey(key, []byte("h")) }, true, false)
	moved("API key revoked", func(tx store.Tx) error { return tx.DeleteAPIKey("k") }, true, false)
	moved("audit only", func(tx store.Tx) error {
		return tx.AppendAudit(domain.AuditEntry{At: now, Actor: "a", Action: "x", Environment: "development", Kind: "k", Key: "k", Version: 1})
	}, false, false)

	before := changesOf(t, s, "development")
	writeUndone(t, s)
	equal(t, "a write undone moves nothing", changesOf(t, s, "development"), before)
	if changesOf(t, s, "development").Environment <= start.Environment {
		t.Fatal("the writes left development's number where it was")
	}

	// An environment deleted and created again under its slug never gets
	// back a number an earlier copy of it was read at.
	update(t, s, func(tx store.Tx) error {
		return tx.InsertEnvironment(domain.Environment{Slug: "staging", Name: "Staging", Version: 1, CreatedAt: now, UpdatedAt: now})
	})
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("staging", "permission", "p", 1), nil, nil) })
	old := changesOf(t, s, "staging")
	update(t, s, func(tx store.Tx) error { return tx.DeleteEnvironment("staging") })
	view(t, s, func(tx store.Tx) error {
		if _, err := tx.Changes("staging"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("changes of a deleted environment: %v, want ErrNotFound", err)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		return tx.InsertEnvironment(domain.Environment{Slug: "staging", Name: "Staging", Version: 1, CreatedAt: now, UpdatedAt: now})
	})
	if again := changesOf(t, s, "staging"); again.Environment <= old.Environment {
		t.Fatalf("staging created again has number %d, not above %d of the one deleted", again.Environment, old.Environment)
	}
}

// Writes made through another handle (a replica, another process on the
// file) move the numbers the first handle reads.
func testChangeNumbersAcrossHandles(t *testing.T, handles [2]store.Store) {
	for i := range 10 {
		before := changesOf(t, handles[0], "development")
		update(t, handles[i%2], func(tx store.Tx) error {
			return tx.PutObject(obj("development", "permission", fmt.Sprintf("p%d", i), 1), nil, nil)
		})
		for _, h := range handles {
			if after := changesOf(t, h, "development"); after.Environment <= before.Environment {
				t.Fatalf("write %d: a handle reads number %d after the write, %d before", i, after.Environment, before.Environment)
			}
		}
	}
}

// Request reads the credential, the environment, the settings and the
// change numbers in one statement: Lookup allows no more.
func testRequestState(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error {
		if err := tx.InsertToken(domain.Token{ID: "t", Name: "ops", Role: domain.RoleAdmin, Prefix: "arbt_t", Version: 1, CreatedAt: now}, []byte("th")); err != nil {
			return err
		}
		if err := tx.InsertAPIKey(domain.APIKey{ID: "k", Environment: "production", Name: "ci", Scope: domain.ScopeReadOnly, Prefix: "arbk_k", Version: 1, CreatedAt: now}, []byte("kh")); err != nil {
			return err
		}
		return tx.PutObject(obj("production", "permission", "p", 1), nil, nil)
	})
	want := changesOf(t, s, "production")
	request := func(kind store.CredentialKind, id, env string, object ...store.Ref) store.RequestState {
		t.Helper()
		var r store.RequestState
		var ref *store.Ref
		if len(object) > 0 {
			ref = &object[0]
		}
		if err := s.Lookup(context.Background(), func(tx store.Tx) error {
			var err error
			r, err = tx.Request(kind, id, env, ref)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := request(store.CredentialToken, "t", "production")
	if r.Token == nil || r.APIKey != nil {
		t.Fatalf("token read as %+v / %+v", r.Token, r.APIKey)
	}
	equal(t, "token", *r.Token, domain.Token{ID: "t", Name: "ops", Role: domain.RoleAdmin, Prefix: "arbt_t", Version: 1, CreatedAt: now})
	equal(t, "token hash", string(r.Hash), "th")
	if r.Environment == nil {
		t.Fatal("production read as absent")
	}
	equal(t, "environment", r.Environment.Slug, "production")
	equal(t, "position", r.Environment.Position, 2)
	equal(t, "changes", r.Changes, want)
	equal(t, "settings version", r.Settings.Version, int64(1))
	if r.Object != nil {
		t.Fatalf("no object asked for, %+v read", r.Object)
	}

	// With an object asked for, it comes in the same statement.
	r = request(store.CredentialToken, "t", "production", store.Ref{Environment: "production", Kind: "permission", Key: "p"})
	if r.Object == nil || r.Token == nil {
		t.Fatalf("object read as %+v, token %+v", r.Object, r.Token)
	}
	equal(t, "object key", r.Object.Key, "p")
	equal(t, "object version", r.Object.Version, int64(1))
	equal(t, "object body", string(r.Object.Body), string(obj("production", "permission", "p", 1).Body))
	equal(t, "object updated", r.Object.UpdatedAt, obj("production", "permission", "p", 1).UpdatedAt)
	if r := request(store.CredentialToken, "t", "production", store.Ref{Environment: "production", Kind: "permission", Key: "q"}); r.Object != nil || r.Token == nil {
		t.Fatalf("a missing object read as %+v", r.Object)
	}

	r = request(store.CredentialAPIKey, "k", "development")
	if r.APIKey == nil || r.Token != nil {
		t.Fatalf("API key read as %+v / %+v", r.Token, r.APIKey)
	}
	equal(t, "key", *r.APIKey, domain.APIKey{ID: "k", Environment: "production", Name: "ci", Scope: domain.ScopeReadOnly, Prefix: "arbk_k", Version: 1, CreatedAt: now})
	equal(t, "key hash", string(r.Hash), "kh")
	equal(t, "development's position", r.Environment.Position, 1)

	r = request(store.CredentialAPIKey, "t", "")
	if r.Token != nil || r.APIKey != nil || r.Hash != nil || r.Environment != nil {
		t.Fatalf("a token id read as an API key, or no environment read as one: %+v", r)
	}
	equal(t, "account number without an environment", r.Changes.Account, want.Account)
	r = request(store.CredentialToken, "missing", "missing")
	if r.Token != nil || r.Environment != nil {
		t.Fatalf("missing credential and environment read as %+v", r)
	}
}

func kindStampsOf(t *testing.T, s store.Store, env string) store.KindStamps {
	t.Helper()
	return viewed(t, s, func(tx store.Tx) (store.KindStamps, error) { return tx.KindStamps(env) })
}

// Every write that writes objects stamps their kinds with its number, in
// the environment it writes them in; a write of other kinds, of no
// object, of account-level objects or undone leaves a kind's stamp.
func testKindStamps(t *testing.T, s store.Store) {
	put := func(kind, key string) func(tx store.Tx) error {
		return func(tx store.Tx) error { return tx.PutObject(obj("development", kind, key, 1), nil, nil) }
	}
	update(t, s, put("permission", "p"))
	first := kindStampsOf(t, s, "development")
	equal(t, "the number a write stamps its kinds at", first.At, first.Environment)
	equal(t, "permission's stamp", first.Kinds["permission"], first.Environment)
	equal(t, "the write's number is its environment's", first.Environment, changesOf(t, s, "development").Environment)
	equal(t, "production's permissions unwritten since", kindStampsOf(t, s, "production").Unwritten("permission", 0), true)

	update(t, s, put("role", "r"))
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("", "identity", "ada", 1), nil, nil) })
	update(t, s, func(tx store.Tx) error {
		return tx.PutSecret(store.Ref{Environment: "development", Kind: "permission", Key: "p"}, "s", []byte("v"))
	})
	writeUndone(t, s)
	k := kindStampsOf(t, s, "development")
	equal(t, "stamps cover the writes since the first", k.At, k.Environment)
	equal(t, "permissions unwritten since the first write", k.Unwritten("permission", first.Environment), true)
	equal(t, "roles unwritten since the first write", k.Unwritten("role", first.Environment), false)
	equal(t, "permissions unwritten since before the first write", k.Unwritten("permission", first.Environment-1), false)
	equal(t, "permissions unwritten since a number above the environment's", k.Unwritten("permission", k.Environment+1), false)
	if _, ok := k.Kinds["identity"]; ok {
		t.Fatal("an account-level object stamped its kind in development")
	}

	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "p") })
	k = kindStampsOf(t, s, "development")
	equal(t, "a deletion stamps its kind", k.Kinds["permission"], k.Environment)

	// An environment deleted and created again under its slug: the
	// objects deleted with the first stamped nothing, so the stamps of the
	// second say nothing of any number before it was created.
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("staging")) })
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("staging", "permission", "p", 1), nil, nil) })
	old := kindStampsOf(t, s, "staging")
	update(t, s, func(tx store.Tx) error { return tx.DeleteEnvironment("staging") })
	view(t, s, func(tx store.Tx) error {
		if _, err := tx.KindStamps("staging"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("kind stamps of a deleted environment: %v, want ErrNotFound", err)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("staging")) })
	again := kindStampsOf(t, s, "staging")
	if len(again.Kinds) != 0 {
		t.Fatalf("staging created again holds the stamps %v of the one deleted", again.Kinds)
	}
	equal(t, "permissions unwritten in staging since the one deleted was read", again.Unwritten("permission", old.Environment), false)
	equal(t, "permissions unwritten in staging since it was created", again.Unwritten("permission", again.Environment), true)
}

func keysWrittenOf(t *testing.T, s store.Store, env, kind string, after int64, limit int) string {
	t.Helper()
	keys := viewed(t, s, func(tx store.Tx) ([]string, error) { return tx.KeysWritten(env, kind, after, limit) })
	return strings.Join(keys, ",")
}

// Every write that writes objects of the configuration stamps their keys
// with its number, a deletion too; a write undone, of account-level
// objects or of a kind outside the configuration stamps none,
// and writes made together (a PostgreSQL batch) each stamp their own.
func testKeyStamps(t *testing.T, s store.Store) {
	put := func(keys ...string) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			for _, key := range keys {
				if err := tx.PutObject(obj("development", "permission", key, 1), nil, nil); err != nil {
					return err
				}
			}
			return nil
		}
	}
	update(t, s, put("q", "p", "q"))
	first := kindStampsOf(t, s, "development")
	equal(t, "keys written since 0", keysWrittenOf(t, s, "development", "permission", 0, 0), "p,q")
	equal(t, "keys written since the first write", keysWrittenOf(t, s, "development", "permission", first.Environment, 0), "")
	equal(t, "roles written since 0", keysWrittenOf(t, s, "development", "role", 0, 0), "")

	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("", "identity", "ada", 1), nil, nil) })
	writeUndone(t, s)
	// A kind outside the configuration document stamps its kind alone.
	tenant := domain.KindTenant.Name
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("development", tenant, "t1", 1), nil, nil) })
	equal(t, "the tenant write stamps its kind", kindStampsOf(t, s, "development").Kinds[tenant], kindStampsOf(t, s, "development").Environment)
	equal(t, "tenants' keys written", keysWrittenOf(t, s, "development", tenant, 0, 0), "")
	update(t, s, put("s"))
	update(t, s, func(tx store.Tx) error { return tx.DeleteObject("development", "permission", "p") })
	k := kindStampsOf(t, s, "development")
	equal(t, "the stamps cover the writes since the first", k.Covered(first.Environment), true)
	equal(t, "keys written since the first write", keysWrittenOf(t, s, "development", "permission", first.Environment, 0), "p,s")
	equal(t, "the first key written since the first write", keysWrittenOf(t, s, "development", "permission", first.Environment, 1), "p")
	equal(t, "keys written since the write of s", keysWrittenOf(t, s, "development", "permission", k.Environment-1, 0), "p")
	equal(t, "identities written in development", keysWrittenOf(t, s, "development", "identity", 0, 0), "")

	// Writes made at once: each key carries the number of its own write.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if err := s.Update(context.Background(), put(fmt.Sprintf("c%d", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	all := kindStampsOf(t, s, "development")
	equal(t, "keys written by the writes made at once", keysWrittenOf(t, s, "development", "permission", k.Environment, 0), "c0,c1,c2,c3,c4,c5,c6,c7")
	for after := k.Environment; after < all.Environment; after++ {
		n := len(strings.Split(keysWrittenOf(t, s, "development", "permission", after, 0), ","))
		equal(t, fmt.Sprintf("keys written since %d", after), n, int(all.Environment-after))
	}

	// An environment deleted and created again under its slug holds no
	// key stamp of the first.
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("staging")) })
	update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("staging", "permission", "p", 1), nil, nil) })
	update(t, s, func(tx store.Tx) error { return tx.DeleteEnvironment("staging") })
	update(t, s, func(tx store.Tx) error { return tx.InsertEnvironment(env("staging")) })
	equal(t, "keys written in staging created again", keysWrittenOf(t, s, "staging", "permission", 0, 0), "")
}

// OldWriter changes the object env, kind, key as a process of a release
// that stamps no kinds would: its write moves the change numbers (as that
// release's commit path, or PostgreSQL's triggers for an older one, do)
// and no kind stamp.
type OldWriter func(t *testing.T, env, kind, key string)

// RunOldWriter checks that a write of an older release makes the kind
// stamps untrusted until a write of this release starts them again. open
// opens a fresh store and a writer of the older release on its database.
func RunOldWriter(t *testing.T, open func(t *testing.T) (store.Store, OldWriter)) {
	s, old := open(t)
	put := func(kind, key string) {
		update(t, s, func(tx store.Tx) error { return tx.PutObject(obj("development", kind, key, 1), nil, nil) })
	}
	put("permission", "p")
	put("role", "r")
	before := kindStampsOf(t, s, "development")

	old(t, "development", "permission", "p")
	k := kindStampsOf(t, s, "development")
	if k.Environment <= before.Environment {
		t.Fatalf("the older writer left development's number at %d", k.Environment)
	}
	equal(t, "the older writer moved kinds_at", k.At, before.At)
	equal(t, "roles known unwritten across the older write", k.Unwritten("role", before.Environment), false)
	equal(t, "permissions known unwritten across the older write", k.Unwritten("permission", before.Environment), false)
	equal(t, "roles known unwritten at the older write's number", k.Unwritten("role", k.Environment), false)
	equal(t, "the writes across the older write covered (their keys known)", k.Covered(before.Environment), false)
	oldWrite := k.Environment

	put("role", "r2")
	k = kindStampsOf(t, s, "development")
	equal(t, "a write of this release stamps again", k.At, k.Environment)
	equal(t, "the stamps start from the older write", k.Since, oldWrite)
	equal(t, "permissions unwritten since the older write", k.Unwritten("permission", oldWrite), true)
	equal(t, "roles unwritten since the older write", k.Unwritten("role", oldWrite), false)
	equal(t, "permissions unwritten since before the older write", k.Unwritten("permission", before.Environment), false)
	equal(t, "the writes since the older write covered", k.Covered(oldWrite), true)
	equal(t, "the keys written since the older write", keysWrittenOf(t, s, "development", "role", oldWrite, 0), "r2")
}
