// Command terraform-provider-arbor is the Terraform provider for Arbor and,
// with a command such as serve, the Arbor backend and its operator tools.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/arborhq/terraform-provider-arbor/internal/cli"
	"github.com/arborhq/terraform-provider-arbor/internal/process"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
	"github.com/arborhq/terraform-provider-arbor/internal/version"
)

func main() {
	ctx := context.Background()
	if len(os.Args) > 1 && cli.IsCommand(os.Args[1]) {
		os.Exit(cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	process.Tune(debug)
	err := providerserver.Serve(ctx, provider.New(version.Version), providerserver.ServeOpts{
		Address: "registry.terraform.io/arborhq/arbor",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
