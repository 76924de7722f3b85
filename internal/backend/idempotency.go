package backend

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// idempotencyWindow is how long a POST's outcome is remembered.
const idempotencyWindow = 24 * time.Hour

// IdempotencyHeader is the header of every POST that creates something.
type IdempotencyHeader struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Any unique string. Retrying a write with the same key within 24 hours returns the first answer again instead of writing again (and instead of failing the preconditions the first write changed)."`
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
// the same request with the same key before: then the first response is
// returned again. Remembered responses may hold a secret shown once, so
// they are sealed.
func idempotent[O any](w *write, key string, fp []byte, create func() (*O, error)) (*O, error) {
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
		countReplay(w.tx)
		out := new(O)
		return out, json.Unmarshal(body, out)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	out, err := create()
	if err != nil {
		return nil, err
	}
	// Records older than the window are of no use any more, this key's
	// included (an index range delete).
	if err := w.tx.ExpireIdempotencyRecords(w.now.Add(-idempotencyWindow)); err != nil {
		return nil, err
	}
	sealed := w.s.sealer.Seal(mustJSON(out), "idempotency:"+principal+":"+key)
	if err := w.tx.PutIdempotencyRecord(store.IdempotencyRecord{Principal: principal, Key: key, Fingerprint: fp, Status: http.StatusCreated, Body: sealed, CreatedAt: w.now}); err != nil {
		return nil, err
	}
	return out, nil
}
