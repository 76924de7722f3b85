package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// SensitiveMask is what a preview shows for a sensitive variable, in
// rendered templates and in condition reasons alike. A preview never reads
// a sensitive value: its output travels to plans, test logs and state.
const SensitiveMask = "[sensitive]"

// previewScope is what conditions and templates read: recipient, tenant,
// data, vars and the merged branding, each a JSON-like tree.
type previewScope map[string]any

// lookup follows a dotted path through the scope; a missing step yields
// (nil, false). Array elements are reached by index: data.items.0.
func (s previewScope) lookup(path string) (any, bool) {
	var at any = map[string]any(s)
	for _, part := range strings.Split(path, ".") {
		switch v := at.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			at = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			at = v[i]
		default:
			return nil, false
		}
	}
	return at, true
}

// decodeJSONTree decodes a JSON object for the scope: numbers become int64
// when whole and float64 otherwise, so templates print 1000000, not 1e+06.
func decodeJSONTree(raw []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be a JSON object")
	}
	plainNumbers(m)
	return m, nil
}

// plainNumbers converts v's numbers in place; a number itself is returned
// converted.
func plainNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = plainNumbers(e)
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}

func brandingTree(b Branding) map[string]any {
	return map[string]any{
		"primary_color":          b.PrimaryColor,
		"primary_color_contrast": b.PrimaryColorContrast,
		"logo_url":               b.LogoURL,
		"icon_url":               b.IconURL,
	}
}

// tenantTree is the tenant as templates see it: key, name, properties and
// its own branding overrides. A tenant that does not exist is only its key.
func tenantTree(key string, t *Tenant) (map[string]any, error) {
	tree := map[string]any{"properties": map[string]any{}}
	if key != "" {
		tree["key"] = key
	}
	if t == nil {
		return tree, nil
	}
	tree["name"] = t.Name
	props, err := decodeJSONTree(t.Properties)
	if err != nil {
		return nil, fmt.Errorf("decoding tenant %q's properties: %w", key, err)
	}
	tree["properties"] = props
	if t.Branding != nil {
		tree["branding"] = brandingTree(*t.Branding)
	}
	return tree, nil
}

// variablesTree is vars as templates read it. A sensitive variable's
// value is never read (its stored body holds none): it is the mask.
func variablesTree(vars []Variable) (tree map[string]any, sensitive map[string]bool) {
	tree = make(map[string]any, len(vars))
	sensitive = map[string]bool{}
	for _, v := range vars {
		if v.Sensitive {
			tree[v.Key] = SensitiveMask
			sensitive["vars."+v.Key] = true
			continue
		}
		tree[v.Key] = v.Value
	}
	return tree, sensitive
}
