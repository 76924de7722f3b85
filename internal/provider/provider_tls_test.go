package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

func permissionOver(providerBlock, key string) string {
	return providerBlock + fmt.Sprintf(`
resource "arbor_permission" "test" {
  key  = %q
  name = "Reached over HTTPS"
}
`, key)
}

// The provider reaches a backend whose certificate a private CA signed
// only when ca_file names that CA.
func TestAccProvider_caFile(t *testing.T) {
	b, files := acctest.NewTLSBackend(t)
	key := acctest.RandomKey("tls.read")
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:      permissionOver(b.ProviderConfig(), key),
				ExpectError: regexp.MustCompile(acctest.ErrorLike("certificate signed by unknown authority").String() + `[\s\S]*` + acctest.ErrorLike("set ca_file (or ARBOR_CA_FILE) to its PEM bundle").String()),
			},
			{
				Config:      permissionOver(b.ProviderConfigWithCA(notPEM), key),
				ExpectError: acctest.ErrorLike("Cannot load the CA file"),
			},
			{
				Config: permissionOver(b.ProviderConfigWithCA(files.CAFile), key),
				Check:  b.Exists("arbor_permission.test"),
			},
		},
	})
}
