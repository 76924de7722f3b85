package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxStepDepth is how deep steps nest: a workflow's steps are level 1, a
// branch's steps one level below the branch step. Three levels say "if
// enterprise, then if in Europe, then …"; deeper logic reads better as a
// workflow of its own (trigger_workflow). The bound is also what lets the
// Terraform provider spell the schema out: a Terraform schema cannot
// refer to itself, so each level is written once.
const MaxStepDepth = 3

// BranchStep runs the steps of the first branch whose conditions hold,
// or its default steps when none does.
type BranchStep struct {
	Branches     []Branch `json:"branches" minItems:"1" nullable:"false" doc:"The branches, in order: the first whose conditions hold is taken."`
	DefaultSteps []Step   `json:"default_steps,omitempty" doc:"The steps run when no branch's conditions hold; absent: the run goes on after the branch step."`
}

// Branch is one way through a branch step.
type Branch struct {
	Name       string      `json:"name" doc:"Name of the branch, unique within its branch step; a preview says which branch it takes by this name." example:"enterprise"`
	Conditions *Conditions `json:"conditions" doc:"The branch is taken when these hold (and no branch before it is)."`
	Steps      []Step      `json:"steps" nullable:"false" doc:"The branch's steps, in order; empty: the run goes on after the branch step."`
}

// TriggerWorkflowStep triggers another workflow. The workflow it names is
// a reference under the promotion order, like a layout or a partial.
type TriggerWorkflowStep struct {
	WorkflowKey string `json:"workflow_key" doc:"Key of the workflow to trigger; it must exist where this workflow is written, and not be this workflow." example:"welcome-followup"`
}

// SendWindow allows or forbids sending during part of one weekday.
type SendWindow struct {
	Day   string `json:"day" values:"weekdays" doc:"Day of the week."`
	Type  string `json:"type" values:"send_window_types" doc:"send: messages go out inside the window; do_not_send: never inside it."`
	From  string `json:"from" doc:"Start, HH:MM (24-hour clock), included." example:"09:00"`
	Until string `json:"until" doc:"End, HH:MM after from (24:00 for the end of the day), excluded." example:"17:30"`
}

// Weekdays and send window types name what a SendWindow holds.
var (
	Weekdays        = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	SendWindowTypes = []string{"send", "do_not_send"}
)

// EachStep calls f with every step of the workflow at every level, in
// the order a reader meets them, with its field path
// (steps[2].branch.branches[0].steps[1]).
func (w *Workflow) EachStep(f func(at string, s *Step)) {
	eachStep("steps", w.Steps, f)
}

func eachStep(field string, steps []Step, f func(string, *Step)) {
	for i := range steps {
		at := field + "[" + strconv.Itoa(i) + "]"
		f(at, &steps[i])
		if b := steps[i].Branch; b != nil {
			for j := range b.Branches {
				eachStep(fmt.Sprintf("%s.branch.branches[%d].steps", at, j), b.Branches[j].Steps, f)
			}
			eachStep(at+".branch.default_steps", b.DefaultSteps, f)
		}
	}
}

// validateSteps checks the steps of one level, depth counting from 1.
func validateSteps(field string, steps []Step, depth int) Problems {
	var p Problems
	for i := range steps {
		if problems := steps[i].validate(depth); len(problems) > 0 {
			p.Merge(field+"["+strconv.Itoa(i)+"]", problems)
		}
	}
	return p
}

func (b *BranchStep) validate(depth int) Problems {
	var p Problems
	if depth >= MaxStepDepth {
		p.Add("", "nests too deep: steps are at most %d levels deep (a branch step at level %d would put its steps at level %d); trigger another workflow instead", MaxStepDepth, depth, depth+1)
		return p
	}
	if len(b.Branches) == 0 {
		p.Add("branches", "must have at least one branch")
	}
	names := map[string]int{}
	for i, br := range b.Branches {
		at := fmt.Sprintf("branches[%d]", i)
		if j, dup := names[br.Name]; dup {
			p.Add(at+".name", "%q is already the name of branches[%d]; names must be unique in a branch step", br.Name, j)
		} else {
			names[br.Name] = i
		}
		checkText(&p, at+".name", br.Name, MaxNameLength, true)
		if br.Conditions == nil {
			p.Add(at+".conditions", "is required: a branch is taken when its conditions hold (the default steps run when none does)")
		} else {
			p.Merge(at+".conditions", br.Conditions.validate())
		}
		p.Merge("", validateSteps(at+".steps", br.Steps, depth+1))
	}
	p.Merge("", validateSteps("default_steps", b.DefaultSteps, depth+1))
	return p
}

