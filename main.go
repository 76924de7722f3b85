// Command terraform-provider-arbor is the Terraform provider for Arbor and,
// with a command such as serve, the Arbor backend and its operator tools.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	runtimedebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/arborhq/terraform-provider-arbor/internal/cli"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
	"github.com/arborhq/terraform-provider-arbor/internal/version"
)

// quietUnreadLogs switches the plugin SDK's and the provider's logs off
// when Terraform would discard them anyway: with neither TF_LOG nor
// TF_LOG_PROVIDER set, Terraform drops every line a provider writes, and
// formatting them costs about a quarter of a large plan's provider CPU.
// Any of these variables set by the user is left as it is.
func quietUnreadLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		if os.Getenv(v) == "" {
			os.Setenv(v, "OFF")
		}
	}
}

func main() {
	ctx := context.Background()
	if len(os.Args) > 1 && cli.IsCommand(os.Args[1]) {
		os.Exit(cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if !debug {
		quietUnreadLogs()
	}
	// The provider's heap is small and short-lived; collecting it less
	// often saves CPU on every plan at the cost of a few tens of MiB.
	if os.Getenv("GOGC") == "" {
		runtimedebug.SetGCPercent(400)
	}
	err := providerserver.Serve(ctx, provider.New(version.Version), providerserver.ServeOpts{
		Address: "registry.terraform.io/arborhq/arbor",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
