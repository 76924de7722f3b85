// Command terraform-provider-noop serves the benchmark's no-op provider
// (internal/bench/noopprovider) to Terraform.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopprovider"
)

func main() {
	err := providerserver.Serve(context.Background(), noopprovider.New, providerserver.ServeOpts{Address: noopprovider.Address})
	if err != nil {
		log.Fatal(err)
	}
}
