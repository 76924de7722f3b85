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
	"sync/atomic"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ConfigFormatVersion is the version of the configuration document format
// this build writes. It reads every version from 1: a section is carried
// by the documents of the version that introduced it and later ones, and
// an import of an older document leaves the kinds it predates untouched.
const ConfigFormatVersion = 2

// ConfigDocument is an environment's configuration, the operator's way of
// moving it: permissions, roles with their permissions, the hierarchy,
// OAuth client and webhook configurations, and the content of workflows
// and guides. It never carries identities, role assignments, API keys or
// tenants (operational state and data), secrets, generated client ids, or
// the version state of workflows and guides (active is per environment;
// sha and origin are the target's).
type ConfigDocument struct {
	FormatVersion     int             `json:"format_version" doc:"Version of the document format: 2 (which carries email layouts, partials and translations); a version-1 document still imports, leaving the kinds it predates untouched."`
	SourceEnvironment string          `json:"source_environment" doc:"Environment the document was exported from."`
	Permissions       []Permission    `json:"permissions" nullable:"false" doc:"In key order."`
	Roles             []Role          `json:"roles" nullable:"false" doc:"In key order, each with its permission keys."`
	HierarchyNodes    []HierarchyNode `json:"hierarchy_nodes" nullable:"false" doc:"In key order."`
	OAuthClients      []OAuthClient   `json:"oauth_clients" nullable:"false" doc:"Configurations only: no client ids, no secrets."`
	Webhooks          []Webhook       `json:"webhooks" nullable:"false" doc:"Configurations only: no signing secrets."`
	Partials          []Partial       `json:"partials" required:"false" nullable:"false" doc:"Content only: no sha or origin. Required since format_version 2; absent from version 1."`
	EmailLayouts      []EmailLayout   `json:"email_layouts" required:"false" nullable:"false" doc:"Content only: no sha or origin. Required since format_version 2; absent from version 1."`
	Translations      []Translation   `json:"translations" required:"false" nullable:"false" doc:"Content only: no sha or origin. Required since format_version 2; absent from version 1."`
	Workflows         []Workflow      `json:"workflows" nullable:"false" doc:"Content only: no active flag, sha or origin."`
	Guides            []Guide         `json:"guides" nullable:"false" doc:"Content only: no active flag, sha or origin."`
}

// Section is the name of the document section holding a kind's
// objects: its collection with _ for - (hierarchy_nodes, email_layouts).
func (k Kind) Section() string { return strings.ReplaceAll(k.Collection, "-", "_") }

// configSection is one section of a document, bound to the document's
// field: what every section does, written once for all of them.
type configSection struct {
	Kind Kind
	// count, missing, emptyIfNil, canonicalize and validate act on the
	// field; validate records the keys seen.
	count      func() int
	missing    func() bool
	emptyIfNil func()
	// found reads the field in the document's one pass: a list is read
	// through without a value decoded, read recording where it and each
	// of its objects are in the document, and the field is left for
	// decode to fill; any other value (null) is decoded as usual.
	found func(read *sectionRead) *jsonv2.Unmarshalers
	// decode decodes the field's list from where the pass found it: a
	// list of many objects object by object, on several goroutines, a
	// short one at once.
	decode       func(b []byte, read *sectionRead) error
	canonicalize func()
	validate     func(p *Problems, keys map[string]bool)
	// versioned is the section of a versioned kind, nil for the others.
	versioned func() VersionedSection
	// items is the document's field: a *[]T of the kind's type.
	items any
	// activatable is true for a versioned kind with an active flag.
	activatable bool
	// since is the format version that introduced the section.
	since int
}

// introducedIn marks a section introduced by a format version after 1.
func (s configSection) introducedIn(version int) configSection {
	s.since = version
	return s
}

