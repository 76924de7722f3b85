package backend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// An environment's export, made for its kept copy (env_copies.go), is made
// again after every write there, though a write changes a few objects
// among thousands. Decoding each stored body, putting it in canonical form
// and encoding it is most of the cost; reading the rows is not. So the
// objects of the newest export made of each environment are kept, each
// with the stored body it was made from, and the next export takes an
// object again whenever its row holds the same body: an object's canonical
// form, its encoding and its version state follow from its body alone (the
// store's columns give only the metadata, which the canonical form drops,
// and the version, which the head takes from the row). Nothing else is
// taken on trust but the store's kind and key stamps (below): where they
// do not say which objects were written, which objects exist, in what
// order and at what version is read anew, and the document's
// encoding is assembled from its objects' by the encoder's own frame
// (domain.ConfigDocument.Assemble). A section
// whose rows all hold what its objects were made from, no more and no
// fewer, is the section before; an export whose sections all are is the
// export before, its encoding and version too.
//
// Reading the rows is then most of what is left: with 10,000 objects of a
// kind, a write to a channel (in no section) cost the next export a read
// of every section. So a section is not read at all when the store's kind
// stamps (store.KindStamps) say that no write since the parts' change
// number wrote objects of its kind: its rows are those it was made from,
// and it is the section before, heads too. The stamps are trusted only
// over numbers every write of which stamped its kinds, the parts' number
// up to the snapshot's: across a write of an older release, or for parts
// newer than the snapshot, every section is read and compared as above.
// A write in the environment outside the configuration (a tenant, a
// channel) costs the next export one small read of the stamps.
//
// Where the stamps cover the writes since the parts, they also name the
// keys each wrote (store.Tx.KeysWritten): a section whose kind was written
// is made from the section before and the rows of those keys alone
// (readWritten), a key no longer found being an object deleted. A write of
// one object of a kind costs the next export the read of its row; only a
// write of many objects of a kind (writtenReadLimit) costs the read of its
// section, compared with the section before as above.
//
// The parts hold each object's body beside its encoding, about the size of
// the environment's stored objects again.

// keptObject is what an export made of one stored object.
type keptObject struct {
	// body and version are the stored body and version it was made from.
	body    []byte
	version int64
	// item is the canonical object, a value of its kind's type.
	item reflect.Value
	// encoded is its bytes in the document's encoding.
	encoded []byte
	// state is its version state, and sha its content sha
	// (domain.ContentSHA of item), for a versioned kind.
	state domain.VersionState
	sha   string
}

// keptSection is what an export made of one section: its objects by key,
// and the section as the document, its encoding and the heads hold it. A
// section whose rows all hold the body and version its objects were made
// from is taken again whole; an export whose every section is, is the
// export before it.
type keptSection struct {
	byKey   map[string]*keptObject
	list    reflect.Value
	encoded []domain.EncodedObject
	heads   []keyedHead
}

// keptParts are an export's sections, by name, and the export, made at
// the environment's change number at.
type keptParts struct {
	at       int64
	sections map[string]*keptSection
	export   *exportCopy
}

// builtExport is an export made for a copy, with the version heads read
// from the same rows and its parts for the next export.
type builtExport struct {
	export *exportCopy
	heads  map[string][]keyedHead
	parts  keptParts
}

// partsOf are the parts of the newest export made of env.
func (c *envCopies) partsOf(env string) keptParts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.parts[env]
}

// keepParts keeps the parts of env's export made at change number at,
// unless those of a newer one are kept.
func (c *envCopies) keepParts(env string, at int64, parts keptParts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parts == nil {
		c.parts = map[string]keptParts{}
	}
	if held, ok := c.parts[env]; ok && held.at > at {
		return
	}
	parts.at = at
	c.parts[env] = parts
}

