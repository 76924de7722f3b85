package provider_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/provider"
)

// Every string argument of every resource, generated from the provider's
// schema, refuses at plan (ValidateResourceConfig) a value longer than any
// the backend stores, at that attribute: no limit of the API is left to
// the apply. Each argument is tried alone, the rest null.
func TestSchema_everyStringArgumentHasItsLimitAtPlan(t *testing.T) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tooLong := strings.Repeat("x", 5000)
	for typeName, schema := range schemas.ResourceSchemas {
		objectType, ok := schema.ValueType().(tftypes.Object)
		if !ok {
			t.Fatalf("%s: schema type %T", typeName, schema.ValueType())
		}
		for _, attr := range schema.Block.Attributes {
			if attr.Type == nil || !attr.Type.Is(tftypes.String) || (!attr.Required && !attr.Optional) {
				continue
			}
			values := map[string]tftypes.Value{}
			for name, typ := range objectType.AttributeTypes {
				values[name] = tftypes.NewValue(typ, nil)
			}
			values[attr.Name] = tftypes.NewValue(tftypes.String, tooLong)
			config, err := tfprotov6.NewDynamicValue(objectType, tftypes.NewValue(objectType, values))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &config})
			if err != nil {
				t.Fatal(err)
			}
			if !refusedAt(resp.Diagnostics, attr.Name) {
				t.Errorf("%s.%s accepts %d characters at plan; the backend refuses them at apply", typeName, attr.Name, len(tooLong))
			}
		}
	}
}

func refusedAt(diags []*tfprotov6.Diagnostic, attribute string) bool {
	want := tftypes.NewAttributePath().WithAttributeName(attribute)
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil && d.Attribute.Equal(want) {
			return true
		}
	}
	return false
}
