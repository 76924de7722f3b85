package backend

import (
	"bytes"
	"encoding/json"
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
// taken on trust: which objects exist, in what order and at what version
// is read anew, and the document's encoding is assembled from its objects'
// by the encoder's own frame (domain.ConfigDocument.Assemble).
//
// The parts hold each object's body beside its encoding, about the size of
// the environment's stored objects again.

// keptObject is what an export made of one stored object.
type keptObject struct {
	// body is the stored body it was made from.
	body []byte
	// item is the canonical object, a value of its kind's type.
	item reflect.Value
	// encoded is its bytes in the document's encoding.
	encoded []byte
	// state is its version state, for a versioned kind.
	state domain.VersionState
}

// keptParts are an export's objects by section, then by key.
type keptParts struct {
	at      int64
	objects map[string]map[string]*keptObject
}

// builtExport is an export made for a copy, with the version heads read
// from the same rows and its objects for the next export.
type builtExport struct {
	export  *exportCopy
	heads   map[string][]keyedHead
	objects map[string]map[string]*keptObject
}

// partsOf are the objects of the newest export made of env.
func (c *envCopies) partsOf(env string) keptParts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.parts[env]
}

// keepParts keeps the objects of env's export made at change number at,
// unless those of a newer one are kept.
func (c *envCopies) keepParts(env string, at int64, objects map[string]map[string]*keptObject) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parts == nil {
		c.parts = map[string]keptParts{}
	}
	if held, ok := c.parts[env]; ok && held.at > at {
		return
	}
	c.parts[env] = keptParts{at: at, objects: objects}
}

// buildExport makes env's export in tx, as exportConfig and Encode do,
// taking again the objects of prior whose stored body is unchanged.
func buildExport(tx store.Tx, env string, prior keptParts) (*builtExport, error) {
	doc := &domain.ConfigDocument{FormatVersion: domain.ConfigFormatVersion, SourceEnvironment: env}
	split := &domain.EncodedDocument{SourceEnvironment: env, Sections: map[string][]domain.EncodedObject{}}
	out := &builtExport{heads: map[string][]keyedHead{}}
	objects := map[string]map[string]*keptObject{}
	for _, sec := range domain.ConfigSections {
		items, ok := doc.SectionItems(sec.Kind)
		if !ok {
			return nil, fmt.Errorf("configuration documents have no section for kind %s", sec.Kind.Name)
		}
		rows, err := tx.Objects(store.Query{Environment: env, Kind: sec.Kind.Name})
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
		kept, err := sectionObjects(sec.Kind, reflect.TypeOf(items).Elem(), rows, prior.objects[sec.Name])
		if err != nil {
			return nil, err
		}
		list := reflect.MakeSlice(reflect.TypeOf(items).Elem(), len(kept), len(kept))
		encoded := make([]domain.EncodedObject, len(kept))
		byName := make(map[string]*keptObject, len(kept))
		versioned := slices.Contains(domain.VersionedKinds, sec.Kind)
		var heads []keyedHead
		for i, k := range kept {
			list.Index(i).Set(k.item)
			encoded[i] = domain.EncodedObject{Key: rows[i].Key, Bytes: k.encoded}
			byName[rows[i].Key] = k
			if versioned {
				heads = append(heads, keyedHead{key: rows[i].Key, head: domain.VersionHead{Environment: rows[i].Environment,
					SHA: k.state.SHA, OriginEnvironment: k.state.OriginEnvironment, Version: rows[i].Version}})
			}
		}
		reflect.ValueOf(items).Elem().Set(list)
		split.Sections[sec.Name] = encoded
		objects[sec.Name] = byName
		if versioned {
			out.heads[sec.Kind.Name] = heads
		}
	}
	encoded, err := doc.Assemble(split.Sections)
	if err != nil {
		return nil, err
	}
	e := &exportCopy{doc: doc, version: domain.ConfigVersionOf(encoded), encoded: encoded}
	e.split.Do(func() { e.encodedObjects = split })
	out.export = e
	out.objects = objects
	return out, nil
}

// sectionObjects are the objects of one section's rows, in their order:
// those of prior whose body is unchanged taken again, the others decoded
// and put in canonical form (by the document's own Canonicalize, on a
// document holding them alone) and encoded. list is the section's type,
// a []T.
func sectionObjects(kind domain.Kind, list reflect.Type, rows []store.Object, prior map[string]*keptObject) ([]*keptObject, error) {
	kept := make([]*keptObject, len(rows))
	fresh := reflect.MakeSlice(list, 0, 0)
	var at []int
	var states []domain.VersionState
	for i, row := range rows {
		if k := prior[row.Key]; k != nil && bytes.Equal(k.body, row.Body) {
			kept[i] = k
			continue
		}
		v := reflect.New(list.Elem())
		if err := json.Unmarshal(row.Body, v.Interface()); err != nil {
			return nil, fmt.Errorf("decoding stored %s %q: %w", row.Kind, row.Key, err)
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
		return kept, nil
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
			return nil, err
		}
		kept[i] = &keptObject{body: rows[i].Body, item: item, encoded: encoded, state: states[j]}
	}
	return kept, nil
}