// buildExport makes env's export in tx, as exportConfig and Encode do,
// taking again the sections of prior whose kind no write since stamped,
// and the objects of prior whose stored body is unchanged.
func buildExport(tx store.Tx, env string, prior keptParts) (*builtExport, error) {
	doc := &domain.ConfigDocument{FormatVersion: domain.ConfigFormatVersion, SourceEnvironment: env}
	split := &domain.EncodedDocument{SourceEnvironment: env, Sections: map[string][]domain.EncodedObject{}}
	out := &builtExport{heads: map[string][]keyedHead{}, parts: keptParts{sections: map[string]*keptSection{}}}
	unchanged := prior.export != nil
	var stamps store.KindStamps
	if prior.export != nil {
		var err error
		if stamps, err = tx.KindStamps(env); err != nil {
			return nil, err
		}
	}
	for _, sec := range domain.ConfigSections {
		items, ok := doc.SectionItems(sec.Kind)
		if !ok {
			return nil, fmt.Errorf("configuration documents have no section for kind %s", sec.Kind.Name)
		}
		before := prior.sections[sec.Name]
		section := before
		list := reflect.TypeOf(items).Elem()
		var err error
		switch {
		case before != nil && stamps.Unwritten(sec.Kind.Name, prior.at):
			// No write since prior's wrote objects of the kind: the
			// rows are those the section was made from.
		case before != nil && stamps.Covered(prior.at):
			section, err = readWritten(tx, env, sec.Kind, list, before, prior.at)
		default:
			section, err = readSection(tx, env, sec.Kind, list, before)
		}
		if err != nil {
			return nil, err
		}
		if section != before {
			unchanged = false
		}
		reflect.ValueOf(items).Elem().Set(section.list)
		split.Sections[sec.Name] = section.encoded
		out.parts.sections[sec.Name] = section
		if slices.Contains(domain.VersionedKinds, sec.Kind) {
			out.heads[sec.Kind.Name] = section.heads
		}
	}
	if unchanged {
		// The export before, object for object: its encoding and
		// version too.
		out.export, out.parts.export = prior.export, prior.export
		return out, nil
	}
	version, err := doc.AssembledVersion(split.Sections)
	if err != nil {
		return nil, err
	}
	e := &exportCopy{doc: doc, version: version, encodedObjects: split, assemble: func() ([]byte, error) { return doc.Assemble(split.Sections) }}
	// Every versioned object of the export carries its content sha.
	byKind := map[string]*keptSection{}
	for _, sec := range domain.ConfigSections {
		if slices.Contains(domain.VersionedKinds, sec.Kind) {
			byKind[sec.Kind.Name] = out.parts.sections[sec.Name]
		}
	}
	e.shas.lookup = func(kind domain.Kind, key string) (string, bool) {
		if sec := byKind[kind.Name]; sec != nil {
			if k := sec.byKey[key]; k != nil {
				return k.sha, true
			}
		}
		return "", false
	}
	out.export, out.parts.export = e, e
	return out, nil
}

// readSection reads env's objects of kind in tx and makes their section,
// a list of type list, taking again the objects of before whose stored
// body is unchanged: before itself (nil: none) when every row is one of
// its objects, as it was, and there are as many.
func readSection(tx store.Tx, env string, kind domain.Kind, list reflect.Type, before *keptSection) (*keptSection, error) {
	rows, err := tx.Objects(store.Query{Environment: env, Kind: kind.Name})
	if err != nil {
		return nil, err
	}
	// Canonicalize puts a section in key order by Go's comparison,
	// which the stores' order (bytes, COLLATE "C") is: checked, not
	// assumed.
	byKey := func(a, b store.Object) int { return strings.Compare(a.Key, b.Key) }
	if !slices.IsSortedFunc(rows, byKey) {
		slices.SortStableFunc(rows, byKey)
	}
	var byName map[string]*keptObject
	if before != nil {
		byName = before.byKey
	}
	kept, same, err := sectionObjects(kind, list, rows, byName)
	if err != nil {
		return nil, err
	}
	if same && before != nil && len(rows) == len(before.byKey) {
		return before, nil
	}
	keys := make([]string, len(rows))
	for i, row := range rows {
		keys[i] = row.Key
	}
	return makeSection(env, kind, list, keys, kept), nil
}

// writtenReadLimit is the most objects written since a kept section of n
// objects that readWritten reads one by one: past it, reading the
// section whole costs less.
func writtenReadLimit(n int) int { return max(64, n/20) }

// readWritten makes env's section of kind in tx from before, made at
// change number after, and the objects that writes numbered above after
// put or deleted, which the key stamps name (store.Tx.KeysWritten): the
// caller has read kind stamps covering those writes in tx. Those objects
// alone are read, together where the store reads ahead
// (store.Prefetcher), and the others are before's: a write of one object
// among 10,000 costs the next export the read of one row, not of its
// section. When more were written than writtenReadLimit, the section is
// read whole (readSection).
func readWritten(tx store.Tx, env string, kind domain.Kind, list reflect.Type, before *keptSection, after int64) (*keptSection, error) {
	limit := writtenReadLimit(len(before.byKey))
	keys, err := tx.KeysWritten(env, kind.Name, after, limit+1)
	if err != nil {
		return nil, err
	}
	if len(keys) > limit {
		return readSection(tx, env, kind, list, before)
	}
	// The section's order is Go's comparison of keys (readSection).
	slices.Sort(keys)
	if pf, ok := tx.(store.Prefetcher); ok && len(keys) > 1 {
		// The first read sends the others' with it.
		refs := make([]store.Ref, len(keys)-1)
		for i, key := range keys[1:] {
			refs[i] = store.Ref{Environment: env, Kind: kind.Name, Key: key}
		}
		pf.Prefetch(refs...)
	}
	rows := make([]store.Object, 0, len(keys))
	gone := map[string]bool{}
	for _, key := range keys {
		row, err := tx.Object(env, kind.Name, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			if before.byKey[key] != nil {
				gone[key] = true
			}
		case err != nil:
			return nil, err
		default:
			rows = append(rows, row)
		}
	}
	kept, same, err := sectionObjects(kind, list, rows, before.byKey)
	if err != nil {
		return nil, err
	}
	if same && len(gone) == 0 {
		return before, nil
	}
	// before's objects with those read merged in, in key order.
	out := make([]string, 0, len(before.encoded)+len(rows))
	objects := make([]*keptObject, 0, len(before.encoded)+len(rows))
	i, j := 0, 0
	for i < len(before.encoded) || j < len(rows) {
		switch {
		case j == len(rows) || i < len(before.encoded) && before.encoded[i].Key < rows[j].Key:
			if key := before.encoded[i].Key; !gone[key] {
				out, objects = append(out, key), append(objects, before.byKey[key])
			}
			i++
		default:
			if i < len(before.encoded) && before.encoded[i].Key == rows[j].Key {
				i++
			}
			out, objects = append(out, rows[j].Key), append(objects, kept[j])
			j++
		}
	}
	return makeSection(env, kind, list, out, objects), nil
}

