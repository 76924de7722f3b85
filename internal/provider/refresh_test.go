package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// watchedBackend is a backend reached through a handler that counts the
// requests Terraform's provider makes and may act before passing one on.
type watchedBackend struct {
	*acctest.Backend
	url string
	mu  sync.Mutex
	// requests counts requests by method and path, listings apart.
	requests map[string]int
	// before, when set, runs before a request is passed on.
	before func(r *http.Request)
}

func newWatchedBackend(t *testing.T) *watchedBackend {
	t.Helper()
	w := &watchedBackend{Backend: acctest.NewBackend(t), requests: map[string]int{}}
	handler := w.Server.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		what := r.Method + " " + r.URL.Path
		if r.URL.Query().Has("limit") {
			what += " (listing)"
		}
		w.mu.Lock()
		w.requests[what]++
		before := w.before
		w.mu.Unlock()
		if before != nil {
			before(r)
		}
		handler.ServeHTTP(rw, r)
	}))
	t.Cleanup(ts.Close)
	w.url = ts.URL
	return w
}

func (w *watchedBackend) providerConfig() string {
	return fmt.Sprintf("provider \"arbor\" {\n  endpoint = %q\n  api_key  = %q\n}\n", w.url, w.Token)
}

// reset forgets the requests counted so far.
func (w *watchedBackend) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.requests = map[string]int{}
}

// count is the number of requests whose "METHOD path" starts with prefix.
func (w *watchedBackend) count(prefix string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for what, c := range w.requests {
		if strings.HasPrefix(what, prefix) {
			n += c
		}
	}
	return n
}

// permissionsAndRoles is n permissions and n/3 roles granting two of them
// each, keys prefixed with prefix.
func permissionsAndRoles(w *watchedBackend, prefix string, n int, names map[int]string) string {
	name := func(i int) string {
		if v, ok := names[i]; ok {
			return v
		}
		return fmt.Sprintf("Permission %d", i)
	}
	var b strings.Builder
	b.WriteString(w.providerConfig())
	fmt.Fprintf(&b, `
locals {
  names = [%s]
}

resource "arbor_permission" "p" {
  count = %d
  key   = format("%s.%%02d", count.index)
  name  = local.names[count.index]
}

resource "arbor_role" "r" {
  count       = %d
  key         = format("%s-%%02d", count.index)
  name        = "Role ${count.index}"
  permissions = [arbor_permission.p[count.index * 2].key, arbor_permission.p[count.index * 2 + 1].key]
}
`, quotedNames(n, name), n, prefix, n/3, prefix)
	return b.String()
}

func quotedNames(n int, name func(int) string) string {
	q := make([]string, n)
	for i := range q {
		q[i] = fmt.Sprintf("%q", name(i))
	}
	return strings.Join(q, ", ")
}

// TestAccRefresh_listsInsteadOfReadingEach: the refresh plan of 30
// permissions and 10 roles reading them reads no permission and no role
// one by one: each kind is listed, and the roles' references to the
// permissions are checked against the permissions' listing.
func TestAccRefresh_listsInsteadOfReadingEach(t *testing.T) {
	w := newWatchedBackend(t)
	prefix := acctest.RandomKey("perm")
	config := permissionsAndRoles(w, prefix, 30, nil)
	permissions := "GET /v1/environments/development/permissions"
	roles := "GET /v1/environments/development/roles"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: w.reset,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// The plans of the step before: every refresh read was
					// answered by a listing of its kind.
					items := w.count(permissions+"/") + w.count(roles+"/")
					listings := w.count(permissions+" (listing)") + w.count(roles+" (listing)")
					if items != 0 || listings == 0 || listings > 8 {
						t.Errorf("refreshing 30 permissions and 10 roles read %d objects one by one and made %d listings; want none and a few: %v", items, listings, w.requests)
					}
				},
				Config: config,
			},
		},
	})
}

// TestAccRefresh_outOfBandChangeBetweenPlans: a permission renamed out of
// band after one plan shows in the next plan, whose listing is its own.
func TestAccRefresh_outOfBandChangeBetweenPlans(t *testing.T) {
	w := newWatchedBackend(t)
	prefix := acctest.RandomKey("perm")
	config := permissionsAndRoles(w, prefix, 6, nil)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					w.PutObjectNow(t, "permission", domain.Development, prefix+".04", map[string]any{"name": "Renamed out of band"})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("arbor_permission.p[4]", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("arbor_permission.p[3]", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.p[4]", tfjsonpath.New("name"), knownvalue.StringExact("Permission 4")),
				},
			},
		},
	})
}

