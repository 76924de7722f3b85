package domain

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
)

// How a field differs between two versions.
const (
	FieldAdded   = "added"
	FieldRemoved = "removed"
	FieldChanged = "changed"
)

// FieldChangeKinds are the values of FieldChange.Change.
var FieldChangeKinds = []string{FieldAdded, FieldRemoved, FieldChanged}

// FieldChange is one difference between the content of two versions of a
// versioned object.
type FieldChange struct {
	Field  string `json:"field" doc:"The field, named as in the API's JSON: name, content.title, steps[1].channel.templates.subject."`
	Change string `json:"change" values:"field_changes" doc:"added: only the newer version has it; removed: only the older one has it; changed: both have it with different values."`
	Before any    `json:"before,omitempty" doc:"The value in the older version; absent when added."`
	After  any    `json:"after,omitempty" doc:"The value in the newer version; absent when removed."`
}

// DiffContent lists how to's content differs from from's: the fields of
// their VersionedContent (what the sha covers: never active, the key or
// the metadata), compared value by value down to the leaves, objects by
// field name and lists by position, in field order. Equal content (equal
// sha) has no change.
func DiffContent(from, to VersionedObject) []FieldChange {
	var changes []FieldChange
	diffValues("", contentTree(from), contentTree(to), &changes)
	return changes
}

// contentTree is o's content as generic JSON, numbers kept exact.
func contentTree(o VersionedObject) any {
	if o == nil {
		return nil
	}
	b, err := json.Marshal(o.VersionedContent())
	if err != nil {
		panic("encoding the content of " + o.ObjectKey() + ": " + err.Error())
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		panic("decoding the content of " + o.ObjectKey() + ": " + err.Error())
	}
	return v
}

func diffValues(field string, before, after any, out *[]FieldChange) {
	switch {
	case before == nil && after == nil:
		return
	case before == nil:
		*out = append(*out, FieldChange{Field: field, Change: FieldAdded, After: after})
		return
	case after == nil:
		*out = append(*out, FieldChange{Field: field, Change: FieldRemoved, Before: before})
		return
	}
	bm, bIsMap := before.(map[string]any)
	am, aIsMap := after.(map[string]any)
	if bIsMap && aIsMap {
		keys := slices.Sorted(maps.Keys(bm))
		for k := range am {
			if _, ok := bm[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			name := k
			if field != "" {
				name = field + "." + k
			}
			diffValues(name, bm[k], am[k], out)
		}
		return
	}
	bl, bIsList := before.([]any)
	al, aIsList := after.([]any)
	if bIsList && aIsList {
		for i := range max(len(bl), len(al)) {
			var b, a any
			if i < len(bl) {
				b = bl[i]
			}
			if i < len(al) {
				a = al[i]
			}
			diffValues(field+"["+strconv.Itoa(i)+"]", b, a, out)
		}
		return
	}
	bj, _ := json.Marshal(before)
	aj, _ := json.Marshal(after)
	if !bytes.Equal(bj, aj) {
		*out = append(*out, FieldChange{Field: field, Change: FieldChanged, Before: before, After: after})
	}
}

// DiffSide names one of the two versions a diff compares.
type DiffSide struct {
	Environment string `json:"environment" doc:"The environment whose version it is."`
	Version     int64  `json:"version" doc:"The version's number in that environment."`
	SHA         string `json:"sha" doc:"The version's content hash."`
}

// VersionDiff is how one version of a versioned object differs from
// another: the answer of the diff route.
type VersionDiff struct {
	Kind    string        `json:"kind" doc:"The object's kind, as in the audit log (workflow, guide)." example:"workflow"`
	Key     string        `json:"key" doc:"The object's key."`
	From    DiffSide      `json:"from" doc:"The older side."`
	To      DiffSide      `json:"to" doc:"The newer side."`
	Changes []FieldChange `json:"changes" nullable:"false" doc:"The fields that differ, in field order; none when both sides have the same sha."`
}
