// Package storetest is the test-suite every store.Store implementation must
// pass. An implementation's own test calls Run with a function that opens a
// fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Opener opens a fresh, empty store for one test.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := map[string]func(*testing.T, store.Store){
		"BuiltinEnvironments":          testBuiltinEnvironments,
		"EnvironmentOrder":             testEnvironmentOrder,
		"EnvironmentDeleteCascades":    testEnvironmentDeleteCascades,
		"Settings":                     testSettings,
		"Tokens":                       testTokens,
		"APIKeys":                      testAPIKeys,
		"ObjectsPutGetList":            testObjectsPutGetList,
		"ObjectsPagination":            testObjectsPagination,
		"ObjectReferences":             testObjectReferences,
		"ObjectUniques":                testObjectUniques,
		"SecretsAndHistory":            testSecretsAndHistory,
		"Audit":                        testAudit,
		"Idempotency":                  testIdempotency,
		"UpdateRollsBackOnError":       testUpdateRollsBack,
		"ViewIsReadOnly":               testViewIsReadOnly,
		"ConcurrentUpdatesSerialise":   testConcurrentUpdates,
		"ReadsSeeCommittedWritesOnly":  testReadIsolation,
		"AccountObjectsAcrossEnvirons": testAccountObjects,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open(t))
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
		return err
	})
	update(t, s, func(tx store.Tx) error {
		e := env("qa")
		e.Name, e.Description, e.ObfuscateCustomerData, e.Version = "Quality", "checks", true, 2
		return tx.UpdateEnvironment(e)
	})
	view(t, s, func(tx store.Tx) error {
		qa, err := tx.Environment("qa")
		equal(t, "qa name", qa.Name, "Quality")
		equal(t, "qa obfuscates", qa.ObfuscateCustomerData, true)
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

func testIdempotency(t *testing.T, s store.Store) {
	rec := store.IdempotencyRecord{Principal: "token:a", Key: "k", Fingerprint: []byte("fp"), Status: 201, Body: []byte("sealed"), CreatedAt: now}
	update(t, s, func(tx store.Tx) error { return tx.PutIdempotencyRecord(rec) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.IdempotencyRecord("token:a", "k")
		equal(t, "status", got.Status, 201)
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