// sections are the document's sections in document order. A new kind of
// configuration is a field of ConfigDocument and a line here; every
// section's counting, canonical form, presence check, validation and, for
// a versioned kind, promotion follow from it.
func (d *ConfigDocument) sections() []configSection {
	return []configSection{
		plainSection(KindPermission, &d.Permissions, nil),
		plainSection(KindRole, &d.Roles, nil),
		plainSection(KindHierarchyNode, &d.HierarchyNodes, nil),
		plainSection(KindOAuthClient, &d.OAuthClients, func(c *OAuthClient) { c.ClientID, c.ClientSecret = "", "" }),
		plainSection(KindWebhook, &d.Webhooks, func(h *Webhook) { h.SigningSecret = "" }),
		versionedSectionOf(KindPartial, &d.Partials).introducedIn(2),
		versionedSectionOf(KindEmailLayout, &d.EmailLayouts).introducedIn(2),
		versionedSectionOf(KindTranslation, &d.Translations).introducedIn(2),
		versionedSectionOf(KindWorkflow, &d.Workflows),
		versionedSectionOf(KindGuide, &d.Guides),
	}
}

// ConfigSection names one section of the document and its objects' kind.
type ConfigSection struct {
	Name string
	Kind Kind
}

// ConfigSections names the document's sections, in document order, with
// the kind of their objects.
var ConfigSections = (&ConfigDocument{}).sectionNames()

func (d *ConfigDocument) sectionNames() []ConfigSection {
	var out []ConfigSection
	for _, s := range d.sections() {
		out = append(out, ConfigSection{Name: s.Kind.Section(), Kind: s.Kind})
	}
	return out
}

// Carries reports whether the document's format version has the section
// of kind; an import leaves the objects of a kind it does not carry
// untouched.
func (d *ConfigDocument) Carries(kind Kind) bool {
	for _, s := range d.sections() {
		if s.Kind == kind {
			return s.since <= d.FormatVersion
		}
	}
	return false
}

// Untouched names the sections the document's format version predates,
// which its import leaves as they are.
func (d *ConfigDocument) Untouched() []string {
	var out []string
	for _, s := range d.sections() {
		if s.since > d.FormatVersion {
			out = append(out, s.Kind.Section())
		}
	}
	return out
}

// HasActive reports whether the objects of a versioned kind have an
// active flag (workflows, guides), unlike the content others use.
func HasActive(kind Kind) bool {
	for _, s := range (&ConfigDocument{}).sections() {
		if s.Kind == kind {
			return s.activatable
		}
	}
	return false
}

func (d *ConfigDocument) versionedKinds() []Kind {
	var out []Kind
	for _, s := range d.sections() {
		if s.versioned != nil {
			out = append(out, s.Kind)
		}
	}
	return out
}

// normalizer is implemented by objects holding sets, which they store in
// one canonical form.
type normalizer interface{ Normalize() }

// plainSection is the section of a kind that is not versioned; strip
// removes what a document never carries of it (generated ids, secrets).
func plainSection[T any, PT ObjectPtr[T]](kind Kind, items *[]T, strip func(*T)) configSection {
	return configSection{
		Kind:       kind,
		items:      items,
		since:      1,
		count:      func() int { return len(*items) },
		missing:    func() bool { return *items == nil },
		emptyIfNil: func() { emptyIfNil(items) },
		found: func(read *sectionRead) *jsonv2.Unmarshalers {
			return jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *[]T) error {
				if v != items {
					return errors.ErrUnsupported
				}
				read.times++
				read.list = false
				if dec.PeekKind() != '[' {
					return errors.ErrUnsupported
				}
				return read.readList(dec)
			})
		},
		decode: func(b []byte, read *sectionRead) error {
			if len(read.at) < decodedEachFrom() {
				// A short list is decoded here, at once, from its [ to
				// its ]: as fast as object by object on this goroutine
				// (measured), and decoding it inline in the pass instead,
				// before its length is known, was slower for every size.
				*items = make([]T, 0, len(read.at))
				return jsonv2.Unmarshal(b[read.start:read.end], items, documentOptions)
			}
			list := make([]T, len(read.at))
			err := ForEachParallel(len(read.at), func(i int) error {
				return jsonv2.Unmarshal(b[read.at[i][0]:read.at[i][1]], &list[i], documentOptions)
			})
			if err != nil {
				return err
			}
			*items = list
			return nil
		},
		canonicalize: func() {
			sortByKey(*items, func(o *T) string { return PT(o).ObjectKey() })
			for i := range *items {
				o := PT(&(*items)[i])
				*o.GetMeta() = Meta{}
				if strip != nil {
					strip(&(*items)[i])
				}
				if n, ok := any(o).(normalizer); ok {
					n.Normalize()
				}
			}
		},
		validate: func(p *Problems, keys map[string]bool) { validateSection[T, PT](p, kind.Section(), *items, keys) },
	}
}