// makeSection is env's section of the objects kept under keys, in key
// order.
func makeSection(env string, kind domain.Kind, list reflect.Type, keys []string, kept []*keptObject) *keptSection {
	section := &keptSection{
		byKey:   make(map[string]*keptObject, len(kept)),
		list:    reflect.MakeSlice(list, len(kept), len(kept)),
		encoded: make([]domain.EncodedObject, len(kept)),
	}
	versioned := slices.Contains(domain.VersionedKinds, kind)
	if versioned && len(kept) > 0 {
		section.heads = make([]keyedHead, 0, len(kept))
	}
	for i, k := range kept {
		section.list.Index(i).Set(k.item)
		section.encoded[i] = domain.EncodedObject{Key: keys[i], Bytes: k.encoded}
		section.byKey[keys[i]] = k
		if versioned {
			section.heads = append(section.heads, keyedHead{key: keys[i], head: domain.VersionHead{Environment: env,
				SHA: k.state.SHA, OriginEnvironment: k.state.OriginEnvironment, Version: k.version}})
		}
	}
	return section
}

// sectionObjects are the objects of one section's rows, in their order:
// those of prior whose body is unchanged taken again, the others decoded
// and put in canonical form (by the document's own Canonicalize, on a
// document holding them alone) and encoded. list is the section's type,
// a []T. same reports that every row was an object of prior at the same
// version.
func sectionObjects(kind domain.Kind, list reflect.Type, rows []store.Object, prior map[string]*keptObject) ([]*keptObject, bool, error) {
	kept := make([]*keptObject, len(rows))
	same := true
	fresh := reflect.MakeSlice(list, 0, 0)
	var at []int
	var states []domain.VersionState
	for i, row := range rows {
		if k := prior[row.Key]; k != nil && bytes.Equal(k.body, row.Body) {
			if k.version != row.Version {
				// The same object at another version: its head moves.
				moved := *k
				moved.version = row.Version
				k, same = &moved, false
			}
			kept[i] = k
			continue
		}
		same = false
		v := reflect.New(list.Elem())
		if err := json.Unmarshal(row.Body, v.Interface()); err != nil {
			return nil, false, fmt.Errorf("decoding stored %s %q: %w", row.Kind, row.Key, err)
		}
		v.Interface().(domain.Object).SetObjectKey(row.Key)
		var state domain.VersionState
		if o, ok := v.Interface().(domain.VersionedObject); ok {
			state = *o.GetVersionState()
		}
		fresh = reflect.Append(fresh, v.Elem())
		at, states = append(at, i), append(states, state)
	}
	if len(at) == 0 {
		return kept, same, nil
	}
	alone := &domain.ConfigDocument{}
	items, _ := alone.SectionItems(kind)
	reflect.ValueOf(items).Elem().Set(fresh)
	alone.Canonicalize()
	// Canonicalize keeps the rows' order: it sorts stably by key, and
	// the rows are in key order.
	canonical := reflect.ValueOf(items).Elem()
	for j, i := range at {
		item := canonical.Index(j)
		encoded, err := domain.EncodeObject(item.Addr().Interface())
		if err != nil {
			return nil, false, err
		}
		kept[i] = &keptObject{body: rows[i].Body, version: rows[i].Version, item: item, encoded: encoded, state: states[j]}
	}
	if slices.Contains(domain.VersionedKinds, kind) {
		// Their content shas, which a review's import plan asks for:
		// hashed once per stored body, as the objects are kept.
		_ = domain.ForEachParallel(len(at), func(j int) error { // never fails
			k := kept[at[j]]
			k.sha = domain.ContentSHA(k.item.Addr().Interface().(domain.VersionedObject))
			return nil
		})
	}
	return kept, same, nil
}