func validateSendWindows(p *Problems, c *ChannelStep) {
	for i, w := range c.SendWindows {
		at := fmt.Sprintf("channel.send_windows[%d]", i)
		if !slices.Contains(Weekdays, w.Day) {
			p.Add(at+".day", "must be one of %s", strings.Join(Weekdays, ", "))
		}
		if !slices.Contains(SendWindowTypes, w.Type) {
			p.Add(at+".type", "must be send or do_not_send")
		}
		from, fromOK := clockMinutes(w.From, false)
		if !fromOK {
			p.Add(at+".from", "must be a time of day HH:MM, such as 09:00")
		}
		until, untilOK := clockMinutes(w.Until, true)
		switch {
		case !untilOK:
			p.Add(at+".until", "must be a time of day HH:MM, such as 17:30, or 24:00")
		case fromOK && until <= from:
			p.Add(at+".until", "must be after from (%s)", w.From)
		}
	}
	if c.SendTimeZone != "" {
		if len(c.SendWindows) == 0 {
			p.Add("channel.send_time_zone", "is used only with send_windows")
		} else if _, err := time.LoadLocation(c.SendTimeZone); err != nil || c.SendTimeZone == "Local" {
			p.Add("channel.send_time_zone", "must be an IANA time zone such as Europe/Paris or UTC")
		}
	}
}

// clockMinutes reads HH:MM as minutes after midnight; 24:00 only when
// end is set.
func clockMinutes(v string, end bool) (int, bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, false
	}
	h, errH := strconv.Atoi(v[:2])
	m, errM := strconv.Atoi(v[3:])
	if errH != nil || errM != nil || m < 0 || m > 59 || h < 0 {
		return 0, false
	}
	if h == 24 && m == 0 && end {
		return 24 * 60, true
	}
	if h > 23 {
		return 0, false
	}
	return h*60 + m, true
}

// checkArgument checks the argument of the operators that take a
// structured one; "" when it is fine.
func checkArgument(operator, arg string) string {
	switch operator {
	case "between":
		low, high, ok := strings.Cut(arg, ",")
		if !ok {
			return "must be low,high: two numbers or two RFC 3339 timestamps, such as 10,20"
		}
		low, high = strings.TrimSpace(low), strings.TrimSpace(high)
		if a, errA := strconv.ParseFloat(low, 64); errA == nil {
			if b, errB := strconv.ParseFloat(high, 64); errB != nil || b < a {
				return "must be low,high with low no greater than high, such as 10,20"
			}
			return ""
		}
		a, errA := time.Parse(time.RFC3339, low)
		b, errB := time.Parse(time.RFC3339, high)
		if errA != nil || errB != nil || b.Before(a) {
			return "must be low,high: two numbers or two RFC 3339 timestamps, the first no later than the second"
		}
	case "before", "after":
		if _, err := time.Parse(time.RFC3339, arg); err != nil && arg != "now" {
			return "must be an RFC 3339 timestamp, such as 2026-01-31T09:00:00Z, or now"
		}
	case "in", "not_in":
		for _, v := range strings.Split(arg, ",") {
			if strings.TrimSpace(v) == "" {
				return "must be a comma-separated list of values, none empty, such as free,team"
			}
		}
	}
	return ""
}

// TriggerCycle finds a chain of trigger_workflow steps that leads from w
// back to w: a run of it would trigger itself without end. load reads a
// workflow of the environment w is written to (nil when absent). It
// answers a conflict naming the step that starts the cycle and the chain.
func TriggerCycle(w *Workflow, load func(key string) (*Workflow, error)) error {
	type start struct{ field, key string }
	var starts []start
	w.EachStep(func(at string, s *Step) {
		if t := s.TriggerWorkflow; t != nil {
			starts = append(starts, start{at + ".trigger_workflow.workflow_key", t.WorkflowKey})
		}
	})
	triggers := func(wf *Workflow) []string {
		var keys []string
		wf.EachStep(func(_ string, s *Step) {
			if t := s.TriggerWorkflow; t != nil && !slices.Contains(keys, t.WorkflowKey) {
				keys = append(keys, t.WorkflowKey)
			}
		})
		return keys
	}
	for _, st := range starts {
		// Breadth first from the target, remembering how each workflow
		// was reached, so the chain named is a shortest one.
		from := map[string]string{st.key: ""}
		queue := []string{st.key}
		for len(queue) > 0 {
			key := queue[0]
			queue = queue[1:]
			if key == w.Key {
				chain := []string{w.Key}
				for k := from[w.Key]; k != ""; k = from[k] {
					chain = append([]string{k}, chain...)
				}
				chain = append([]string{w.Key}, chain...)
				msg := fmt.Sprintf("would make a trigger cycle: %s; a run would trigger itself without end", strings.Join(quoteAll(chain), " triggers "))
				return &Error{Code: CodeConflict, Message: st.field + " " + msg, Details: []FieldError{{Field: st.field, Message: msg}}}
			}
			wf, err := load(key)
			if err != nil {
				return err
			}
			if wf == nil {
				continue
			}
			for _, next := range triggers(wf) {
				if _, seen := from[next]; !seen {
					from[next] = key
					queue = append(queue, next)
				}
			}
		}
	}
	return nil
}

func quoteAll(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strconv.Quote(k)
	}
	return out
}
