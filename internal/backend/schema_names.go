package backend

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// documentNames writes into the registered schemas the names a struct tag
// could only copy: the closed set of every field tagged `values` (from
// domain.Enums, so huma validates and documents the same set the domain
// defines) and the workflow defaults. The defaults are documented, not
// tagged: huma would write a tagged default into every decoded body, while
// the domain applies them where they are stored (and the sha treats an
// absent value as its default, so both forms are one content).
func documentNames(registry huma.Registry) {
	for name, schema := range registry.Map() {
		t := registry.TypeFromRef(schemaPrefix + name)
		if t == nil || t.Kind() != reflect.Struct {
			continue
		}
		enumProperties(schema, t)
		if reflect.PointerTo(t).Implements(reflect.TypeFor[domain.Activatable]()) {
			schema.Properties["active"].Default = domain.DefaultActive
		}
	}
	workflow := registry.SchemaFromRef(registry.Schema(reflect.TypeFor[domain.Workflow](), true, "").Ref)
	workflow.Properties["trigger_frequency"].Default = domain.DefaultTriggerFrequency
	guide := registry.SchemaFromRef(registry.Schema(reflect.TypeFor[domain.Guide](), true, "").Ref)
	guide.Properties["priority"].Default = domain.DefaultGuidePriority
	conditions := registry.SchemaFromRef(registry.Schema(reflect.TypeFor[domain.Conditions](), true, "").Ref)
	conditions.Properties["match"].Default = domain.DefaultConditionMatch
}

// enumProperties sets the enum of each property of schema whose field of t
// (embedded structs included) names a set in its `values` tag.
func enumProperties(schema *huma.Schema, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			enumProperties(schema, f.Type)
			continue
		}
		set, ok := f.Tag.Lookup("values")
		if !ok {
			continue
		}
		values, known := domain.Enums[set]
		if !known {
			panic(fmt.Sprintf("%s.%s names the unknown set of values %q; define it in domain.Enums", t.Name(), f.Name, set))
		}
		property := schema.Properties[strings.Split(f.Tag.Get("json"), ",")[0]]
		property.Enum = make([]any, len(values))
		for i, v := range values {
			property.Enum[i] = v
		}
		property.PrecomputeMessages()
	}
}
