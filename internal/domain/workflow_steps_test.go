package domain

import (
	"strings"
	"testing"
	"time"
)

func rule(variable, operator, argument string) []Condition {
	return []Condition{{Variable: variable, Operator: operator, Argument: argument}}
}

func delay(ref string) Step { return Step{Ref: ref, Delay: &DelayStep{Duration: "1m"}} }

// branchAt nests a branch step depth levels deep: depth 1 is a workflow
// step that is a branch holding a delay.
func branchAt(depth int) Step {
	inner := delay("leaf")
	for d := depth; d >= 1; d-- {
		inner = Step{Ref: "b" + string(rune('0'+d)), Branch: &BranchStep{Branches: []Branch{{Name: "x", Conditions: &Conditions{Rules: rule("data.x", "empty", "")}, Steps: []Step{inner}}}}}
	}
	return inner
}

func problemsOf(w *Workflow) string {
	var out []string
	for _, p := range w.Validate() {
		out = append(out, p.Field+" "+p.Message)
	}
	return strings.Join(out, "\n")
}

func TestBranchesNestAtMostMaxStepDepth(t *testing.T) {
	ok := &Workflow{Key: "deep", Name: "Deep", Steps: []Step{branchAt(MaxStepDepth - 1)}}
	if got := problemsOf(ok); got != "" {
		t.Errorf("%d levels refused: %s", MaxStepDepth, got)
	}
	deep := &Workflow{Key: "deep", Name: "Deep", Steps: []Step{branchAt(MaxStepDepth)}}
	if got, want := problemsOf(deep), "steps[0].branch.branches[0].steps[0].branch.branches[0].steps[0].branch nests too deep"; !strings.Contains(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestEachStepWalksEveryLevelWithItsPath(t *testing.T) {
	w := &Workflow{Steps: []Step{branchAt(2), {Ref: "d", Branch: &BranchStep{Branches: []Branch{{Name: "y", Conditions: &Conditions{Rules: rule("data.x", "empty", "")}, Steps: []Step{}}}, DefaultSteps: []Step{delay("e")}}}}}
	var got []string
	w.EachStep(func(at string, s *Step) { got = append(got, s.Ref+"@"+at) })
	want := "b1@steps[0] b2@steps[0].branch.branches[0].steps[0] leaf@steps[0].branch.branches[0].steps[0].branch.branches[0].steps[0] d@steps[1] e@steps[1].branch.default_steps[0]"
	if strings.Join(got, " ") != want {
		t.Errorf("EachStep:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// Conditions without groups encode as before groups existed: an existing
// workflow's sha does not move (TestWorkflowSHAIsStableAcrossReleases pins
// one); groups change it.
func TestConditionGroupsAreAnAddition(t *testing.T) {
	w := validWorkflow()
	w.Conditions = &Conditions{Match: "any", Rules: rule("recipient.plan", "equal_to", "pro")}
	before := ContentSHA(w)
	w.Conditions.Groups = []ConditionGroup{{Rules: rule("data.n", "in", "1,2")}}
	if ContentSHA(w) == before {
		t.Error("adding a group kept the sha")
	}
	w.Conditions.Match = "all"
	if got := problemsOf(w); !strings.Contains(got, "conditions.groups are allowed with match any only") {
		t.Errorf("groups under all: %q", got)
	}
}

func TestNewOperators(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	scope := previewScope{"data": map[string]any{"n": int64(15), "plan": "team", "at": "2026-12-01T00:00:00Z"}}
	cases := []struct {
		variable, operator, argument string
		want                         bool
	}{
		{"data.n", "between", "10,20", true},
		{"data.n", "between", "15,15", true},
		{"data.n", "between", "16,20", false},
		{"data.at", "between", "2026-11-01T00:00:00Z,2026-12-31T00:00:00Z", true},
		{"data.at", "before", "now", true},
		{"data.at", "after", "now", false},
		{"data.at", "after", "2026-11-30T23:59:59Z", true},
		{"data.plan", "in", "free, team", true},
		{"data.plan", "not_in", "free,team", false},
		{"data.missing", "not_in", "free", true},
		{"data.missing", "before", "now", false},
	}
	for _, c := range cases {
		holds, why := Condition{Variable: c.variable, Operator: c.operator, Argument: c.argument}.evaluate(scope, nil, at)
		if holds != c.want {
			t.Errorf("%s %s %q = %v (%s), want %v", c.variable, c.operator, c.argument, holds, why, c.want)
		}
	}
	for _, bad := range []Condition{{"data.n", "between", "20,10"}, {"data.n", "between", "10"}, {"data.at", "before", "tomorrow"}, {"data.n", "in", "a,,b"}} {
		w := validWorkflow()
		w.Conditions = &Conditions{Rules: []Condition{bad}}
		if got := problemsOf(w); !strings.Contains(got, "conditions.rules[0].argument must be") {
			t.Errorf("%+v accepted: %q", bad, got)
		}
	}
}

func TestSendWindows(t *testing.T) {
	office := []SendWindow{{Day: "monday", Type: "send", From: "09:00", Until: "17:30"}, {Day: "tuesday", Type: "send", From: "09:00", Until: "24:00"}}
	paris, _ := time.LoadLocation("Europe/Paris")
	mondayEvening := time.Date(2026, 12, 7, 20, 0, 0, 0, paris)
	if sendAllowed(office, mondayEvening) {
		t.Error("Monday 20:00 allowed by office hours")
	}
	if next, ok := nextSendMoment(office, mondayEvening); !ok || !next.Equal(time.Date(2026, 12, 8, 9, 0, 0, 0, paris)) {
		t.Errorf("next moment %v %v, want Tuesday 09:00", next, ok)
	}
	// Only do_not_send: any moment outside it; its end is the next.
	quiet := []SendWindow{{Day: "monday", Type: "do_not_send", From: "00:00", Until: "08:00"}}
	early := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)
	if sendAllowed(quiet, early) || !sendAllowed(quiet, early.Add(2*time.Hour)) {
		t.Error("do_not_send window misjudged")
	}
	if next, _ := nextSendMoment(quiet, early); !next.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("next after quiet hours %v", next)
	}
	w := validWorkflow()
	w.Steps = []Step{{Ref: "chat", Channel: &ChannelStep{Type: "chat", Key: "slack", Body: "b", SendTimeZone: "Mars/Olympus",
		SendWindows: []SendWindow{{Day: "someday", Type: "maybe", From: "9:00", Until: "25:00"}}}}}
	got := problemsOf(w)
	for _, want := range []string{"send_windows[0].day must be one of", "send_windows[0].type must be send or do_not_send", "send_windows[0].from must be a time of day", "send_windows[0].until must be a time of day", "send_time_zone must be an IANA time zone"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}

// A preview follows the branch taken into its steps, names it and why,
// and leaves out the steps of branches not taken.
func TestPreviewFollowsTheBranchTaken(t *testing.T) {
	w := &Workflow{Key: "routed", Name: "Routed", Steps: []Step{
		{Ref: "route", Branch: &BranchStep{
			Branches: []Branch{
				{Name: "pro", Conditions: &Conditions{Rules: rule("recipient.plan", "equal_to", "pro")}, Steps: []Step{delay("pro-wait")}},
				{Name: "team", Conditions: &Conditions{Rules: rule("recipient.plan", "equal_to", "team")}, Steps: []Step{delay("team-wait")}},
			},
			DefaultSteps: []Step{delay("default-wait")},
		}},
		{Ref: "next", TriggerWorkflow: &TriggerWorkflowStep{WorkflowKey: "other"}},
	}}
	for plan, want := range map[string]string{"pro": "route:pro team-wait", "team": "route:team team-wait", "free": "route:default default-wait"} {
		p := preview(t, PreviewInput{Workflow: w, Request: PreviewRequest{Recipient: JSONObject(`{"plan":"` + plan + `"}`)}})
		if plan == "pro" {
			want = "route:pro pro-wait"
		}
		got := p.Steps[0].Ref + ":" + p.Steps[0].Branch + " " + p.Steps[1].Ref
		if got != want || len(p.Steps) != 3 || p.Steps[2].Kind != StepTrigger {
			t.Errorf("plan %s: %s (%d steps), want %s", plan, got, len(p.Steps), want)
		}
	}
	p := preview(t, PreviewInput{Workflow: w, Request: PreviewRequest{Recipient: JSONObject(`{"plan":"free"}`)}})
	if why := p.Steps[0].Reason; !strings.Contains(why, `no branch's conditions hold: branch "pro": recipient.plan equal_to "pro" does not hold ("free")`) {
		t.Errorf("default reason %q", why)
	}
	if _, err := PreviewWorkflow(PreviewInput{Workflow: w, Request: PreviewRequest{At: "tomorrow"}}); err == nil || !strings.Contains(err.Error(), "at") {
		t.Errorf("bad at: %v", err)
	}
}

// A branch may be named default: taking it runs its own steps, not the
// default steps.
func TestPreviewTakesABranchNamedDefault(t *testing.T) {
	w := &Workflow{Key: "routed", Name: "Routed", Steps: []Step{{Ref: "route", Branch: &BranchStep{
		Branches:     []Branch{{Name: DefaultBranch, Conditions: &Conditions{Rules: rule("recipient.id", "not_empty", "")}, Steps: []Step{delay("named")}}},
		DefaultSteps: []Step{delay("fallback")},
	}}}}
	p := preview(t, PreviewInput{Workflow: w, Request: PreviewRequest{Recipient: JSONObject(`{"id":"ada"}`)}})
	if len(p.Steps) != 2 || p.Steps[1].Ref != "named" || p.Steps[1].Path != "steps[0].branch.branches[0].steps[0]" {
		t.Errorf("steps %+v", p.Steps)
	}
}
