package backend_test

import (
	"strings"
	"testing"
)

// TestProductionBornWorkflowsStayInProduction: cloning production, or
// promoting from it, copies everything else and leaves the workflows born
// there out, saying which; the copy is no longer refused because of them.
func TestProductionBornWorkflowsStayInProduction(t *testing.T) {
	a := newAPI(t)
	a.channels("production")
	a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
	a.putWorkflow(a.owner, "development", "welcome", channellessWorkflow, 201)
	a.putWorkflow(a.owner, "production", "welcome", channellessWorkflow, 201)
	a.putWorkflow(a.owner, "production", "wf-prod", workflowBody("prod"), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/production/permissions/p1", `{"name":"P"}`), 201)

	expectLeftOut := func(what string, res map[string]any) {
		t.Helper()
		leftOut, _ := res["left_out"].([]any)
		if len(leftOut) != 1 {
			t.Fatalf("%s: left_out %v", what, res["left_out"])
		}
		lo := leftOut[0].(map[string]any)
		if lo["kind"] != "workflow" || lo["key"] != "wf-prod" || !strings.Contains(lo["reason"].(string), "production") {
			t.Errorf("%s: left_out %v", what, lo)
		}
	}

	env := a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA","copy_from":"production"}`), 201).json()
	expectLeftOut("clone", env["copy"].(map[string]any))
	a.expect(a.do(a.owner, "GET", "/v1/environments/qa/workflows/welcome", ""), 200)
	a.expect(a.do(a.owner, "GET", "/v1/environments/qa/workflows/wf-prod", ""), 404)
	a.expect(a.do(a.owner, "GET", "/v1/environments/qa/permissions/p1", ""), 200)

	res := a.expect(a.do(a.owner, "POST", "/v1/environments/development/promote", `{"from":"production"}`), 200).json()
	expectLeftOut("promotion", res)
	a.expect(a.do(a.owner, "GET", "/v1/environments/development/workflows/wf-prod", ""), 404)
	a.expect(a.do(a.owner, "GET", "/v1/environments/development/permissions/p1", ""), 200)

	// Production keeps its own workflows, and a copy within production
	// leaves nothing out.
	a.expect(a.do(a.owner, "GET", "/v1/environments/production/workflows/wf-prod", ""), 200)
	res = a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"qa"}`), 200).json()
	if res["left_out"] != nil {
		t.Errorf("promotion into production left out %v", res["left_out"])
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/production/workflows/wf-prod", ""), 200)
}

// TestExportForAnotherEnvironment: an export of production for another
// environment leaves production-born workflows out, names them, and
// imports there; an export for production itself keeps them.
func TestExportForAnotherEnvironment(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.channels("staging", "production")
	a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
	a.putWorkflow(a.owner, "production", "wf-prod", workflowBody("prod"), 201)
	r := a.expect(a.do(a.owner, "GET", "/v1/environments/production/config?for=staging", ""), 200)
	if got := r.header.Get("X-Arbor-Left-Out"); got != "workflow/wf-prod" {
		t.Errorf("X-Arbor-Left-Out %q", got)
	}
	if strings.Contains(string(r.body), "wf-prod") {
		t.Errorf("the export for staging carries wf-prod:\n%s", r.body)
	}
	a.importDoc("staging", string(r.body), 200)
	own := a.expect(a.do(a.owner, "GET", "/v1/environments/production/config", ""), 200)
	if !strings.Contains(string(own.body), "wf-prod") || own.header.Get("X-Arbor-Left-Out") != "" {
		t.Errorf("production's own export: %s %s", own.header.Get("X-Arbor-Left-Out"), own.body)
	}
	a.expectDetail(a.expect(a.do(a.owner, "GET", "/v1/environments/production/config?for=Not_A_Slug", ""), 400), "for", "must be")
}