// TestAccRefresh_changeDuringApplyIsNotHidden: while the apply updates one
// permission, another permission is renamed out of band; the plan after
// the apply shows that change, though both were listed by the plan before.
func TestAccRefresh_changeDuringApplyIsNotHidden(t *testing.T) {
	w := newWatchedBackend(t)
	prefix := acctest.RandomKey("perm")
	updated := "/v1/environments/development/permissions/" + prefix + ".01"
	var once sync.Once
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: permissionsAndRoles(w, prefix, 3, nil)},
			{
				PreConfig: func() {
					w.mu.Lock()
					defer w.mu.Unlock()
					w.before = func(r *http.Request) {
						if r.Method == http.MethodPut && r.URL.Path == updated {
							once.Do(func() {
								w.PutObjectNow(t, "permission", domain.Development, prefix+".02", map[string]any{"name": "Renamed during the apply"})
							})
						}
					}
				},
				Config:             permissionsAndRoles(w, prefix, 3, map[int]string{1: "Updated by Terraform"}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("arbor_permission.p[1]", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("arbor_permission.p[2]", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("arbor_permission.p[2]", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("arbor_permission.p[1]", plancheck.ResourceActionNoop),
					},
				},
			},
			{
				PreConfig: func() {
					w.mu.Lock()
					defer w.mu.Unlock()
					w.before = nil
				},
				Config: permissionsAndRoles(w, prefix, 3, map[int]string{1: "Updated by Terraform"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.p[2]", tfjsonpath.New("name"), knownvalue.StringExact("Permission 2")),
				},
			},
		},
	})
}

// TestAccRefresh_deletedOutOfBandIsPlannedForCreation: a permission
// deleted out of band is missing from the plan's listing, read directly,
// found gone and planned for creation; the others stay as they are.
func TestAccRefresh_deletedOutOfBandIsPlannedForCreation(t *testing.T) {
	w := newWatchedBackend(t)
	prefix := acctest.RandomKey("perm")
	config := permissionsAndRoles(w, prefix, 6, nil)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					// p[5] is granted by no role (roles grant 0 to 3), so the
					// backend lets it go.
					if err := client.Objects[struct{}](w.Client, domain.KindPermission).Delete(context.Background(), domain.Development, prefix+".05", client.Cond{}); err != nil {
						t.Fatal(err)
					}
					w.reset()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("arbor_permission.p[5]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("arbor_permission.p[4]", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(w.Exists("arbor_permission.p.5"), func(*terraformState) error {
					if w.count("GET /v1/environments/development/permissions/"+prefix+".05") == 0 {
						return fmt.Errorf("the missing permission was not read directly before being planned for creation: %v", w.requests)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccRefresh_tenantsShareTheBrandingRead: the refresh of 12 tenants
// reads their environment's branding once per plan, not once per tenant,
// and a change of that branding made out of band between two plans shows
// in every tenant's effective_branding after the second.
func TestAccRefresh_tenantsShareTheBrandingRead(t *testing.T) {
	w := newWatchedBackend(t)
	prefix := acctest.RandomKey("tenant")
	config := w.providerConfig() + fmt.Sprintf(`
resource "arbor_tenant" "t" {
  count    = 12
  key      = format("%s-%%02d", count.index)
  name     = "Tenant ${count.index}"
  branding = count.index == 0 ? { logo_url = "https://cdn.example.com/own.png" } : null
}
`, prefix)
	branding := "GET /v1/environments/development/branding"
	putBranding := func(color string) {
		if _, err := w.Client.PutBranding(context.Background(), domain.Development, domain.Branding{PrimaryColor: color}, client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	color := tfjsonpath.New("effective_branding").AtMapKey("primary_color")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { putBranding("#0A7CFF") },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.t[3]", color, knownvalue.StringExact("#0A7CFF")),
				},
			},
			{
				PreConfig: func() { w.reset() },
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// PlanOnly runs two refresh plans: one read of the
					// branding each, where there had been one per tenant.
					if got := w.count(branding); got == 0 || got > 2 {
						t.Errorf("two refresh plans of 12 tenants read the environment's branding %d times; want 1 or 2", got)
					}
					putBranding("#E4002B")
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.t[0]", color, knownvalue.StringExact("#E4002B")),
					statecheck.ExpectKnownValue("arbor_tenant.t[11]", color, knownvalue.StringExact("#E4002B")),
					statecheck.ExpectKnownValue("arbor_tenant.t[0]", tfjsonpath.New("effective_branding").AtMapKey("logo_url"), knownvalue.StringExact("https://cdn.example.com/own.png")),
				},
			},
		},
	})
}

