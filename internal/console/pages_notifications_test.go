package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

const (
	welcomeV1 = `{"name":"Welcome","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Welcome","body":"Hello {{ recipient.name }}"}}]}`
	welcomeV2 = `{"name":"Welcome","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Welcome aboard","body":"Hello {{ recipient.name }}"}}]}`
)

// seedNotifications makes development, staging and production hold a
// development-born workflow (changed in development since its promotion),
// a production-born guide and workflow, the channels they send through,
// a variable of each sort and branding; production write access is on.
func seedNotifications(s *site) {
	s.api(s.owner, "POST", "/v1/environments", `{"slug":"staging","name":"Staging"}`, &struct{}{})
	for _, env := range []string{"development", "staging", "production"} {
		s.api(s.owner, "PUT", "/v1/environments/"+env+"/channels/postmark", `{"name":"Postmark","type":"email","service":"postmark","credentials":{"server_token":"pm-secret-token"}}`, &struct{}{})
		s.api(s.owner, "PUT", "/v1/environments/"+env+"/channels/in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`, &struct{}{})
		s.api(s.owner, "PUT", "/v1/environments/"+env+"/workflows/welcome", welcomeV1, &struct{}{})
	}
	s.api(s.owner, "PUT", "/v1/environments/development/workflows/welcome", welcomeV2, &struct{}{})
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/workflows/spring", `{"name":"Spring campaign","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Spring","body":"Our spring offer"}}]}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/guides/launch", `{"name":"Launch","type":"banner","channel_key":"in-app","content":{"body":"Projects are here"}}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/variables/app_url", `{"value":"https://app.example.com","description":"Where links go"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/variables/api_token", `{"value":"sk-very-secret","sensitive":true}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/branding", `{"primary_color":"#0A7CFF"}`, &struct{}{})
}

func TestNotificationPages(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	// The provider's writes are marked; the console shows the mark.
	req, _ := http.NewRequest("PUT", s.url+"/v1/environments/production/channels/in-app", strings.NewReader(`{"name":"In-app","type":"in_app_feed","service":"arbor"}`))
	req.Header.Set("Authorization", "Bearer "+s.owner)
	req.Header.Set(api.HeaderManagedBy, domain.ManagedByTerraform)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("a Terraform write: %v %v", resp, err)
	}
	b := s.browser()
	b.signIn(s.owner)
	for path, texts := range map[string][]string{
		"/console/environments/development/workflows":                                         {"welcome", "Originated in development"},
		"/console/environments/staging/workflows/welcome":                                     {"Originated in development", "Differs from below", "Same as below", "originated in development. It is edited only in development", "Deactivate in staging"},
		"/console/environments/development/workflows/welcome/diff":                            {"steps[0].channel.subject", "Welcome aboard"},
		"/console/environments/staging/workflows/welcome/diff?to_environment=development":     {"steps[0].channel.subject", "Welcome aboard"},
		"/console/environments/production/workflows/spring":                                   {"Originated in production", "Edit templates"},
		"/console/environments/production/workflows/spring/edit":                              {`name="steps[0].channel.subject"`, `name="steps[0].channel.body"`, "Save templates"},
		"/console/environments/production/workflows/welcome/edit":                             {"originated in development"},
		"/console/environments/production/workflows/spring/preview?run=1&tenant=&data=%7B%7D": {"Our spring offer", "Runs"},
		"/console/environments/production/guides":                                             {"launch", "New guide"},
		"/console/environments/production/guides/launch":                                      {"Projects are here", "Edit guide"},
		"/console/environments/production/guides/launch/edit":                                 {`name="content.title"`, "Save guide"},
		"/console/environments/production/guides/new":                                         {`name="key"`, "Create guide"},
		"/console/environments/staging/pending-promotion":                                     {"welcome", "changed", "Diff of"},
		"/console/environments/development/pending-promotion":                                 {"first environment"},
		"/console/environments/production/channels":                                           {"postmark", "in-app", "Managed by Terraform"},
		"/console/environments/production/channels/postmark":                                  {"Never shown"},
		"/console/environments/production/variables":                                          {"app_url", "https://app.example.com", "sensitive: never shown"},
		"/console/environments/production/variables/api_token":                                {"Sensitive: never shown"},
		"/console/environments/production/branding":                                           {"#0A7CFF"},
	} {
		p := b.get(path).expect(t, http.StatusOK, texts...)
		for _, secret := range []string{"pm-secret-token", "sk-very-secret"} {
			if strings.Contains(p.body, secret) {
				t.Errorf("%s shows a secret", path)
			}
		}
	}
	// Editing through the form writes a new version with the API's rules.
	var wf domain.Workflow
	b.post("/console/environments/production/workflows/spring/edit", url.Values{"version": {"1"},
		"steps[0].channel.subject": {""}, "steps[0].channel.body": {"Still spring"}}).
		expect(t, http.StatusBadRequest, "steps[0].channel.subject", "is required for email")
	b.post("/console/environments/production/workflows/spring/edit", url.Values{"version": {"1"},
		"steps[0].channel.subject": {"Spring is here"}, "steps[0].channel.body": {"Still spring"}}).expect(t, http.StatusSeeOther)
	s.api(s.owner, "GET", "/v1/environments/production/workflows/spring", "", &wf)
	if wf.Version != 2 || wf.Steps[0].Channel.Subject != "Spring is here" || wf.Steps[0].Channel.Body != "Still spring" {
		t.Errorf("after the form: %+v", wf)
	}
	// Active switches anywhere, even on a workflow born elsewhere; to
	// true or false, never to what a value that is neither would be read
	// as.
	b.post("/console/environments/staging/workflows/welcome/active", url.Values{"version": {"1"}, "active": {"yes"}}).expect(t, http.StatusBadRequest, "active must be true or false")
	b.post("/console/environments/staging/workflows/welcome/active", url.Values{"version": {"1"}, "active": {"false"}}).expect(t, http.StatusSeeOther)
	s.api(s.owner, "GET", "/v1/environments/staging/workflows/welcome", "", &wf)
	if wf.IsActive() {
		t.Error("the workflow is still active in staging")
	}
}

