package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Versioned kinds are content under version control: every write is kept
// as an immutable version, the content has a hash (sha) computed by
// ContentSHA, each object records the environment it was created in, its
// active flag is per environment, and the promotion rule (Promotion)
// decides which writes and deletes each environment accepts. Workflows
// and guides are versioned. Another versioned kind embeds VersionState,
// implements VersionedObject and is listed in VersionedKinds; the backend
// and the provider then give it the same rule through the same code.

// VersionedKinds lists the versioned kinds.
var VersionedKinds = []Kind{KindWorkflow, KindGuide}

// DefaultActive is the default of every versioned object's active flag:
// the backend stores it explicitly and the provider's schema defaults to
// it.
const DefaultActive = true

// VersionState is what every versioned object carries besides its
// content. It is stored in the object's body under the same names for
// every kind, so the promotion rule reads any kind's state the same way.
type VersionState struct {
	Active            *bool  `json:"active,omitempty" doc:"Whether it is in effect in this environment (a workflow runs on its triggers, a guide is shown). Default true. Per environment: never promoted, never part of the sha."`
	SHA               string `json:"sha,omitempty" readOnly:"true" doc:"Hash of the content (all but active); equal content has equal sha in every environment."`
	OriginEnvironment string `json:"origin_environment,omitempty" readOnly:"true" doc:"Environment it was created in: the only one where its content can be edited."`
}

// GetVersionState gives access to the state of any object embedding it.
func (v *VersionState) GetVersionState() *VersionState { return v }

// IsActive is the active flag, true unless set false.
func (v *VersionState) IsActive() bool {
	if v.Active == nil {
		return DefaultActive
	}
	return *v.Active
}

// SetActiveDefault stores the default of active explicitly, so every
// reader sees the same object whatever the writer left out.
func (v *VersionState) SetActiveDefault() {
	if v.Active == nil {
		active := DefaultActive
		v.Active = &active
	}
}

// VersionedObject is implemented by the objects of every versioned kind.
type VersionedObject interface {
	Object
	GetVersionState() *VersionState
	// ApplyDefaults sets the optional fields a writer left out, active
	// included, to their defaults, so every reader sees the same stored
	// object.
	ApplyDefaults()
	// VersionedContent is what the sha covers: everything but the key, the
	// version state and the metadata, in a canonical form (defaults
	// applied, sets sorted).
	VersionedContent() any
	// Every versioned kind delivers through channels: its channel uses
	// are checked against the environment written.
	ChannelUser
}

// VersionedPtr constrains a type parameter to pointers to a versioned
// object type.
type VersionedPtr[T any] interface {
	*T
	VersionedObject
}

// ContentSHA is the content hash of a versioned object: sha-256 of its
// VersionedContent in JSON (maps with sorted keys). The backend stores it and the
// provider computes it at plan time with this same function, so equal
// content has equal sha everywhere.
func ContentSHA(o VersionedObject) string {
	b, err := json.Marshal(o.VersionedContent())
	if err != nil {
		panic("encoding the content of " + o.ObjectKey() + ": " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
