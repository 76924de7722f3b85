// Command terraform-provider-noopschema serves the benchmark's provider of
// Arbor's schemas without Arbor's code (internal/bench/noopschema) to
// Terraform.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopschema"
)

func main() {
	err := providerserver.Serve(context.Background(), noopschema.New, providerserver.ServeOpts{Address: noopschema.Address})
	if err != nil {
		log.Fatal(err)
	}
}
