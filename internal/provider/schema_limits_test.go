package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/provider"
)

// Every string argument of every resource, nested ones included,
// generated from the provider's schema, refuses at plan
// (ValidateResourceConfig) a value longer than any the backend stores:
// no limit of the API is left to the apply. Each argument is tried alone,
// the rest null (a list holds one element), and the error must name the
// top-level attribute that holds it.
func TestSchema_everyStringArgumentHasItsLimitAtPlan(t *testing.T) {
	ctx := context.Background()
	server, schemas := providerServer(t)
	tooLong := tftypes.NewValue(tftypes.String, strings.Repeat("x", 5000))
	checked := map[string]bool{}
	for typeName, schema := range schemas.ResourceSchemas {
		objectType, ok := schema.ValueType().(tftypes.Object)
		if !ok {
			t.Fatalf("%s: schema type %T", typeName, schema.ValueType())
		}
		for _, arg := range stringArguments(schema.Block.Attributes, nil) {
			checked[typeName+"."+strings.Join(arg, ".")] = true
			config, err := tfprotov6.NewDynamicValue(objectType, valueWith(objectType, arg, tooLong))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &config})
			if err != nil {
				t.Fatal(err)
			}
			if !refusedUnder(resp.Diagnostics, arg[0]) {
				t.Errorf("%s.%s accepts 5000 characters at plan; the backend refuses them at apply", typeName, strings.Join(arg, "."))
			}
		}
	}
	// The walk reaches into nested attributes: a step's channel body.
	if !checked["arbor_workflow.steps.channel.body"] || !checked["arbor_tenant.branding.primary_color"] {
		t.Fatalf("the schema walk missed nested arguments; it found %d", len(checked))
	}
	t.Logf("%d string arguments checked", len(checked))
}

// providerServer is the provider as Terraform sees it (protocol 6), and
// its schemas.
func providerServer(t *testing.T) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return server, schemas
}

// stringArguments lists the paths (attribute names) of the configurable
// string attributes, through nested attributes.
func stringArguments(attrs []*tfprotov6.SchemaAttribute, prefix []string) [][]string {
	var out [][]string
	for _, a := range attrs {
		at := append(append([]string{}, prefix...), a.Name)
		switch {
		case !a.Required && !a.Optional:
		case a.NestedType != nil:
			out = append(out, stringArguments(a.NestedType.Attributes, at)...)
		case a.Type.Is(tftypes.String):
			out = append(out, at)
		}
	}
	return out
}

// valueWith is a value of typ that is null everywhere but at path, where
// it is v; lists and sets on the way hold one element.
func valueWith(typ tftypes.Type, path []string, v tftypes.Value) tftypes.Value {
	if len(path) == 0 {
		return v
	}
	switch t := typ.(type) {
	case tftypes.Object:
		values := map[string]tftypes.Value{}
		for name, at := range t.AttributeTypes {
			values[name] = tftypes.NewValue(at, nil)
		}
		values[path[0]] = valueWith(t.AttributeTypes[path[0]], path[1:], v)
		return tftypes.NewValue(t, values)
	case tftypes.List:
		return tftypes.NewValue(t, []tftypes.Value{valueWith(t.ElementType, path, v)})
	case tftypes.Set:
		return tftypes.NewValue(t, []tftypes.Value{valueWith(t.ElementType, path, v)})
	}
	panic(fmt.Sprintf("no attribute %v in %s", path, typ))
}

// refusedUnder reports an error at the top-level attribute or inside it.
func refusedUnder(diags []*tfprotov6.Diagnostic, attribute string) bool {
	for _, d := range diags {
		if d.Severity != tfprotov6.DiagnosticSeverityError || d.Attribute == nil || len(d.Attribute.Steps()) == 0 {
			continue
		}
		if d.Attribute.Steps()[0] == tftypes.AttributeName(attribute) {
			return true
		}
	}
	return false
}
