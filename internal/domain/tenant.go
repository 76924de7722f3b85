package domain

import (
	"bytes"
	"encoding/json"
	"sort"
)

// KindTenant is the kind of tenants.
var KindTenant = Kind{Name: "tenant", Noun: "tenant", Collection: "tenants"}

// JSONObject is a JSON object kept byte for byte as written (numbers keep
// their precision); the backend documents it as an object.
type JSONObject json.RawMessage

// MarshalJSON writes the object as is.
func (o JSONObject) MarshalJSON() ([]byte, error) {
	if len(o) == 0 {
		return []byte("null"), nil
	}
	return o, nil
}

// UnmarshalJSON keeps the raw object, compacted.
func (o *JSONObject) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = nil
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	*o = buf.Bytes()
	return nil
}

// isObject reports whether o holds a JSON object.
func (o JSONObject) isObject() bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(o, &m) == nil && m != nil
}

// Tenant is a segment of a customer's users (an account, an organisation).
// Tenants are data: they are never promoted or copied between environments.
type Tenant struct {
	Key           string         `json:"key" doc:"The tenant's id in the customer's own system; taken from the path on writes, so a body may leave it out or repeat it."`
	Name          string         `json:"name,omitempty" doc:"Display name."`
	Properties    JSONObject     `json:"properties,omitempty" doc:"Custom properties: any JSON object. Redacted for viewer tokens in environments that obfuscate customer data."`
	Branding      *Branding      `json:"branding,omitempty" doc:"Branding overrides applied to messages sent for this tenant."`
	PreferenceSet *PreferenceSet `json:"preference_set,omitempty" doc:"Default preferences of recipients of this tenant."`
	Meta
}

// Branding overrides a tenant's look.
type Branding struct {
	PrimaryColor         string `json:"primary_color,omitempty" doc:"Hex colour, #RGB or #RRGGBB." example:"#0A7CFF"`
	PrimaryColorContrast string `json:"primary_color_contrast,omitempty" doc:"Hex colour shown on the primary colour, #RGB or #RRGGBB." example:"#FFFFFF"`
	LogoURL              string `json:"logo_url,omitempty" doc:"Absolute http(s) URL of the logo image."`
	IconURL              string `json:"icon_url,omitempty" doc:"Absolute http(s) URL of the icon image."`
}

// PreferenceSet is a complete default preference set: which channel types,
// categories and workflows recipients receive unless they choose otherwise.
type PreferenceSet struct {
	ChannelTypes map[string]bool `json:"channel_types" required:"false" nullable:"true" doc:"Channel type (email, sms, push, chat, in_app_feed, http) → enabled."`
	Categories   map[string]bool `json:"categories" required:"false" nullable:"true" doc:"Workflow category → enabled."`
	Workflows    map[string]bool `json:"workflows" required:"false" nullable:"true" doc:"Workflow key → enabled."`
}

func (t *Tenant) ObjectKey() string     { return t.Key }
func (t *Tenant) SetObjectKey(k string) { t.Key = k }
func (t *Tenant) References() []Ref     { return nil }

// Validate checks the tenant's fields.
func (t *Tenant) Validate() Problems {
	var p Problems
	checkKeyField(&p, "key", t.Key)
	checkText(&p, "name", t.Name, MaxNameLength, false)
	if len(t.Properties) > 0 && !t.Properties.isObject() {
		p.Add("properties", "must be a JSON object")
	}
	if t.Branding != nil {
		p.Merge("branding", t.Branding.Validate())
	}
	if ps := t.PreferenceSet; ps != nil {
		for _, k := range sortedKeys(ps.ChannelTypes) {
			if !validChannelType(k) {
				p.Add("preference_set.channel_types", "%q is not a channel type (%s)", k, channelTypeList)
			}
		}
		for _, k := range sortedKeys(ps.Categories) {
			if msg := CheckKey(k); msg != "" {
				p.Add("preference_set.categories", "category %q %s", k, msg)
			}
		}
		for _, k := range sortedKeys(ps.Workflows) {
			if msg := CheckWorkflowKey(k); msg != "" {
				p.Add("preference_set.workflows", "workflow key %q %s", k, msg)
			}
		}
	}
	sortProblems(p)
	return p
}

// Redacted returns the properties with every value replaced, keeping the
// keys, for principals that must not see customer data.
func (o JSONObject) Redacted() JSONObject {
	var m map[string]json.RawMessage
	if json.Unmarshal(o, &m) != nil {
		return o
	}
	for k := range m {
		m[k] = json.RawMessage(`"[redacted]"`)
	}
	b, _ := json.Marshal(m)
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortProblems orders problems by field, so messages built from map
// iteration are stable.
func sortProblems(p Problems) {
	sort.SliceStable(p, func(i, j int) bool { return p[i].Field < p[j].Field })
}
