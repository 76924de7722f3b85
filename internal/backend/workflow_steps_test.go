package backend_test

import (
	"strings"
	"testing"
)

// trigger is a workflow whose one step triggers another, inside a branch.
func trigger(name, target string) string {
	return `{"name":"` + name + `","steps":[{"ref":"route","branch":{"branches":[{"name":"all","conditions":{"rules":[{"variable":"recipient.id","operator":"not_empty"}]},` +
		`"steps":[{"ref":"next","trigger_workflow":{"workflow_key":"` + target + `"}}]}]}}]}`
}

// A trigger_workflow step is a use under the promotion order: its target
// must be there first, stays while used, arrives first in a promotion by
// document, and no chain of triggers leads back to the workflow.
func TestTriggerWorkflowFollowsThePromotionOrderAndMakesNoCycle(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	dev, staging := "/v1/environments/development/workflows/", "/v1/environments/staging/workflows/"
	plain := `{"name":"Follow-up","steps":[{"ref":"wait","delay":{"duration":"1h"}}]}`

	r := a.expect(a.do(a.owner, "PUT", dev+"welcome", trigger("Welcome", "follow-up")), 409)
	if !strings.Contains(string(r.body), `workflow \"follow-up\" (steps[0].branch.branches[0].steps[0].trigger_workflow.workflow_key), which does not exist in development`) {
		t.Errorf("a trigger of an absent workflow: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", dev+"follow-up", plain), 201)
	a.expect(a.do(a.owner, "PUT", dev+"welcome", trigger("Welcome", "follow-up")), 201)

	// follow-up triggering welcome would close the loop.
	r = a.expect(a.do(a.owner, "PUT", dev+"follow-up", trigger("Follow-up", "welcome")), 409)
	a.expectDetail(r, "steps[0].branch.branches[0].steps[0].trigger_workflow.workflow_key", `"follow-up" triggers "welcome" triggers "follow-up"`)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"loop", trigger("Loop", "loop")), 400), "steps[0].branch.branches[0].steps[0].trigger_workflow.workflow_key", "cannot trigger itself")

	r = a.expect(a.do(a.owner, "DELETE", dev+"follow-up", ""), 409)
	if !strings.Contains(string(r.body), `workflow \"welcome\"`) {
		t.Errorf("deleting a triggered workflow: %s", r.body)
	}

	// a-start sorts first but uses welcome, which uses follow-up: a
	// promotion by document writes them used first.
	a.expect(a.do(a.owner, "PUT", dev+"a-start", trigger("Start", "welcome")), 201)
	r = a.expect(a.do(a.owner, "PUT", staging+"a-start", trigger("Start", "welcome")), 409)
	if !strings.Contains(string(r.body), `apply workflow \"welcome\" to staging first`) {
		t.Errorf("promoting before the triggered workflow: %s", r.body)
	}
	a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)
	for _, key := range []string{"follow-up", "welcome"} {
		a.expect(a.do(a.owner, "GET", staging+key, ""), 200)
	}
	a.expect(a.do(a.owner, "GET", staging+"a-start", ""), 200)
}

// The API refuses steps nested deeper than three levels, naming the path.
func TestBranchesNestAtMostThreeLevels(t *testing.T) {
	a := newAPI(t)
	step := `{"ref":"leaf","delay":{"duration":"1m"}}`
	for depth := 3; depth >= 1; depth-- {
		step = `{"ref":"b` + string(rune('0'+depth)) + `","branch":{"branches":[{"name":"x","conditions":{"rules":[{"variable":"data.x","operator":"empty"}]},"steps":[` + step + `]}]}}`
	}
	r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/deep", `{"name":"Deep","steps":[`+step+`]}`), 400)
	a.expectDetail(r, "steps[0].branch.branches[0].steps[0].branch.branches[0].steps[0].branch", "nests too deep")
}
