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