// versionedSectionOf is the section of a versioned kind: content only,
// without version state or active flag.
func versionedSectionOf[T any, PT VersionedPtr[T]](kind Kind, items *[]T) configSection {
	s := plainSection[T, PT](kind, items, func(o *T) {
		*PT(o).GetVersionState() = VersionState{}
		if a, ok := any(PT(o)).(Activatable); ok {
			*a.GetActivation() = Activation{}
		}
	})
	s.versioned = func() VersionedSection { return versionedSection[T, PT](kind, items) }
	_, s.activatable = any(PT(new(T))).(Activatable)
	return s
}

// Counts is the number of objects of each section.
func (d *ConfigDocument) Counts() map[string]int {
	counts := map[string]int{}
	for _, s := range d.sections() {
		counts[s.Kind.Section()] = s.count()
	}
	return counts
}

// Canonicalize puts the document in its canonical form: every section in
// key order, sets sorted, and what a document never carries (metadata,
// generated ids, secrets, active flags, hashes, origins) removed.
func (d *ConfigDocument) Canonicalize() {
	for _, s := range d.sections() {
		s.canonicalize()
	}
}

// VersionedSection is the section of a document holding one versioned
// kind's objects.
type VersionedSection struct {
	Name string
	Kind Kind
	// Objects point into the document, in the section's order.
	Objects []VersionedObject
	// Items is the document's field: a *[]T of the kind's type.
	Items any
	// Remove takes the objects with the given keys out of the section;
	// Objects no longer point into the document after it.
	Remove func(keys map[string]bool)
}

// SectionItems is the document's field holding the objects of kind, a
// *[]T of the kind's type; false when no section holds that kind.
func (d *ConfigDocument) SectionItems(kind Kind) (any, bool) {
	for _, s := range d.sections() {
		if s.Kind == kind {
			return s.items, true
		}
	}
	return nil, false
}

// VersionedSections are the document's sections of versioned kinds, in
// document order.
func (d *ConfigDocument) VersionedSections() []VersionedSection {
	var out []VersionedSection
	for _, s := range d.sections() {
		if s.versioned != nil {
			out = append(out, s.versioned())
		}
	}
	return out
}

// VersionedSection is the section of the versioned kind.
func (d *ConfigDocument) VersionedSection(kind Kind) (VersionedSection, bool) {
	for _, s := range d.VersionedSections() {
		if s.Kind == kind {
			return s, true
		}
	}
	return VersionedSection{}, false
}

func versionedSection[T any, PT VersionedPtr[T]](kind Kind, items *[]T) VersionedSection {
	objects := make([]VersionedObject, len(*items))
	for i := range *items {
		objects[i] = PT(&(*items)[i])
	}
	return VersionedSection{Name: kind.Section(), Kind: kind, Objects: objects, Items: items, Remove: func(keys map[string]bool) {
		*items = slices.DeleteFunc(*items, func(o T) bool { return keys[PT(&o).ObjectKey()] })
	}}
}

func sortByKey[T any](items []T, key func(*T) string) {
	// A section is most often in key order already (an export is): seen
	// in place, since the sort's comparisons copy each object.
	for i := 1; i < len(items); i++ {
		if key(&items[i-1]) > key(&items[i]) {
			slices.SortStableFunc(items, func(a, b T) int { return strings.Compare(key(&a), key(&b)) })
			return
		}
	}
}

