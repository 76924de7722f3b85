package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// PreviewRequest asks what a workflow would do for one recipient of one
// tenant with one trigger's data. Nothing is stored or sent.
type PreviewRequest struct {
	Recipient JSONObject `json:"recipient,omitempty" doc:"The recipient as a trigger would name it: any JSON object (id, name, email, custom properties). Its preferences (channel_types, categories, workflows: maps of bool) override the tenant's defaults." example:"{\"id\":\"ada\",\"name\":\"Ada\"}"`
	Tenant    string     `json:"tenant,omitempty" doc:"Key of the tenant the trigger is for. A tenant that does not exist previews as an empty tenant (a run would create it as a stub); absent for none."`
	Data      JSONObject `json:"data,omitempty" doc:"The trigger's data: any JSON object."`
	At        string     `json:"at,omitempty" doc:"When the trigger happens, RFC 3339: send windows and the before and after operators' now read it. Default: the moment of the preview." example:"2026-12-07T09:30:00Z"`
}

// WorkflowPreview is what a workflow would do for a PreviewRequest.
type WorkflowPreview struct {
	WorkflowKey string `json:"workflow_key" doc:"Key of the workflow previewed."`
	Runs        bool   `json:"runs" doc:"Whether a trigger would run the workflow: it is active and its conditions hold."`
	Reason      string `json:"reason" doc:"Why the workflow runs or not."`
	// TenantFound tells a preview of an existing tenant from one of a
	// stub, which a mistyped key would silently become.
	TenantFound bool          `json:"tenant_found" doc:"Whether the tenant exists in the environment; false previews it as an empty tenant."`
	Preferences PreferenceSet `json:"preferences" doc:"The preferences that apply: the tenant's preference_set as defaults, the recipient's own preferences over them."`
	Branding    Branding      `json:"branding" doc:"The branding messages carry: the environment's, with the tenant's fields over it."`
	Steps       []StepPreview `json:"steps" nullable:"false" doc:"Every step on the run's way, in order: a branch step is followed by the steps of the branch it takes (path tells the levels apart)."`
	// LocaleReason says how the channel steps' locale was chosen.
	LocaleReason string `json:"locale_reason" doc:"How the locale the messages' translations are read in was chosen: the recipient's locale (recipient.locale), its language alone, or the environment's default locale, the first a translation holds."`
	// content renders the channel steps' templates.
	content *contentRenderer
}

// StepPreview is what one step would do.
type StepPreview struct {
	Ref         string `json:"ref" doc:"The step's ref."`
	Path        string `json:"path" doc:"Where the step is in the workflow, such as steps[1].branch.branches[0].steps[0]." example:"steps[0]"`
	Kind        string `json:"kind" values:"step_kinds" doc:"What the step does."`
	Runs        bool   `json:"runs" doc:"Whether the step would run: the workflow runs, the step's conditions hold and, for a channel step, the preferences let its message through."`
	Reason      string `json:"reason" doc:"Why the step runs or not."`
	ChannelType string `json:"channel_type,omitempty" doc:"For a channel step, its channel type."`
	ChannelKey  string `json:"channel_key,omitempty" doc:"For a channel step, the channel it sends through."`
	// A channel step sends through a channel or a channel group.
	ChannelGroupKey string `json:"channel_group_key,omitempty" doc:"For a channel step that sends through a channel group, the group."`
	Branch          string `json:"branch,omitempty" doc:"For a branch step that runs, the branch it takes: its name, or default when no branch's conditions hold." example:"enterprise"`
	DeferredUntil   string `json:"deferred_until,omitempty" doc:"For a channel step whose send windows do not allow the trigger's moment, when the message would go out (RFC 3339, in the windows' time zone)."`
	// Rendered is filled whether or not the step runs, so a message's
	// content can be checked on its own.
	Rendered map[string]string `json:"rendered,omitempty" doc:"For a channel step, each template rendered (subject, body, action_url), whether or not the step runs. Sensitive variables render as [sensitive]."`
	Errors   map[string]string `json:"errors,omitempty" doc:"Template errors by template (subject, body, action_url): a template that does not render is reported here, not rendered."`
	Locale   string            `json:"locale,omitempty" doc:"For a channel step, the locale its translations ({{ \"key\" | t }}) are read in; a string missing there is read in the locales after it (its language alone, the environment's default locale)." example:"fr"`
}

