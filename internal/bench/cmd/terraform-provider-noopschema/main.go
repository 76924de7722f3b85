// Command terraform-provider-noopschema serves the benchmark's provider of
// Arbor's schemas without Arbor's code (internal/bench/noopschema) to
// Terraform, in a process tuned as terraform-provider-arbor's (logs
// Terraform would drop switched off, the same garbage collection), so that
// against Arbor only Arbor's own code differs.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopschema"
	"github.com/arborhq/terraform-provider-arbor/internal/process"
)

func main() {
	process.Tune(false)
	err := providerserver.Serve(context.Background(), noopschema.New, providerserver.ServeOpts{Address: noopschema.Address})
	if err != nil {
		log.Fatal(err)
	}
}