// Encode writes the document canonically: indented JSON with sections and
// objects in key order, no HTML escaping, one trailing newline. Two
// exports of the same configuration are byte for byte the same, and
// differences show line by line in a diff.
func (d *ConfigDocument) Encode() ([]byte, error) {
	c := *d
	for _, s := range c.sections() {
		if s.since <= c.FormatVersion {
			s.emptyIfNil()
		}
	}
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
	return ConfigVersionOf(b), nil
}

// ConfigVersionOf is ConfigVersion of the document encoded (by Encode).
func ConfigVersionOf(encoded []byte) string {
	sum := sha256.Sum256(encoded)
	return "sha256-" + hex.EncodeToString(sum[:])
}

func emptyIfNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

// DecodeConfigDocument parses a document strictly: unknown fields are
// errors and field names are exact (case-sensitive), so a typo never
// silently drops configuration and nothing sent under one name is stored
// under another, and every section must be present, so a forgotten one is
// never read as "delete everything of that kind" (an empty list says
// "none").
//
// It reads with encoding/json/v2's implementation (the module that mirrors
// it until Go 1.27 ships it): exact names where encoding/json folds case,
// each error with the JSON pointer of its value, and several times faster
// on documents of megabytes, which a review decodes on every upload. A
// name given twice is read as encoding/json read it, the last one
// winning: the API has always taken such objects (a workflow's
// trigger_data_schema is stored as sent), and an export of them must
// import.
func DecodeConfigDocument(b []byte) (*ConfigDocument, error) {
	d, _, err := decodeConfigDocument(b)
	return d, err
}

// parallelDecode is the number of objects from which a section is decoded
// object by object on several goroutines (decodeConfigDocument).
const parallelDecode = 512

// decodeEachFrom stands for parallelDecode when not 0: tests lower it.
var decodeEachFrom atomic.Int64

func decodedEachFrom() int {
	if n := decodeEachFrom.Load(); n > 0 {
		return int(n)
	}
	return parallelDecode
}

// documentOptions are the options every document is read with.
var documentOptions = jsonv2.JoinOptions(jsonv2.RejectUnknownMembers(true), jsontext.AllowDuplicateNames(true))

// SentObjects are a document's objects as sent: per section, each object's
// key (as decoded) and its bytes in the document, from its { to its }, in
// document order.
type SentObjects map[string][]EncodedObject

// DecodeConfigDocumentSent is DecodeConfigDocument, with the bytes of each
// object as sent, which the document's own structure delimits: the pass
// that reads the document's structure, validating, records where each
// object is before any is decoded, and the counts it finds size the
// sections, so a section of thousands is not grown and copied again as it
// is read. The objects' bytes are slices of b.
func DecodeConfigDocumentSent(b []byte) (*ConfigDocument, SentObjects, error) {
	d, spans, err := decodeConfigDocument(b)
	if err != nil || spans == nil {
		return d, nil, err
	}
	sent := SentObjects{}
	for _, s := range d.sections() {
		list := reflect.ValueOf(s.items).Elem()
		at := spans[s.Kind.Section()]
		if len(at) != list.Len() {
			// The same bytes read twice give the same objects; should
			// they not, nothing is taken as sent.
			return d, nil, nil
		}
		objects := make([]EncodedObject, len(at))
		for i, span := range at {
			objects[i] = EncodedObject{Key: list.Index(i).Addr().Interface().(Object).ObjectKey(), Bytes: b[span[0]:span[1]:span[1]]}
		}
		sent[s.Kind.Section()] = objects
	}
	return d, sent, nil
}

// sectionRead is what the document's pass found of a section: how many
// times the document names it and, when the last value is a list of
// objects, where the list and each of its objects are in the document.
type sectionRead struct {
	times int
	// list is true when the last value is a list of objects, from start
	// (its [) to end (after its ]), each object from at[i][0] (its {) to
	// at[i][1] (after its }).
	list       bool
	start, end int64
	at         [][2]int64
}

