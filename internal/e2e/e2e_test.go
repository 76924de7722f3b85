// Package e2e tests Arbor as its users run it: the provider binary built
// from this checkout, driven by the Terraform CLI, with one working
// directory (one state) per environment, like a GitOps pipeline.
package e2e

import (
	"os"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

func TestMain(m *testing.M) {
	// pgtest.Main stops the PostgreSQL cluster the replica tests started.
	code := pgtest.Main(m)
	acctest.RemoveProviderBinary()
	os.Exit(code)
}
