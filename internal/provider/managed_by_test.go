package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// managedBy reads what the backend says manages an object, through the
// API as the console reads it.
func managedBy(b *acctest.Backend, kind domain.Kind, env, key string) (string, error) {
	obj, err := client.Objects[map[string]any](b.Client, kind).Get(context.Background(), env, key)
	if err != nil {
		return "", err
	}
	v, _ := (*obj)["managed_by"].(string)
	return v, nil
}

func expectManagedBy(b *acctest.Backend, kind domain.Kind, env, key, want string) func(*terraformState) error {
	return func(*terraformState) error {
		got, err := managedBy(b, kind, env, key)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s %s/%s: managed_by %q, want %q", kind.Noun, env, key, got, want)
		}
		return nil
	}
}

// Objects the provider writes say so through the API; a write from
// elsewhere keeps the mark (the configuration still holds the object, and
// the next apply puts it back); an object Terraform never wrote has none.
func TestAccManagedBy_terraform(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("managed")
	b.PutObjectNow(t, domain.KindChannel.Name, domain.Development, "by-hand", map[string]any{"name": "By hand", "type": "email", "service": "postmark"})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: guideFull(b, key, "New: projects", true),
				Check: resource.ComposeTestCheckFunc(
					expectManagedBy(b, domain.KindGuide, domain.Development, key, domain.ManagedByTerraform),
					expectManagedBy(b, domain.KindChannel, domain.Development, "in-app", domain.ManagedByTerraform),
					expectManagedBy(b, domain.KindChannel, domain.Development, "by-hand", ""),
					// An edit through the API, as the console makes it.
					b.PutObject("arbor_guide.test", map[string]any{"priority": 3}),
					expectManagedBy(b, domain.KindGuide, domain.Development, key, domain.ManagedByTerraform),
				),
				ExpectNonEmptyPlan: true,
			},
			{
				// The next apply puts back what the configuration says.
				Config: guideFull(b, key, "New: projects", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_guide.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectManagedBy(b, domain.KindGuide, domain.Development, key, domain.ManagedByTerraform),
			},
		},
	})
}