// errNotObjects is the pass's way of leaving a list that holds something
// other than objects to the document decoded whole, which reads it as it
// always has (null as an empty object) or names the problem.
var errNotObjects = errors.New("a section element is not an object")

// readList reads the list at dec, a section's, without decoding a value:
// where it and each of its objects begin and end in the document.
func (r *sectionRead) readList(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	start := dec.InputOffset() - 1
	var at [][2]int64
	for dec.PeekKind() == '{' {
		value, err := dec.ReadValue()
		if err != nil {
			return err
		}
		// The offsets are the decoder's own, not where value is in
		// memory: the value ends where the decoder now is.
		end := dec.InputOffset()
		at = append(at, [2]int64{end - int64(len(value)), end})
	}
	if dec.PeekKind() != ']' {
		return errNotObjects
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	r.list, r.start, r.end, r.at = true, start, dec.InputOffset(), at
	return nil
}

// decodeConfigDocument is DecodeConfigDocument, with where each object of
// each section is in b (nil when b's structure is not read through).
//
// It reads the document once on the calling goroutine: the document's own
// values (format_version, source_environment, a null section) are decoded
// as they come, and each section's list is only read through (readList),
// to be decoded after from where it is, a list of many objects object by
// object on as many goroutines as Go runs at once. Whatever that pass
// cannot read, a problem the decode of a list finds and a section given
// twice are the document decoded whole's to read, as it always has been:
// it names the first problem in the document on the field where it is.
func decodeConfigDocument(b []byte) (*ConfigDocument, map[string][][2]int64, error) {
	var d ConfigDocument
	sections := d.sections()
	reads := make([]sectionRead, len(sections))
	found := make([]*jsonv2.Unmarshalers, len(sections))
	for i, s := range sections {
		found[i] = s.found(&reads[i])
	}
	opts := jsonv2.JoinOptions(documentOptions, jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(found...)))
	var spans map[string][][2]int64
	if err := jsonv2.Unmarshal(b, &d, opts); err != nil {
		// The document decoded whole names the problem, or takes what
		// the pass leaves to it; nothing is taken as sent.
		d = ConfigDocument{}
		if err := jsonv2.Unmarshal(b, &d, documentOptions); err != nil {
			return nil, nil, documentProblem(b, err).Err()
		}
	} else if twice := slices.ContainsFunc(reads, func(r sectionRead) bool { return r.times > 1 }); twice {
		// A section given twice is read as a name given twice, the last
		// value winning over the others, each decoded all the same: by
		// the document decoded whole. Only the sections given once keep
		// where their objects are, so DecodeConfigDocumentSent takes
		// nothing as sent unless the section given twice ends empty.
		spans = map[string][][2]int64{}
		for i, s := range sections {
			if reads[i].list && reads[i].times == 1 {
				spans[s.Kind.Section()] = reads[i].at
			}
		}
		d = ConfigDocument{}
		if err := jsonv2.Unmarshal(b, &d, documentOptions); err != nil {
			return nil, nil, documentProblem(b, err).Err()
		}
	} else {
		spans = map[string][][2]int64{}
		for i, s := range sections {
			if !reads[i].list {
				continue
			}
			spans[s.Kind.Section()] = reads[i].at
			if err := s.decode(b, &reads[i]); err != nil {
				// The document decoded whole names the problem where it
				// is.
				var whole ConfigDocument
				if wholeErr := jsonv2.Unmarshal(b, &whole, documentOptions); wholeErr != nil {
					return nil, nil, documentProblem(b, wholeErr).Err()
				}
				// The same bytes decode alike in either; should they
				// not, the problem is ours, not the document's.
				return nil, nil, fmt.Errorf("decoding the document's %s from where the pass found it: %w", s.Kind.Section(), err)
			}
		}
	}
	var p Problems
	if d.SourceEnvironment == "" {
		p.Add("source_environment", "is required: the slug of the environment the document was exported from")
	}
	for _, section := range sections {
		switch {
		case d.FormatVersion < 1 || d.FormatVersion > ConfigFormatVersion:
			// Validate names the version.
		case section.since > d.FormatVersion && !section.missing():
			p.Add(section.Kind.Section(), "is not a section of a version-%d document: it came with format_version %d; send format_version %d", d.FormatVersion, section.since, ConfigFormatVersion)
		case section.since <= d.FormatVersion && section.missing():
			p.Add(section.Kind.Section(), "is required (an empty list [] says there are none); a missing or null section is never read as \"remove them all\"")
		}
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	return &d, spans, nil
}

// documentProblem is the problem err, from decoding document b, names:
// the field where the decoder found it, as the API names fields
// (workflows[0].steps[1].subject).
func documentProblem(b []byte, err error) Problems {
	var p Problems
	var semantic *jsonv2.SemanticError
	var syntactic *jsontext.SyntacticError
	switch {
	case len(bytes.TrimSpace(b)) == 0:
		p.Add("", "the document is empty: send a JSON object with format_version, source_environment and every section")
	case errors.As(err, &semantic) && errors.Is(err, jsonv2.ErrUnknownName):
		p.Add(documentField(semantic.JSONPointer), "is not a field of a configuration document or of its objects; field names are case-sensitive and written as the export writes them: check its spelling")
	case errors.As(err, &semantic) && semantic.GoType != nil && readsItself(semantic.GoType) && semantic.Err != nil:
		// A type that reads its own JSON (a timestamp, a JSON object kept
		// as sent) says what is wrong with the value.
		p.Add(documentField(semantic.JSONPointer), "is not valid: %s", strings.TrimPrefix(semantic.Err.Error(), "json: "))
	case errors.As(err, &semantic) && semantic.GoType != nil && semantic.JSONKind != 0:
		p.Add(documentField(semantic.JSONPointer), "must be %s, not %s", JSONTypeOf(semantic.GoType), jsonKindNoun(semantic.JSONKind))
	case errors.As(err, &syntactic) && strings.Contains(syntactic.Error(), "after top-level value"):
		p.Add("", "the document must be a single JSON object")
	case errors.As(err, &syntactic):
		why := syntactic.Err.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			why = "it ends before its last value does"
		}
		p.Add("", "the document is not valid JSON (at byte %d): %s", syntactic.ByteOffset, why)
	default:
		p.Add("", "the document cannot be read: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return p
}

// documentField names the value at pointer ptr in a configuration
// document as the API names fields: members joined by dots, array
// elements by their index in brackets (workflows[0].steps[1].subject). A
// token is an index where the document's Go type holds an array there.
func documentField(ptr jsontext.Pointer) string {
	var field strings.Builder
	t := reflect.TypeFor[ConfigDocument]()
	for tok := range ptr.Tokens() {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t != nil && readsItself(t) {
			// Within a value read by its own type (a JSON object kept as
			// sent), members are named, not typed.
			t = nil
		}
		switch {
		case t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			fmt.Fprintf(&field, "[%s]", tok)
			t = t.Elem()
			continue
		case t != nil && t.Kind() == reflect.Map:
			t = t.Elem()
		case t != nil && t.Kind() == reflect.Struct:
			t = jsonFieldType(t, tok)
		default:
			t = nil
		}
		if field.Len() > 0 {
			field.WriteByte('.')
		}
		field.WriteString(tok)
	}
	return field.String()
}

// readsItself reports a type that reads its own JSON (UnmarshalJSON or
// UnmarshalText), such as time.Time or JSONObject.
func readsItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(reflect.TypeFor[interface{ UnmarshalJSON([]byte) error }]()) ||
		p.Implements(reflect.TypeFor[interface{ UnmarshalText([]byte) error }]())
}

// jsonFieldType is the type of struct t's field named name in JSON (its
// embedded structs' fields included), or nil.
func jsonFieldType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-" || !f.IsExported() && !f.Anonymous:
		case f.Anonymous && tag == "":
			inner := f.Type
			for inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				if ft := jsonFieldType(inner, name); ft != nil {
					return ft
				}
			}
		case tag == name || tag == "" && f.Name == name:
			return f.Type
		}
	}
	return nil
}

