package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// ConfigFormatVersion is the version of the configuration document format
// this build reads and writes.
const ConfigFormatVersion = 1

// ConfigDocument is an environment's configuration, the operator's way of
// moving it: permissions, roles with their permissions, the hierarchy,
// OAuth client and webhook configurations, and the content of workflows
// and guides. It never carries identities, role assignments, API keys or
// tenants (operational state and data), secrets, generated client ids, or
// the version state of workflows and guides (active is per environment;
// sha and origin are the target's).
type ConfigDocument struct {
	FormatVersion     int             `json:"format_version" doc:"Version of the document format (1)."`
	SourceEnvironment string          `json:"source_environment" doc:"Environment the document was exported from."`
	Permissions       []Permission    `json:"permissions" nullable:"false" doc:"In key order."`
	Roles             []Role          `json:"roles" nullable:"false" doc:"In key order, each with its permission keys."`
	HierarchyNodes    []HierarchyNode `json:"hierarchy_nodes" nullable:"false" doc:"In key order."`
	OAuthClients      []OAuthClient   `json:"oauth_clients" nullable:"false" doc:"Configurations only: no client ids, no secrets."`
	Webhooks          []Webhook       `json:"webhooks" nullable:"false" doc:"Configurations only: no signing secrets."`
	Workflows         []Workflow      `json:"workflows" nullable:"false" doc:"Content only: no active flag, sha or origin."`
	Guides            []Guide         `json:"guides" nullable:"false" doc:"Content only: no active flag, sha or origin."`
}

// ConfigSections names the document's sections, in document order, with
// the kind of their objects.
var ConfigSections = []struct {
	Name string
	Kind Kind
}{
	{"permissions", KindPermission},
	{"roles", KindRole},
	{"hierarchy_nodes", KindHierarchyNode},
	{"oauth_clients", KindOAuthClient},
	{"webhooks", KindWebhook},
	{"workflows", KindWorkflow},
	{"guides", KindGuide},
}

// Counts is the number of objects of each section.
func (d *ConfigDocument) Counts() map[string]int {
	return map[string]int{
		"permissions":     len(d.Permissions),
		"roles":           len(d.Roles),
		"hierarchy_nodes": len(d.HierarchyNodes),
		"oauth_clients":   len(d.OAuthClients),
		"webhooks":        len(d.Webhooks),
		"workflows":       len(d.Workflows),
		"guides":          len(d.Guides),
	}
}

// Canonicalize puts the document in its canonical form: every section in
// key order, sets sorted, and what a document never carries (metadata,
// generated ids, secrets, active flags, hashes, origins) removed.
func (d *ConfigDocument) Canonicalize() {
	sortByKey(d.Permissions, func(p Permission) string { return p.Key })
	sortByKey(d.Roles, func(r Role) string { return r.Key })
	sortByKey(d.HierarchyNodes, func(n HierarchyNode) string { return n.Key })
	sortByKey(d.OAuthClients, func(c OAuthClient) string { return c.Key })
	sortByKey(d.Webhooks, func(h Webhook) string { return h.Key })
	sortByKey(d.Workflows, func(w Workflow) string { return w.Key })
	sortByKey(d.Guides, func(g Guide) string { return g.Key })
	for i := range d.Permissions {
		d.Permissions[i].Meta = Meta{}
	}
	for i := range d.Roles {
		d.Roles[i].Meta = Meta{}
		d.Roles[i].Normalize()
	}
	for i := range d.HierarchyNodes {
		d.HierarchyNodes[i].Meta = Meta{}
	}
	for i := range d.OAuthClients {
		c := &d.OAuthClients[i]
		c.Meta, c.ClientID, c.ClientSecret = Meta{}, "", ""
		c.Normalize()
	}
	for i := range d.Webhooks {
		h := &d.Webhooks[i]
		h.Meta, h.SigningSecret = Meta{}, ""
		h.Normalize()
	}
	for i := range d.Guides {
		d.Guides[i].Normalize()
	}
	for _, section := range d.VersionedSections() {
		for _, o := range section.Objects {
			*o.GetMeta(), *o.GetVersionState() = Meta{}, VersionState{}
		}
	}
}

// VersionedSection is the section of a document holding one versioned
// kind's objects.
type VersionedSection struct {
	Name string
	Kind Kind
	// Objects point into the document, in the section's order.
	Objects []VersionedObject
	// Remove takes the objects with the given keys out of the section;
	// Objects no longer point into the document after it.
	Remove func(keys map[string]bool)
}

// VersionedSections are the document's sections of versioned kinds, in
// document order.
func (d *ConfigDocument) VersionedSections() []VersionedSection {
	return []VersionedSection{
		versionedSection("workflows", KindWorkflow, &d.Workflows),
		versionedSection("guides", KindGuide, &d.Guides),
	}
}

func versionedSection[T any, PT VersionedPtr[T]](name string, kind Kind, items *[]T) VersionedSection {
	objects := make([]VersionedObject, len(*items))
	for i := range *items {
		objects[i] = PT(&(*items)[i])
	}
	return VersionedSection{Name: name, Kind: kind, Objects: objects, Remove: func(keys map[string]bool) {
		*items = slices.DeleteFunc(*items, func(o T) bool { return keys[PT(&o).ObjectKey()] })
	}}
}

