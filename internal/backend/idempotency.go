package backend

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// idempotencyWindow is how long a write's outcome is remembered.
const idempotencyWindow = 24 * time.Hour

// IdempotencyHeader is the header of every write that can be retried safely.
type IdempotencyHeader struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Any string unique to the intended write; the same credential sending the same request with the same key within 24 hours gets the first answer again (secrets shown once included) instead of a second write, as long as what that write made is still exactly as it left it. Otherwise the request runs as new."`
}

// fingerprint identifies a request, so a key reused for another request is
// noticed.
func fingerprint(method, path string, body any) []byte {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(mustJSON(body))
	return h.Sum(nil)
}

// idempotent runs create inside w's transaction, unless the principal made
// the same request with the same key within the window and what it wrote
// is still exactly as it left it (unchanged says so, given the first
// answer): then the first answer is returned again. Replaying an answer
// whose object was deleted or changed since would resurrect or hide
// something, so such a request runs as new, and its preconditions answer
// for the present state. Remembered answers may hold a secret shown once,
// so they are sealed.
func idempotent[O any](w *write, key string, fp []byte, unchanged func(first *O) (bool, error), create func() (*O, error)) (*O, error) {
	if key == "" {
		return create()
	}
	principal := w.p.Ref()
	rec, err := w.tx.IdempotencyRecord(principal, key)
	switch {
	case err == nil && w.now.Sub(rec.CreatedAt) < idempotencyWindow:
		if string(rec.Fingerprint) != string(fp) {
			return nil, domain.Errorf(domain.CodeConflict, "Idempotency-Key %q was already used for a different request; use a new key", key)
		}
		body, err := w.s.sealer.Open(rec.Body, "idempotency:"+principal+":"+key)
		if err != nil {
			return nil, err
		}
		first := new(O)
		if err := json.Unmarshal(body, first); err != nil {
			return nil, err
		}
		still, err := unchanged(first)
		if err != nil {
			return nil, err
		}
		if still {
			countReplay(w.tx)
			return first, nil
		}
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	out, err := create()
	if err != nil {
		return nil, err
	}
	// Records older than the window are of no use any more (an index range
	// delete).
	if err := w.tx.ExpireIdempotencyRecords(w.now.Add(-idempotencyWindow)); err != nil {
		return nil, err
	}
	sealed := w.s.sealer.Seal(mustJSON(out), "idempotency:"+principal+":"+key)
	if err := w.tx.PutIdempotencyRecord(store.IdempotencyRecord{Principal: principal, Key: key, Fingerprint: fp, Body: sealed, CreatedAt: w.now}); err != nil {
		return nil, err
	}
	return out, nil
}

// sameVersion reports whether a stored row is still at the version, and of
// the moment, a remembered write left it: a row deleted and made again
// restarts at version 1, so the version alone would not tell.
func sameVersion(version, wantVersion int64, at, wantAt time.Time) bool {
	return version == wantVersion && at.Equal(wantAt)
}

// objectUnchanged is the replay condition of object writes: the object
// still exists at the version and update time of the first answer.
func objectUnchanged[T any, PT domain.ObjectPtr[T]](w *write, r *rules[T], key string) func(first *written[T]) (bool, error) {
	return func(first *written[T]) (bool, error) {
		o, err := w.tx.Object(scope(r.kind, w.env.Slug), r.kind.Name, key)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil || first.Object == nil {
			return false, err
		}
		m := PT(first.Object).GetMeta()
		return sameVersion(o.Version, m.Version, o.UpdatedAt, m.UpdatedAt), nil
	}
}

// environmentUnchanged is the replay condition of environment creations:
// the environment is the one that request made, unchanged, and every OAuth
// client and webhook whose new secret the answer holds is still the one it
// copied (created in that same transaction).
func environmentUnchanged(w *write) func(first *domain.CreatedEnvironment) (bool, error) {
	return func(first *domain.CreatedEnvironment) (bool, error) {
		env, err := w.tx.Environment(first.Slug)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil || !sameVersion(env.Version, first.Version, env.CreatedAt, first.CreatedAt) {
			return false, err
		}
		if first.Copy == nil {
			return true, nil
		}
		copied := map[domain.Kind][]string{}
		for key := range first.Copy.NewOAuthClientSecrets {
			copied[domain.KindOAuthClient] = append(copied[domain.KindOAuthClient], key)
		}
		for key := range first.Copy.NewWebhookSigningSecrets {
			copied[domain.KindWebhook] = append(copied[domain.KindWebhook], key)
		}
		for kind, keys := range copied {
			for _, key := range keys {
				o, err := w.tx.Object(env.Slug, kind.Name, key)
				if errors.Is(err, store.ErrNotFound) || (err == nil && !o.CreatedAt.Equal(first.CreatedAt)) {
					return false, nil
				}
				if err != nil {
					return false, err
				}
			}
		}
		return true, nil
	}
}
