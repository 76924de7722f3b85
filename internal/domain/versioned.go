package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// Versioned kinds are content under version control: every write is kept
// as an immutable version, the content has a hash (sha) computed by
// ContentSHA, each object records the environment it was created in, and
// the promotion rule (Promotion) decides which writes and deletes each
// environment accepts. The kinds a workflow runs or shows (workflows,
// guides) also have an active flag per environment (Activation); the
// content they use (layouts, partials, translations) has none.
//
// A versioned kind is its type (embedding VersionState, implementing
// VersionedObject) and its section in ConfigDocument (a field and a line
// in ConfigDocument.sections): VersionedKinds, the document's sections,
// the backend's and the provider's rules all follow from them.

// VersionedKinds lists the versioned kinds, in document order: the kinds
// of the document's versioned sections.
var VersionedKinds = (&ConfigDocument{}).versionedKinds()

// VersionedKindsNamed names the versioned kinds for documentation, in
// document order: "workflows and guides".
func VersionedKindsNamed() string {
	names := make([]string, len(VersionedKinds))
	for i, k := range VersionedKinds {
		names[i] = k.Noun + "s"
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// DefaultActive is the default of every activatable object's active flag:
// the backend stores it explicitly and the provider's schema defaults to
// it.
const DefaultActive = true

// VersionState is what every versioned object carries besides its
// content. It is stored in the object's body under the same names for
// every kind, so the promotion rule reads any kind's state the same way.
type VersionState struct {
	SHA               string `json:"sha,omitempty" readOnly:"true" doc:"Hash of the content (all but per-environment state); equal content has equal sha in every environment."`
	OriginEnvironment string `json:"origin_environment,omitempty" readOnly:"true" doc:"Environment it was created in: the only one where its content can be edited."`
}

// GetVersionState gives access to the state of any object embedding it.
func (v *VersionState) GetVersionState() *VersionState { return v }

// Activation is the per-environment active flag of the versioned kinds
// that run or show (workflows, guides): never promoted, never part of the
// sha.
type Activation struct {
	Active *bool `json:"active,omitempty" doc:"Whether it is in effect in this environment (a workflow runs on its triggers, a guide is shown). Default true. Per environment: never promoted, never part of the sha."`
}

// GetActivation gives access to the flag of any object embedding it.
func (a *Activation) GetActivation() *Activation { return a }

// IsActive is the active flag, true unless set false.
func (a *Activation) IsActive() bool {
	if a.Active == nil {
		return DefaultActive
	}
	return *a.Active
}

// SetActiveDefault stores the default of active explicitly, so every
// reader sees the same object whatever the writer left out.
func (a *Activation) SetActiveDefault() {
	if a.Active == nil {
		active := DefaultActive
		a.Active = &active
	}
}

// Activatable is implemented by the versioned objects with an active
// flag.
type Activatable interface {
	GetActivation() *Activation
}

// VersionedObject is implemented by the objects of every versioned kind.
type VersionedObject interface {
	Object
	GetVersionState() *VersionState
	// ApplyDefaults sets the optional fields a writer left out (active
	// included, for an activatable kind) to their defaults, so every
	// reader sees the same stored object.
	ApplyDefaults()
	// VersionedContent is what the sha covers: everything but the key, the
	// version state, the active flag and the metadata, in a canonical form
	// (defaults applied, sets sorted).
	VersionedContent() any
	// Every versioned kind's channel uses are checked against the
	// environment written (a kind that sends through none has none).
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