// A workflow's only version has nothing before it: the diff page says so.
func TestDiffOfTheFirstVersion(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments/production/guides/launch/diff").expect(t, http.StatusOK, "Nothing to compare", "no version before 1")
}

// A workflow with a branch shows the branch and the steps inside it, and
// its template form edits a channel step inside the branch by its path.
func TestWorkflowPagesShowAndEditStepsInsideBranches(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	s.api(s.owner, "PUT", "/v1/environments/production/workflows/routed", `{"name":"Routed","steps":[{"ref":"route","branch":{"branches":[`+
		`{"name":"pro","conditions":{"match":"any","groups":[{"rules":[{"variable":"recipient.plan","operator":"in","argument":"pro,team"}]}]},`+
		`"steps":[{"ref":"pro-email","channel":{"type":"email","key":"postmark","subject":"For pro","body":"Pro body",`+
		`"send_windows":[{"day":"monday","type":"send","from":"09:00","until":"17:00"}]}}]}],`+
		`"default_steps":[{"ref":"wait","delay":{"duration":"1h"}}]}}]}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	nested := "steps[0].branch.branches[0].steps[0].channel."
	b.get("/console/environments/production/workflows/routed").expect(t, http.StatusOK, "pro", "pro-email", "For pro", "send monday 09:00–17:00", "default", "delay 1h", "any of", "pro,team")
	b.get("/console/environments/production/workflows/routed/edit").expect(t, http.StatusOK, `name="`+nested+`subject"`, `name="`+nested+`body"`)
	b.get("/console/environments/production/workflows/routed/preview?run=1&recipient=%7B%22plan%22%3A%22pro%22%7D&data=%7B%7D&at=2026-12-07T18%3A00%3A00Z").
		expect(t, http.StatusOK, "takes the branch", "pro-email", "For pro", "deferred until 2026-12-14T09:00:00Z")
	b.get("/console/environments/production/workflows/routed/preview?run=1&recipient=%7B%7D&data=%7B%7D&at=tomorrow").
		expect(t, http.StatusBadRequest, "must be an RFC 3339 timestamp")
	b.post("/console/environments/production/workflows/routed/edit", url.Values{"version": {"1"},
		nested + "subject": {"For pro, edited"}, nested + "body": {"Pro body"}}).expect(t, http.StatusSeeOther)
	var wf domain.Workflow
	s.api(s.owner, "GET", "/v1/environments/production/workflows/routed", "", &wf)
	if got := wf.Steps[0].Branch.Branches[0].Steps[0].Channel; wf.Version != 2 || got.Subject != "For pro, edited" || len(got.SendWindows) != 1 {
		t.Errorf("after the form: version %d, %+v", wf.Version, got)
	}
}
