package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every required string argument of every data source, generated from the
// provider's schema, is what the data source looks its object up by: a
// value that no key, slug or other identifier can be is refused at plan
// (ValidateDataResourceConfig), naming the argument, instead of reaching
// the backend at read time.
func TestSchema_everyDataSourceLookupIsCheckedAtPlan(t *testing.T) {
	ctx := context.Background()
	server, schemas := providerServer(t)
	notAnIdentifier := tftypes.NewValue(tftypes.String, "Not an identifier!")
	checked := 0
	for typeName, schema := range schemas.DataSourceSchemas {
		objectType, ok := schema.ValueType().(tftypes.Object)
		if !ok {
			t.Fatalf("%s: schema type %T", typeName, schema.ValueType())
		}
		for _, a := range schema.Block.Attributes {
			if !a.Required || !a.Type.Is(tftypes.String) {
				continue
			}
			checked++
			config, err := tfprotov6.NewDynamicValue(objectType, valueWith(objectType, []string{a.Name}, notAnIdentifier))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typeName, Config: &config})
			if err != nil {
				t.Fatal(err)
			}
			if !refusedUnder(resp.Diagnostics, a.Name) {
				t.Errorf("data source %s accepts %s = %q at plan", typeName, a.Name, "Not an identifier!")
			}
		}
	}
	// The role assignment data source alone has three.
	if checked < 10 {
		t.Fatalf("only %d lookup arguments found", checked)
	}
	t.Logf("%d lookup arguments checked", checked)
}