// jsonKindNoun names a JSON kind as the API says it.
func jsonKindNoun(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 'n':
		return "null"
	}
	return k.String()
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
	if d.FormatVersion < 1 || d.FormatVersion > ConfigFormatVersion {
		p.Add("format_version", "must be %d, or 1 for a document written before %d (this document has %d)", ConfigFormatVersion, ConfigFormatVersion, d.FormatVersion)
	}
	if d.SourceEnvironment != "" {
		if msg := CheckSlug(d.SourceEnvironment); msg != "" {
			p.Add("source_environment", "%s", msg)
		}
	}
	keys := map[string]map[string]bool{}
	for _, section := range d.sections() {
		// Sized ahead: a section of thousands would grow it a dozen times.
		keys[section.Kind.Name] = make(map[string]bool, section.count())
		section.validate(&p, keys[section.Kind.Name])
	}
	permissions, nodes := keys[KindPermission.Name], keys[KindHierarchyNode.Name]
	for i, r := range d.Roles {
		for _, key := range r.Permissions {
			if !permissions[key] {
				p.Add(fmt.Sprintf("roles[%d].permissions", i), "permission %q is not in the document's permissions", key)
			}
		}
	}
	parents := make(map[string]string, len(d.HierarchyNodes))
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
	for i, c := range d.OAuthClients {
		if c.ClientID != "" || c.ClientSecret != "" {
			p.Add(fmt.Sprintf("oauth_clients[%d]", i), "a configuration document carries no client_id or client_secret: each environment generates its own")
		}
	}
	for i, h := range d.Webhooks {
		if h.SigningSecret != "" {
			p.Add(fmt.Sprintf("webhooks[%d].signing_secret", i), "a configuration document carries no secrets: each environment generates its own")
		}
	}
	for _, section := range d.VersionedSections() {
		for i, o := range section.Objects {
			state := o.GetVersionState()
			if a, ok := o.(Activatable); ok && a.GetActivation().Active != nil {
				p.Add(fmt.Sprintf("%s[%d].active", section.Name, i), "active is per environment and never travels in a configuration document")
			}
			if state.SHA != "" || state.OriginEnvironment != "" {
				p.Add(fmt.Sprintf("%s[%d]", section.Name, i), "sha and origin_environment are computed by the target environment; remove them")
			}
		}
	}
	return p
}

// parallelValidation is the size of a section from which its objects are
// checked on several goroutines.
const parallelValidation = 256

// validateSection validates each object of a section and the uniqueness of
// its keys, recording the keys seen.
func validateSection[T any, PT ObjectPtr[T]](p *Problems, name string, items []T, keys map[string]bool) {
	// Each object's own checks are its alone: a section of thousands has
	// them made on as many goroutines as Go runs at once, and reported in
	// its order.
	var each []Problems
	if len(items) >= parallelValidation {
		each = make([]Problems, len(items))
		_ = ForEachParallel(len(items), func(i int) error { // never fails
			each[i] = PT(&items[i]).Validate()
			return nil
		})
	}
	for i := range items {
		o := PT(&items[i])
		// The object's field is named only when it has a problem.
		at := func() string { return name + "[" + strconv.Itoa(i) + "]" }
		var problems Problems
		if each != nil {
			problems = each[i]
		} else {
			problems = o.Validate()
		}
		if len(problems) > 0 {
			p.Merge(at(), problems)
		}
		if keys[o.ObjectKey()] {
			p.Add(at()+".key", "%q appears twice in %s", o.ObjectKey(), name)
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
