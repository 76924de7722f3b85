package domain

import (
	"strings"
	"unicode"
)

// KindWebhook is the kind of webhooks.
var KindWebhook = Kind{Name: "webhook", Noun: "webhook", Collection: "webhooks"}

// SigningSecretPrefix starts the signing secrets the backend generates.
const SigningSecretPrefix = "whsec_"

// Limits of a supplied signing secret.
const (
	MinSigningSecretLength = 16
	MaxSigningSecretLength = 255
)

// Webhook is an endpoint the environment notifies of events. Deliveries are
// signed with a secret the backend generates at creation, or one the writer
// supplies; it is stored sealed and never returned by reads.
type Webhook struct {
	Key    string   `json:"key" doc:"Identifier within the environment; taken from the path on writes, so a body may leave it out or repeat it." example:"audit-sink"`
	URL    string   `json:"url" doc:"Absolute http or https URL deliveries are posted to." example:"https://hooks.example.com/arbor"`
	Events []string `json:"events" minItems:"1" nullable:"false" doc:"Events delivered to the URL: the whole set, replaced by every write; stored deduplicated and sorted." example:"[\"role.updated\"]"`
	// Enabled is a pointer so that a write leaving it out gets the default
	// rather than false; every stored webhook holds it explicitly.
	Enabled *bool `json:"enabled" required:"false" nullable:"false" default:"true" doc:"Whether events are delivered. Default true."`
	// SigningSecret travels in both directions but is never stored in the
	// object's body.
	SigningSecret string `json:"signing_secret,omitempty" doc:"In a write: replaces the signing secret (16–255 printable characters). In a response: present only in the one that creates the webhook, and only when the backend generated the secret. Reads never return it."`
	Meta
}

func (h *Webhook) ObjectKey() string     { return h.Key }
func (h *Webhook) SetObjectKey(k string) { h.Key = k }
func (h *Webhook) References() []Ref     { return nil }

// Normalize stores the event set in one canonical form and the default of
// enabled explicitly.
func (h *Webhook) Normalize() {
	h.Events = SortedSet(h.Events)
	if h.Enabled == nil {
		enabled := true
		h.Enabled = &enabled
	}
}

// IsEnabled reports whether events are delivered (the default when unset).
func (h *Webhook) IsEnabled() bool { return h.Enabled == nil || *h.Enabled }

// Validate checks the webhook's fields.
func (h *Webhook) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "key", h.Key)
	if msg := CheckHTTPURL(h.URL); msg != "" {
		probs.Add("url", "%s", msg)
	}
	if len(h.Events) == 0 {
		probs.Add("events", "must name at least one event")
	}
	checkSet(&probs, "events", h.Events, CheckEventName)
	if h.SigningSecret != "" {
		if msg := CheckSigningSecret(h.SigningSecret); msg != "" {
			probs.Add("signing_secret", "%s", msg)
		}
	}
	return probs
}

// NewSigningSecret generates a webhook signing secret.
func NewSigningSecret() string { return SigningSecretPrefix + RandomString(24) }

// CheckSigningSecret returns a message when s cannot be a signing secret.
// The message never repeats the secret.
func CheckSigningSecret(s string) string {
	n := len([]rune(s))
	if n < MinSigningSecretLength || n > MaxSigningSecretLength {
		return "must be 16–255 characters"
	}
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
		return "must be printable characters without spaces"
	}
	return ""
}
