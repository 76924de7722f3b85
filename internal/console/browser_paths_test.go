package console_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
)

// A support person with a viewer token finds out why someone has access,
// switching environments on the way, and sees a tenant's customer data
// obfuscated; the API says the same.
func TestBrowserSupportViewerPath(t *testing.T) {
	s := newSite(t)
	seedAccess(s)
	s.api(s.owner, "PUT", "/v1/environments/development", `{"name":"Development","obfuscate_customer_data":true}`, &struct{}{})
	viewer := s.token("viewer")
	tb := newTab(t, s)
	tb.signIn(viewer)
	tb.expectText("Development", "Production")
	tb.open("/console/environments/production/access")
	tb.run("switch to development", chromedp.Click(chromedp.CSS(`.switcher a[href="/console/environments/development/access"]`)),
		until(`location.pathname === "/console/environments/development/access" && document.readyState === "complete"`))
	tb.expectText("development")
	tb.run("open the access check", chromedp.Click(chromedp.CSS(`.side a[href="/console/environments/development/access/check"]`)),
		until(`location.pathname.endsWith("/access/check") && document.readyState === "complete"`))
	tb.run("ask", chromedp.SendKeys(chromedp.CSS("#identity_key"), "ada"), chromedp.SendKeys(chromedp.CSS("#permission"), "docs.read"),
		chromedp.SendKeys(chromedp.CSS("#node_key"), "emea"))
	tb.submit("main form button", "Access check")
	tb.expectText("Allowed", "development/ada/reader/acme", "emea")
	var answer struct {
		Allowed   bool     `json:"allowed"`
		GrantedBy []string `json:"granted_by"`
	}
	s.api(viewer, "POST", "/v1/environments/development/access/check", `{"identity_key":"ada","permission":"docs.read","node_key":"emea"}`, &answer)
	if !answer.Allowed || !slices.Equal(answer.GrantedBy, []string{"development/ada/reader/acme"}) {
		t.Fatalf("the API answers %+v", answer)
	}

	tb.run("open tenants", chromedp.Click(chromedp.CSS(`.side a[href="/console/environments/development/tenants"]`)),
		until(`location.pathname.endsWith("/tenants") && document.readyState === "complete"`))
	tb.run("open t1", chromedp.Click(chromedp.CSS(`main a[href="/console/environments/development/tenants/t1"]`)),
		until(`location.pathname.endsWith("/tenants/t1") && document.readyState === "complete"`))
	page := tb.text()
	if strings.Contains(page, "boss@customer.example") || strings.Contains(page, "gold") {
		t.Fatalf("the viewer sees customer data:\n%s", page)
	}
	var tenant struct {
		Properties map[string]string `json:"properties"`
	}
	s.api(viewer, "GET", "/v1/environments/development/tenants/t1", "", &tenant)
	for k, v := range tenant.Properties {
		if !strings.Contains(page, `"`+k+`": "`+v+`"`) {
			t.Errorf("the page does not show the API's %s = %q:\n%s", k, v, page)
		}
	}
}

// An owner exports development, imports the document into production after
// its review, promotes a later change, and turns production write access
// on; the API sees each.
func TestBrowserOwnerPath(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.read", `{"name":"Read documents"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/permissions/old", `{"name":"Old"}`, &struct{}{})
	tb := newTab(t, s)
	tb.signIn(s.owner)
	tb.expectText("Export", "Import…", "Promote to Production…")

	document, disposition := tb.fetch("/console/environments/development/config")
	if !regexp.MustCompile(`filename="development-config-\d{4}-\d{2}-\d{2}\.json"`).MatchString(disposition) {
		t.Errorf("export's Content-Disposition: %q", disposition)
	}
	file := filepath.Join(t.TempDir(), "development-config.json")
	if err := os.WriteFile(file, []byte(document), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.run("open import", chromedp.Click(chromedp.CSS(`a[href="/console/environments/production/config/import"]`)),
		until(`location.pathname.endsWith("/config/import") && document.readyState === "complete"`))
	tb.check("import form")
	tb.run("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#document"), []string{file}))
	tb.submit("main form button", "Review the import")
	tb.expectText("docs.read", "old", "Never touched")
	if keys := permissionKeys(s, "production"); !slices.Equal(keys, []string{"old"}) {
		t.Fatalf("the review wrote: %v", keys)
	}
	tb.submit("main form button", "Configuration imported")
	if keys := permissionKeys(s, "production"); !slices.Equal(keys, []string{"docs.read"}) {
		t.Fatalf("after the import, production has %v", keys)
	}

	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.write", `{"name":"Write documents"}`, &struct{}{})
	tb.open("/console/environments")
	tb.run("promote", chromedp.Click(chromedp.CSS(`a[href="/console/environments/production/promote?from=development"]`)),
		until(`location.pathname.endsWith("/promote") && document.readyState === "complete"`))
	tb.check("promotion review")
	tb.expectText("Promoting development to production", "docs.write")
	tb.submit("main form button", "Configuration promoted")
	if keys := permissionKeys(s, "production"); !slices.Equal(keys, []string{"docs.read", "docs.write"}) {
		t.Fatalf("after the promotion, production has %v", keys)
	}

	tb.run("open settings", chromedp.Click(chromedp.CSS(`.side a[href="/console/settings"]`)),
		until(`location.pathname === "/console/settings" && document.readyState === "complete"`))
	tb.check("settings")
	tb.submit("main form button", "Review the change")
	tb.expectText("Turning production write access on")
	tb.submit("main form button", "Settings")
	tb.expectText("Production write access is on")
	var settings struct {
		ProductionWriteAccess bool `json:"production_write_access"`
	}
	s.api(s.owner, "GET", "/v1/settings", "", &settings)
	if !settings.ProductionWriteAccess {
		t.Fatal("the API says production write access is off")
	}
}

// Every page the console registers, as an owner sees it with an object of
// every kind, checked in the browser: no error, no failed request, no
// serious axe-core finding.
func TestBrowserEveryPage(t *testing.T) {
	s := newSite(t)
	keys := seedSamples(t, s, func(path, body string) { s.api(s.owner, "PUT", path, body, &struct{}{}) })
	s.api(s.owner, "PUT", "/v1/environments/development/role-assignments/ada/reader/acme", `{}`, &struct{}{})
	tb := newTab(t, s)
	tb.signIn(s.owner)
	for _, pattern := range console.PagesShown() {
		path, ok := fill(pattern, keys)
		if !ok {
			t.Errorf("%s: no object to show on it", pattern)
			continue
		}
		tb.open(path + queryFor(path))
	}
	tb.run("sign out", chromedp.Click(chromedp.CSS(".who button")), until(`location.pathname === "/console/sign-in" && document.readyState === "complete"`))
}

func permissionKeys(s *site, env string) []string {
	var perms struct {
		Items []struct{ Key string } `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/environments/"+env+"/permissions", "", &perms)
	var keys []string
	for _, p := range perms.Items {
		keys = append(keys, p.Key)
	}
	return keys
}

// The accessibility check finds what it is there to find: a password
// field stripped of its label is a critical violation.
func TestBrowserAxeFindsAMissingLabel(t *testing.T) {
	s := newSite(t)
	tb := newTab(t, s)
	tb.open("/console/sign-in")
	found, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](tb.axe+`;
		document.querySelector("label[for=token]").remove();
		axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.filter(v => v.impact === "critical").map(v => v.id).join(","))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(found, "label") {
		t.Fatalf("axe-core found %q on a field without a label", found)
	}
}
