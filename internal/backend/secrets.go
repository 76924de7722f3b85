package backend

import (
	"fmt"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// How the secrets of objects are stored: hashed when only checked, sealed
// when the backend must read them back.

// Names under which the secrets of objects are stored.
const (
	secretClientSecret  = "client_secret"
	secretSigningSecret = "signing_secret"
)

func objectRef(kind domain.Kind, env, key string) store.Ref {
	return store.Ref{Environment: scope(kind, env), Kind: kind.Name, Key: key}
}

// sealContext binds a sealed secret to the object and name it belongs to,
// so that a sealed value copied to another object does not open.
func sealContext(r store.Ref, name string) string {
	return fmt.Sprintf("%s/%s/%s/%s", r.Environment, r.Kind, r.Key, name)
}

// sealSecret stores a secret the backend must read back, encrypted.
func (w *write) sealSecret(r store.Ref, name, value string) error {
	return w.tx.PutSecret(r, name, w.s.sealer.Seal([]byte(value), sealContext(r, name)))
}