func sortByKey[T any](items []T, key func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) })
}

// Encode writes the document canonically: indented JSON with sections and
// objects in key order, no HTML escaping, one trailing newline. Two
// exports of the same configuration are byte for byte the same, and
// differences show line by line in a diff.
func (d *ConfigDocument) Encode() ([]byte, error) {
	c := *d
	emptyIfNil(&c.Permissions)
	emptyIfNil(&c.Roles)
	emptyIfNil(&c.HierarchyNodes)
	emptyIfNil(&c.OAuthClients)
	emptyIfNil(&c.Webhooks)
	emptyIfNil(&c.Workflows)
	emptyIfNil(&c.Guides)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ConfigVersion is the version of the configuration a canonical document
// holds: a hash of its encoding, so it changes exactly when an export of
// the environment would. Import and promotion take it as If-Match.
func ConfigVersion(d *ConfigDocument) (string, error) {
	b, err := d.Encode()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256-" + hex.EncodeToString(sum[:]), nil
}

func emptyIfNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

// DecodeConfigDocument parses a document strictly: unknown fields are
// errors, so a typo never silently drops configuration, and every section
// must be present, so a forgotten one is never read as "delete everything
// of that kind" (an empty list says "none").
func DecodeConfigDocument(b []byte) (*ConfigDocument, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d ConfigDocument
	if err := dec.Decode(&d); err != nil {
		var p Problems
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			p.Add(typeErr.Field, "must be %s, not %s", JSONTypeOf(typeErr.Type), jsonValueNoun(typeErr.Value))
		case errors.As(err, &syntaxErr):
			p.Add("", "the document is not valid JSON (at byte %d): %s", syntaxErr.Offset, strings.TrimPrefix(syntaxErr.Error(), "json: "))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			p.Add(name, "is not a field of a configuration document or of its objects; check its spelling")
		case errors.Is(err, io.EOF):
			p.Add("", "the document is empty: send a JSON object with format_version, source_environment and every section")
		default:
			p.Add("", "the document cannot be read: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil, p.Err()
	}
	if dec.More() {
		return nil, (&Problems{{Message: "the document must be a single JSON object"}}).Err()
	}
	p := exactFieldNames(b, &d)
	if d.SourceEnvironment == "" {
		p.Add("source_environment", "is required: the slug of the environment the document was exported from")
	}
	for _, section := range []struct {
		name    string
		missing bool
	}{
		{"permissions", d.Permissions == nil},
		{"roles", d.Roles == nil},
		{"hierarchy_nodes", d.HierarchyNodes == nil},
		{"oauth_clients", d.OAuthClients == nil},
		{"webhooks", d.Webhooks == nil},
		{"workflows", d.Workflows == nil},
		{"guides", d.Guides == nil},
	} {
		if section.missing {
			p.Add(section.name, "is required (an empty list [] says there are none); a missing or null section is never read as \"remove them all\"")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &d, nil
}

// exactFieldNames reports the members of document b that encoding/json
// matched to a field case-insensitively ("NAME" read as "name"): field
// names are exact, so what is sent under one name is never stored under
// another. It compares the members sent with those d encodes to.
func exactFieldNames(b []byte, d *ConfigDocument) Problems {
	var sent, decoded any
	if json.Unmarshal(b, &sent) != nil {
		return nil
	}
	encoded, err := json.Marshal(d)
	if err != nil || json.Unmarshal(encoded, &decoded) != nil {
		return nil
	}
	var p Problems
	compareFieldNames(&p, "", sent, decoded)
	return p
}

func compareFieldNames(p *Problems, at string, sent, decoded any) {
	switch s := sent.(type) {
	case map[string]any:
		m, _ := decoded.(map[string]any)
		for name, value := range s {
			field := name
			if at != "" {
				field = at + "." + name
			}
			got, ok := m[name]
			if !ok {
				if !IsZeroJSON(value) {
					p.Add(field, "is not a field: field names are case-sensitive and written as the export writes them")
				}
				continue
			}
			compareFieldNames(p, field, value, got)
		}
	case []any:
		l, _ := decoded.([]any)
		for i := range min(len(s), len(l)) {
			compareFieldNames(p, fmt.Sprintf("%s[%d]", at, i), s[i], l[i])
		}
	}
}

// IsZeroJSON reports a decoded JSON value that is its Go field's zero
// value, which encoding omits (so a round trip drops it).
func IsZeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case float64:
		return v == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// jsonValueNoun names what encoding/json says it found ("number",
// "number 1.5", "bool") as the API says it.
func jsonValueNoun(found string) string {
	kind, _, _ := strings.Cut(found, " ")
	switch kind {
	case "bool":
		return "a boolean"
	case "array", "object":
		return "an " + kind
	case "number", "string":
		return "a " + kind
	}
	return found
}

// JSONTypeOf names the JSON type a Go type is decoded from, in the API's
// words: "a string", "an integer", "an array", "an object".
func JSONTypeOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Name() != "" {
			// json.RawMessage-like types hold a JSON value of their own.
			return "an object"
		}
		return "an array"
	}
	return "an object"
}

// Validate checks the whole document on its own, reporting every problem
// at once: the format version, every object, unique keys, references that
// must point inside the document, the hierarchy, and anything a document
// must not carry.
func (d *ConfigDocument) Validate() Problems {
	var p Problems
	if d.FormatVersion != ConfigFormatVersion {
		p.Add("format_version", "must be %d (this document has %d)", ConfigFormatVersion, d.FormatVersion)
	}
	if d.SourceEnvironment != "" {
		if msg := CheckSlug(d.SourceEnvironment); msg != "" {
			p.Add("source_environment", "%s", msg)
		}
	}
	permissions := map[string]bool{}
	validateSection(&p, "permissions", d.Permissions, permissions)
	validateSection(&p, "roles", d.Roles, map[string]bool{})
	for i, r := range d.Roles {
		for _, key := range r.Permissions {
			if !permissions[key] {
				p.Add(fmt.Sprintf("roles[%d].permissions", i), "permission %q is not in the document's permissions", key)
			}
		}
	}
	nodes := map[string]bool{}
	validateSection(&p, "hierarchy_nodes", d.HierarchyNodes, nodes)
	parents := map[string]string{}
	for i, n := range d.HierarchyNodes {
		if n.ParentKey != "" && !nodes[n.ParentKey] {
			p.Add(fmt.Sprintf("hierarchy_nodes[%d].parent_key", i), "hierarchy node %q is not in the document's hierarchy_nodes", n.ParentKey)
		}
		parents[n.Key] = n.ParentKey
	}
	for i, n := range d.HierarchyNodes {
		if cycle := cycleFrom(n.Key, parents); cycle != "" {
			p.Add(fmt.Sprintf("hierarchy_nodes[%d].parent_key", i), "the hierarchy has a cycle: %s", cycle)
		}
	}
	validateSection(&p, "oauth_clients", d.OAuthClients, map[string]bool{})
	for i, c := range d.OAuthClients {
		if c.ClientID != "" || c.ClientSecret != "" {
			p.Add(fmt.Sprintf("oauth_clients[%d]", i), "a configuration document carries no client_id or client_secret: each environment generates its own")
		}
	}
	validateSection(&p, "webhooks", d.Webhooks, map[string]bool{})
	for i, h := range d.Webhooks {
		if h.SigningSecret != "" {
			p.Add(fmt.Sprintf("webhooks[%d].signing_secret", i), "a configuration document carries no secrets: each environment generates its own")
		}
	}
	validateSection(&p, "workflows", d.Workflows, map[string]bool{})
	validateSection(&p, "guides", d.Guides, map[string]bool{})
	for _, section := range d.VersionedSections() {
		for i, o := range section.Objects {
			state := o.GetVersionState()
			if state.Active != nil {
				p.Add(fmt.Sprintf("%s[%d].active", section.Name, i), "active is per environment and never travels in a configuration document")
			}
			if state.SHA != "" || state.OriginEnvironment != "" {
				p.Add(fmt.Sprintf("%s[%d]", section.Name, i), "sha and origin_environment are computed by the target environment; remove them")
			}
		}
	}
	return p
}

// validateSection validates each object of a section and the uniqueness of
// its keys, recording the keys seen.
func validateSection[T any, PT ObjectPtr[T]](p *Problems, name string, items []T, keys map[string]bool) {
	for i := range items {
		o := PT(&items[i])
		at := fmt.Sprintf("%s[%d]", name, i)
		p.Merge(at, o.Validate())
		if keys[o.ObjectKey()] {
			p.Add(at+".key", "%q appears twice in %s", o.ObjectKey(), name)
		}
		keys[o.ObjectKey()] = true
	}
}

// cycleFrom returns the cycle reached by walking up from key ("a → b → a"),
// or "" when the walk reaches a root. Each cycle is reported at its
// smallest key only.
func cycleFrom(key string, parents map[string]string) string {
	seen := map[string]bool{}
	chain := []string{key}
	for at := parents[key]; at != ""; at = parents[at] {
		chain = append(chain, at)
		if at == key {
			for _, k := range chain {
				if k < key {
					return ""
				}
			}
			return strings.Join(chain, " → ")
		}
		if seen[at] {
			return ""
		}
		seen[at] = true
	}
	return ""
}

// NodesParentsFirst returns the document's hierarchy nodes ordered so that
// every parent comes before its children (the document must be valid).
func (d *ConfigDocument) NodesParentsFirst() []HierarchyNode {
	children := map[string][]HierarchyNode{}
	for _, n := range d.HierarchyNodes {
		children[n.ParentKey] = append(children[n.ParentKey], n)
	}
	out := make([]HierarchyNode, 0, len(d.HierarchyNodes))
	queue := children[""]
	for len(queue) > 0 {
		n := queue[0]
		queue = append(queue[1:], children[n.Key]...)
		out = append(out, n)
	}
	return out
}
