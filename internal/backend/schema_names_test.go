package backend_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Every closed set of names the API documents comes from the domain's one
// definition: no registered type types its values into an enum tag, and
// every field tagged values is documented (and so validated) with exactly
// its domain set.
func TestEnumsComeFromTheDomain(t *testing.T) {
	a := newAPI(t)
	registry := a.srv.OpenAPI().Components.Schemas
	checked := 0
	var walk func(schema *huma.Schema, typ reflect.Type)
	walk = func(schema *huma.Schema, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(schema, f.Type)
				continue
			}
			if _, typed := f.Tag.Lookup("enum"); typed {
				t.Errorf("%s.%s types its values into an enum tag; list them once in domain, name the list in domain.Enums and tag the field values", typ.Name(), f.Name)
			}
			set, ok := f.Tag.Lookup("values")
			if !ok {
				continue
			}
			property := schema.Properties[strings.Split(f.Tag.Get("json"), ",")[0]]
			got := make([]string, len(property.Enum))
			for i, v := range property.Enum {
				got[i] = fmt.Sprint(v)
			}
			if want := domain.Enums[set]; !slices.Equal(got, want) {
				t.Errorf("%s.%s documents %v, want domain.Enums[%q] = %v", typ.Name(), f.Name, got, set, want)
			}
			checked++
		}
	}
	for name, schema := range registry.Map() {
		if typ := registry.TypeFromRef("#/components/schemas/" + name); typ != nil && typ.Kind() == reflect.Struct {
			walk(schema, typ)
		}
	}
	if checked == 0 {
		t.Fatal("no registered field names a set of values: the walk found nothing to check")
	}
}

// A value outside a set is refused with the set named, from the domain's
// list.
func TestEnumValueOutsideTheSetIsRefused(t *testing.T) {
	a := newAPI(t)
	r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/welcome", `{"name":"Welcome","trigger_frequency":"sometimes"}`), 400)
	if !strings.Contains(string(r.body), strings.Join(domain.TriggerFrequencies, ", ")) || !strings.Contains(string(r.body), "trigger_frequency") {
		t.Errorf("refusal does not name the field and its values: %s", r.body)
	}
}