// PreviewInput is everything a preview reads from the environment.
type PreviewInput struct {
	Workflow *Workflow
	Request  PreviewRequest
	// Tenant is nil when Request.Tenant names no tenant that exists.
	Tenant *Tenant
	// Branding is the environment's; nil when it has none.
	Branding *Branding
	// Variables are the environment's; sensitive ones are previewed as
	// SensitiveMask whatever their Value.
	Variables []Variable
	// Layouts and Partials are the environment's by key (the layouts its
	// email steps name, at least), Translations all of its translations,
	// DefaultLocale its default locale ("" for DefaultLocale).
	Layouts       map[string]*EmailLayout
	Partials      map[string]*Partial
	Translations  []Translation
	DefaultLocale string
	// Now is the moment of the preview, when the request sets no at; the
	// zero time reads the clock.
	Now time.Time
}

// PreviewWorkflow says, step by step, what a trigger of the workflow would
// do. A request that cannot be previewed (a recipient or data that is not
// an object, preferences of the wrong shape) is a validation error naming
// the field; a template that does not render is reported on its step.
func PreviewWorkflow(in PreviewInput) (*WorkflowPreview, error) {
	wf := in.Workflow
	var probs Problems
	recipient, err := decodeJSONTree(in.Request.Recipient)
	if err != nil {
		probs.Add("recipient", "%s", err.Error())
	}
	data, err := decodeJSONTree(in.Request.Data)
	if err != nil {
		probs.Add("data", "%s", err.Error())
	}
	if in.Request.Tenant != "" {
		checkKeyField(&probs, "tenant", in.Request.Tenant)
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	if in.Request.At != "" {
		if now, err = time.Parse(time.RFC3339, in.Request.At); err != nil {
			probs.Add("at", "must be an RFC 3339 timestamp such as 2026-12-07T09:30:00Z")
		}
	}
	own, err := recipientPreferences(recipient)
	if err != nil {
		probs.Add("recipient.preferences", "%s", err.Error())
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	tenant, err := tenantTree(in.Request.Tenant, in.Tenant)
	if err != nil {
		return nil, err
	}
	var tenantBranding *Branding
	var defaults *PreferenceSet
	if in.Tenant != nil {
		tenantBranding, defaults = in.Tenant.Branding, in.Tenant.PreferenceSet
	}
	branding := EffectiveBranding(in.Branding, tenantBranding)
	vars, sensitive := variablesTree(in.Variables)
	scope := previewScope{"recipient": recipient, "tenant": tenant, "data": data, "vars": vars, "branding": brandingTree(branding)}
	prefs := mergePreferences(defaults, own)

	out := &WorkflowPreview{WorkflowKey: wf.Key, TenantFound: in.Tenant != nil, Preferences: prefs.set, Branding: branding, Steps: make([]StepPreview, 0, len(wf.Steps)),
		content: newContentRenderer(in, scope, recipient)}
	out.LocaleReason = out.content.localeReason
	switch {
	case !wf.IsActive():
		out.Reason = "the workflow is inactive in this environment: triggers do not run it"
	case wf.Conditions != nil:
		var why string
		out.Runs, why = wf.Conditions.evaluate(scope, sensitive, now)
		out.Reason = "workflow conditions: " + why
	default:
		out.Runs, out.Reason = true, "the workflow is active and has no conditions"
	}
	walk := stepWalk{wf: wf, wp: out, scope: scope, sensitive: sensitive, prefs: prefs, now: now, recipient: recipient}
	walk.steps("steps", wf.Steps)
	return out, nil
}

// stepWalk previews the steps on a run's way, entering the branch each
// branch step takes.
type stepWalk struct {
	wf        *Workflow
	wp        *WorkflowPreview
	scope     previewScope
	sensitive map[string]bool
	prefs     preferences
	now       time.Time
	recipient map[string]any
}

func (w *stepWalk) steps(field string, steps []Step) {
	for i, step := range steps {
		at := fmt.Sprintf("%s[%d]", field, i)
		sp, takenField, taken := w.step(at, step)
		w.wp.Steps = append(w.wp.Steps, sp)
		w.steps(takenField, taken)
	}
}

// DefaultBranch is how a preview names a branch step's default steps.
const DefaultBranch = "default"

// step previews one step; for a branch step that runs, it also answers
// the steps of the branch it takes and their field.
func (w *stepWalk) step(at string, step Step) (sp StepPreview, takenField string, taken []Step) {
	sp = StepPreview{Ref: step.Ref, Path: at, Kind: step.kind()}
	if c := step.Channel; c != nil {
		sp.ChannelType, sp.ChannelKey, sp.ChannelGroupKey = c.Type, c.Key, c.ChannelGroupKey
		sp.Rendered, sp.Errors = w.wp.content.channel(c)
		sp.Locale = w.wp.content.locale
	}
	if !w.wp.Runs {
		sp.Reason = "the workflow does not run"
		return sp, "", nil
	}
	reasons := []string{}
	if step.Conditions != nil {
		holds, why := step.Conditions.evaluate(w.scope, w.sensitive, w.now)
		if !holds {
			sp.Reason = "step conditions: " + why
			return sp, "", nil
		}
		reasons = append(reasons, "step conditions: "+why)
	}
	if c := step.Channel; c != nil {
		if optOut := w.prefs.optOut(w.wf, c.Type); optOut != "" {
			sp.Reason = strings.Join(append(reasons, optOut), "; ")
			return sp, "", nil
		}
	}
	sp.Runs = true
	reasons = append(reasons, step.whatRuns())
	if b := step.Branch; b != nil {
		sp.Branch, takenField, taken = DefaultBranch, at+".branch.default_steps", b.DefaultSteps
		var tried []string
		for j, br := range b.Branches {
			holds, why := br.Conditions.evaluate(w.scope, w.sensitive, w.now)
			if holds {
				sp.Branch, takenField, taken = br.Name, fmt.Sprintf("%s.branch.branches[%d].steps", at, j), br.Steps
				reasons = append(reasons, fmt.Sprintf("takes branch %q: %s", br.Name, why))
				break
			}
			tried = append(tried, fmt.Sprintf("branch %q: %s", br.Name, why))
		}
		if len(tried) == len(b.Branches) {
			reasons = append(reasons, "takes the default steps, as no branch's conditions hold: "+strings.Join(tried, "; "))
		}
	}
	if c := step.Channel; c != nil && len(c.SendWindows) > 0 {
		if why := w.sendWindow(c, &sp); why != "" {
			reasons = append(reasons, why)
		}
	}
	sp.Reason = strings.Join(reasons, "; ")
	return sp, takenField, taken
}

// The kinds of step, as a preview names them.
const (
	StepChannel  = "channel"
	StepDelay    = "delay"
	StepBatch    = "batch"
	StepThrottle = "throttle"
	StepFetch    = "fetch"
	StepBranch   = "branch"
	StepTrigger  = "trigger_workflow"
)

// StepKinds lists every kind of step.
var StepKinds = []string{StepChannel, StepDelay, StepBatch, StepThrottle, StepFetch, StepBranch, StepTrigger}

func (s Step) kind() string {
	switch {
	case s.Channel != nil:
		return StepChannel
	case s.Delay != nil:
		return StepDelay
	case s.Batch != nil:
		return StepBatch
	case s.Throttle != nil:
		return StepThrottle
	case s.Branch != nil:
		return StepBranch
	case s.TriggerWorkflow != nil:
		return StepTrigger
	}
	return StepFetch
}

// whatRuns says what running the step means in a preview, where nothing
// waits, collects or calls out.
func (s Step) whatRuns() string {
	switch {
	case s.Channel != nil && s.Channel.ChannelGroupKey != "":
		return fmt.Sprintf("sends its %s message through channel group %q (not sent by a preview)", s.Channel.Type, s.Channel.ChannelGroupKey)
	case s.Channel != nil:
		return fmt.Sprintf("sends its %s message through channel %q (not sent by a preview)", s.Channel.Type, s.Channel.Key)
	case s.Branch != nil:
		return fmt.Sprintf("chooses among %d branches", len(s.Branch.Branches))
	case s.TriggerWorkflow != nil:
		return fmt.Sprintf("triggers workflow %q with the run's data (not triggered by a preview)", s.TriggerWorkflow.WorkflowKey)
	case s.Delay != nil && s.Delay.Duration != "":
		return fmt.Sprintf("waits %s (a preview does not wait)", s.Delay.Duration)
	case s.Delay != nil:
		return fmt.Sprintf("waits until %s (a preview does not wait)", s.Delay.UntilFieldPath)
	case s.Batch != nil:
		return fmt.Sprintf("collects triggers for %s (a preview previews one)", s.Batch.Window)
	case s.Throttle != nil:
		return fmt.Sprintf("lets %d runs through per %s (a preview has no earlier runs)", s.Throttle.Limit, s.Throttle.Window)
	}
	return fmt.Sprintf("fetches %s %s (not called by a preview)", s.Fetch.Method, s.Fetch.URL)
}

// preferences is the preference set that applies, remembering which
// values the recipient set, so a reason can say whose choice stopped a
// message.
type preferences struct {
	set       PreferenceSet
	recipient PreferenceSet
}

// recipientPreferences reads the recipient's own preferences, a
// PreferenceSet under "preferences"; nil when it sets none.
func recipientPreferences(recipient map[string]any) (*PreferenceSet, error) {
	raw, ok := recipient["preferences"]
	if !ok || raw == nil {
		return nil, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var ps PreferenceSet
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("must be an object of channel_types, categories and workflows, each a map of booleans (%v)", err)
	}
	return &ps, nil
}

func mergePreferences(defaults, own *PreferenceSet) preferences {
	var p preferences
	layer := func(dst *map[string]bool, src map[string]bool) {
		for k, v := range src {
			if *dst == nil {
				*dst = map[string]bool{}
			}
			(*dst)[k] = v
		}
	}
	for _, ps := range []*PreferenceSet{defaults, own} {
		if ps != nil {
			layer(&p.set.ChannelTypes, ps.ChannelTypes)
			layer(&p.set.Categories, ps.Categories)
			layer(&p.set.Workflows, ps.Workflows)
		}
	}
	if own != nil {
		p.recipient = *own
	}
	return p
}

// optOut says why the preferences stop a channel step's message, or "".
func (p preferences) optOut(wf *Workflow, channelType string) string {
	whose := func(m map[string]bool, key string) string {
		if _, ok := m[key]; ok {
			return "the recipient's preference"
		}
		return "the tenant's default"
	}
	if on, set := p.set.Workflows[wf.Key]; set && !on {
		return fmt.Sprintf("opted out of workflow %q (%s)", wf.Key, whose(p.recipient.Workflows, wf.Key))
	}
	for _, c := range wf.Categories {
		if on, set := p.set.Categories[c]; set && !on {
			return fmt.Sprintf("opted out of category %q (%s)", c, whose(p.recipient.Categories, c))
		}
	}
	if on, set := p.set.ChannelTypes[channelType]; set && !on {
		return fmt.Sprintf("opted out of %s messages (%s)", channelType, whose(p.recipient.ChannelTypes, channelType))
	}
	return ""
}