// TestAccRefresh_promotionReadsAreListed: the plan of 12 workflows (created,
// then all changed) asks the promotion rule of each with one listing of
// the workflows' promotion states, not one read per workflow; the apply
// that follows judges each against the backend, one by one.
func TestAccRefresh_promotionReadsAreListed(t *testing.T) {
	w := newWatchedBackend(t)
	prefix := acctest.RandomKey("wf")
	config := func(subject string) string {
		return w.providerConfig() + fmt.Sprintf(`
resource "arbor_channel" "postmark" {
  key     = %[1]q
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" "w" {
  count = 12
  key   = format("%[1]s-%%02d", count.index)
  name  = "Workflow ${count.index}"
  steps = [{ ref = "email", channel = { type = "email", key = arbor_channel.postmark.key, subject = %[2]q, body = "Hello" } }]
}
`, prefix, subject)
	}
	one := "GET /v1/environments/development/workflows/"
	listed := "GET /v1/environments/development/promotion-states/workflows (listing)"
	perWorkflow := func() int {
		w.mu.Lock()
		defer w.mu.Unlock()
		n := 0
		for what, c := range w.requests {
			if strings.HasPrefix(what, one) && strings.HasSuffix(what, "/promotion") {
				n += c
			}
		}
		return n
	}
	planOnly := func(subject string) resource.TestStep {
		return resource.TestStep{PreConfig: w.reset, Config: config(subject), PlanOnly: true, ExpectNonEmptyPlan: true}
	}
	checked := func(subject string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				if n, lists := perWorkflow(), w.count(listed); n != 0 || lists == 0 {
					t.Errorf("the plan of 12 workflows read %d promotion states one by one and made %d listings of them; want none and at least one: %v", n, lists, w.requests)
				}
			},
			Config: config(subject),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("arbor_workflow.w[11]", tfjsonpath.New("origin_environment"), knownvalue.StringExact(domain.Development)),
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			planOnly("v1"), checked("v1"),
			planOnly("v2"), checked("v2"),
		},
	})
}

// TestAccRefresh_brandingChangedDuringTheApply: the environment's branding
// changes out of band while the apply creates a tenant. The tenant is
// recorded with the effective branding its plan showed (Terraform holds an
// apply to its plan), and the next plan's refresh shows the new one.
func TestAccRefresh_brandingChangedDuringTheApply(t *testing.T) {
	w := newWatchedBackend(t)
	key := acctest.RandomKey("tenant")
	config := w.providerConfig() + fmt.Sprintf(`
resource "arbor_tenant" "t" {
  key  = %q
  name = "Tenant"
}
`, key)
	putBranding := func(color string) {
		if _, err := w.Client.PutBranding(context.Background(), domain.Development, domain.Branding{PrimaryColor: color}, client.Cond{}); err != nil {
			t.Error(err)
		}
	}
	var once sync.Once
	color := tfjsonpath.New("effective_branding").AtMapKey("primary_color")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.CheckDestroy,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					putBranding("#0A7CFF")
					w.mu.Lock()
					defer w.mu.Unlock()
					w.before = func(r *http.Request) {
						if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/tenants/"+key) {
							once.Do(func() { putBranding("#E4002B") })
						}
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("arbor_tenant.t", color, knownvalue.StringExact("#0A7CFF")),
				}},
				Check: func(s *terraformState) error {
					got := s.RootModule().Resources["arbor_tenant.t"].Primary.Attributes["effective_branding.primary_color"]
					if got != "#0A7CFF" {
						return fmt.Errorf("recorded effective branding %q; want the planned #0A7CFF", got)
					}
					// The test's plan without a refresh after this step
					// would plan the new branding over the state's: put it
					// back, and change it again before the next step.
					putBranding("#0A7CFF")
					return nil
				},
			},
			{
				PreConfig: func() {
					w.mu.Lock()
					w.before = nil
					w.mu.Unlock()
					putBranding("#E4002B")
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_tenant.t", color, knownvalue.StringExact("#E4002B")),
				},
			},
		},
	})
}
