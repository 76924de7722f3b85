package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// KindWorkflow is the kind of workflows, versioned.
var KindWorkflow = Kind{Name: "workflow", Noun: "workflow", Collection: "workflows"}

// Workflow limits and vocabularies, shared by the backend and the
// provider's plan-time validation.
const (
	MaxWorkflowDescription = 280
	MaxSteps               = 100
	MaxTemplateLength      = 100_000
	MaxDelay               = 365 * 24 * time.Hour
)

// The defaults of a workflow's optional fields, in one place: the backend
// stores them explicitly, the sha covers them, and the provider's schema
// defaults to them.
const (
	DefaultTriggerFrequency = "every_trigger"
	DefaultConditionMatch   = "all"
)

var (
	ChannelTypes       = []string{"email", "sms", "push", "chat", "in_app_feed", "http"}
	TriggerFrequencies = []string{DefaultTriggerFrequency, "once_per_recipient", "once_per_recipient_per_tenant"}
	ConditionOperators = []string{"equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to", "less_than", "less_than_or_equal_to", "contains", "not_contains", "empty", "not_empty",
		"between", "before", "after", "in", "not_in"}
	ConditionMatches = []string{DefaultConditionMatch, "any"}
	FetchMethods     = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
)

var channelTypeList = strings.Join(ChannelTypes, ", ")

func validChannelType(t string) bool { return slices.Contains(ChannelTypes, t) }

var fieldPathPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$`)

// keyChars reports whether s is one or more lowercase letters, digits, _
// and - (what a workflow key and a step ref are made of). Keys are checked
// for every object of a document of thousands: a loop, not a regexp.
func keyChars(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return false
		}
	}
	return s != ""
}

// WorkflowKeyRule describes a workflow key, for documentation.
const WorkflowKeyRule = "3–255 characters of lowercase letters, digits, _ and -"

// CheckWorkflowKey returns a message when k is not a valid workflow key.
func CheckWorkflowKey(k string) string {
	if len(k) < 3 || len(k) > 255 || !keyChars(k) {
		return "must be " + WorkflowKeyRule
	}
	return ""
}

// DurationRule describes workflow durations, for documentation.
const DurationRule = "a duration such as 30s, 10m, 1h30m, 2d or 1w (at most 365 days)"

// ParseDuration parses a workflow duration: numbers with units s, m, h,
// d (24h) and w (7d), such as 1h30m.
func ParseDuration(s string) (time.Duration, error) {
	var total time.Duration
	for rest := s; rest != ""; {
		digits := 0
		for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
			digits++
		}
		if digits == 0 || digits == len(rest) {
			return 0, errDuration
		}
		var unit time.Duration
		switch rest[digits] {
		case 's':
			unit = time.Second
		case 'm':
			unit = time.Minute
		case 'h':
			unit = time.Hour
		case 'd':
			unit = 24 * time.Hour
		case 'w':
			unit = 7 * 24 * time.Hour
		default:
			return 0, errDuration
		}
		n, err := strconv.ParseInt(rest[:digits], 10, 64)
		if err != nil || n > int64(MaxDelay/unit) {
			return 0, errDuration
		}
		if total += time.Duration(n) * unit; total > MaxDelay {
			return 0, errDuration
		}
		rest = rest[digits+1:]
	}
	if total <= 0 {
		return 0, errDuration
	}
	return total, nil
}

// errDuration is ParseDuration's error.
var errDuration = errors.New("must be " + DurationRule)

// Workflow is a notification journey: ordered steps run when it is
// triggered. Its content (everything but active) is versioned by its sha.
type Workflow struct {
	Key               string      `json:"key" doc:"Identifier: 3–255 lowercase letters, digits, _ and -; taken from the path on writes, so a body may leave it out or repeat it."`
	Name              string      `json:"name" doc:"Display name."`
	Description       string      `json:"description,omitempty" doc:"At most 280 characters."`
	Categories        []string    `json:"categories,omitempty" doc:"Categories recipients can set preferences for."`
	TriggerFrequency  string      `json:"trigger_frequency,omitempty" values:"trigger_frequencies" doc:"How often one recipient is notified. Default every_trigger."`
	TriggerDataSchema JSONObject  `json:"trigger_data_schema,omitempty" doc:"JSON schema of the data a trigger carries."`
	Conditions        *Conditions `json:"conditions,omitempty" doc:"Conditions under which a trigger runs the workflow."`
	Steps             []Step      `json:"steps,omitempty" doc:"Ordered steps."`
	Activation
	VersionState
	Meta
}

// Conditions gate a workflow, a step, a branch, a guide's audience or a
// channel group's rule. As in the product they come from, they are an
// `all` of rules, or an `any` of rules and groups, a group holding when
// all of its rules hold. Groups are an addition: conditions without them
// encode as they always have, so no existing sha moves.
type Conditions struct {
	Match  string           `json:"match,omitempty" values:"condition_matches" doc:"all: every rule must hold; any: one rule or one group is enough. Default all."`
	Rules  []Condition      `json:"rules,omitempty" doc:"The rules. Conditions hold at least one rule or one group."`
	Groups []ConditionGroup `json:"groups,omitempty" doc:"With match any only: groups that each hold when all of their rules hold, so any of (a and b) or c can be said."`
}

// ConditionGroup holds when all of its rules hold.
type ConditionGroup struct {
	Rules []Condition `json:"rules" minItems:"1" nullable:"false" doc:"At least one rule; all must hold."`
}

// Condition compares a variable of the trigger's scope with an argument.
type Condition struct {
	Variable string `json:"variable" doc:"Path of the value to test, such as data.amount, recipient.plan or tenant.tier." example:"recipient.plan"`
	Operator string `json:"operator" values:"condition_operators" doc:"equal_to, not_equal_to, greater_than(_or_equal_to), less_than(_or_equal_to) compare numbers or RFC 3339 timestamps; contains and not_contains test text or a list; empty and not_empty take no argument; between takes low,high (both ends included); before and after compare timestamps with an RFC 3339 timestamp or now; in and not_in take a comma-separated list."`
	Argument string `json:"argument,omitempty" doc:"Value to compare with; absent for empty and not_empty."`
}

// Step is one step of a workflow: exactly one of its kinds is set.
type Step struct {
	Ref        string        `json:"ref" doc:"Identifier of the step, unique within the workflow."`
	Conditions *Conditions   `json:"conditions,omitempty" doc:"The step runs only when these hold."`
	Channel    *ChannelStep  `json:"channel,omitempty" doc:"Send a message on a channel."`
	Delay      *DelayStep    `json:"delay,omitempty" doc:"Wait."`
	Batch      *BatchStep    `json:"batch,omitempty" doc:"Collect triggers over a window into one run."`
	Throttle   *ThrottleStep `json:"throttle,omitempty" doc:"Cap runs per recipient over a window."`
	Fetch      *FetchStep    `json:"fetch,omitempty" doc:"Fetch data over HTTP into the run's scope."`
	// Branch and TriggerWorkflow come after the kinds that predate them,
	// so that a step without them encodes as it always has.
	Branch          *BranchStep          `json:"branch,omitempty" doc:"Run the steps of the first branch whose conditions hold, or the default steps. Branches nest: steps are at most three levels deep."`
	TriggerWorkflow *TriggerWorkflowStep `json:"trigger_workflow,omitempty" doc:"Trigger another workflow for the same recipient with the run's data."`
}

// ChannelStep sends a message.
type ChannelStep struct {
	Type            string       `json:"type" values:"channel_types" doc:"Channel type."`
	Key             string       `json:"key,omitempty" doc:"Key of the configured channel to send through; exactly one of key and channel_group_key is set." example:"postmark"`
	Subject         string       `json:"subject,omitempty" doc:"Subject template: required for email; allowed for push and in_app_feed."`
	Body            string       `json:"body" doc:"Body template."`
	ActionURL       string       `json:"action_url,omitempty" doc:"URL opened when the message is acted on (push, chat, in_app_feed)."`
	LayoutKey       string       `json:"layout_key,omitempty" doc:"Key of the email layout the body is sent inside (email only); the layout must exist where the workflow is written."`
	ChannelGroupKey string       `json:"channel_group_key,omitempty" doc:"Key of the channel group of the step's type to send through, instead of one channel (key); the group must exist where the workflow is written."`
	SendWindows     []SendWindow `json:"send_windows,omitempty" doc:"When the message may be sent, per weekday: with send windows it is sent only inside one; inside a do_not_send window it is never sent; a message outside waits for the next moment allowed."`
	SendTimeZone    string       `json:"send_time_zone,omitempty" doc:"IANA time zone the send windows are read in, such as Europe/Paris; absent: the recipient's (recipient.timezone), UTC when it has none."`
}

// DelayStep waits for a duration or until a time found in the trigger data.
type DelayStep struct {
	Duration       string `json:"duration,omitempty" doc:"How long to wait, such as 10m or 1d."`
	UntilFieldPath string `json:"until_field_path,omitempty" doc:"Path of a timestamp in the run's scope to wait for, such as data.send_at."`
}

// BatchStep collects triggers.
type BatchStep struct {
	Window   string `json:"window" doc:"How long to collect, such as 5m."`
	Key      string `json:"key,omitempty" doc:"Path of the value that separates batches, such as data.project_id."`
	MaxItems int    `json:"max_items,omitempty" minimum:"0" maximum:"1000" doc:"Close the batch early after this many triggers (1–1000)."`
}

// ThrottleStep caps runs.
type ThrottleStep struct {
	Limit  int    `json:"limit" doc:"Runs allowed per window (at least 1)."`
	Window string `json:"window" doc:"Window length, such as 1h."`
	Key    string `json:"key,omitempty" doc:"Path of the value that separates throttles, such as data.project_id."`
}

// FetchStep calls an HTTP endpoint and adds its answer to the run's scope.
type FetchStep struct {
	Method  string            `json:"method" values:"fetch_methods"`
	URL     string            `json:"url" doc:"Absolute http(s) URL."`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty" doc:"Request body template (POST, PUT, PATCH)."`
}

func (w *Workflow) ObjectKey() string     { return w.Key }
func (w *Workflow) SetObjectKey(k string) { w.Key = k }

// References are what the workflow uses: the channels and channel groups
// it sends through, the layouts and partials its messages render, the
// workflows it triggers; at every level of its steps.
func (w *Workflow) References() []Ref {
	refs := append(ChannelRefs(w.ChannelUses()), ChannelGroupRefs(w.ChannelGroupUses())...)
	w.EachStep(func(step string, s *Step) {
		if c := s.Channel; c != nil && c.LayoutKey != "" {
			refs = append(refs, Ref{Kind: KindEmailLayout, Key: c.LayoutKey, Field: step + ".channel.layout_key"})
		}
		if t := s.TriggerWorkflow; t != nil && !slices.ContainsFunc(refs, func(r Ref) bool { return r.Kind == KindWorkflow && r.Key == t.WorkflowKey }) {
			refs = append(refs, Ref{Kind: KindWorkflow, Key: t.WorkflowKey, Field: step + ".trigger_workflow.workflow_key"})
		}
	})
	return append(refs, partialRefs(w.Templates())...)
}

// Templates are the templates of the workflow's steps, at every level:
// each channel step's subject, body and action URL (a preview renders
// the three), and each fetch step's body.
func (w *Workflow) Templates() map[string]string {
	templates := map[string]string{}
	w.EachStep(func(step string, s *Step) {
		if c := s.Channel; c != nil {
			at := step + ".channel."
			templates[at+"subject"], templates[at+"body"], templates[at+"action_url"] = c.Subject, c.Body, c.ActionURL
		}
		if f := s.Fetch; f != nil {
			templates[step+".fetch.body"] = f.Body
		}
	})
	return templates
}

// ApplyDefaults sets the optional fields a writer left out to their
// defaults, so that every reader sees the same stored object.
func (w *Workflow) ApplyDefaults() {
	w.SetActiveDefault()
	if w.TriggerFrequency == "" {
		w.TriggerFrequency = DefaultTriggerFrequency
	}
}

// Validate checks the workflow, reporting every problem with its field.
func (w *Workflow) Validate() Problems {
	var p Problems
	if msg := CheckWorkflowKey(w.Key); msg != "" {
		p.Add("key", "%s", msg)
	}
	checkText(&p, "name", w.Name, MaxNameLength, true)
	checkText(&p, "description", w.Description, MaxWorkflowDescription, false)
	// Categories are a set: a bad member is named by its value.
	seen := map[string]bool{}
	for _, c := range w.Categories {
		if msg := CheckKey(c); msg != "" {
			p.Add("categories", "%q %s", c, msg)
		}
		if seen[c] {
			p.Add("categories", "%q is listed twice", c)
		}
		seen[c] = true
	}
	if w.TriggerFrequency != "" && !slices.Contains(TriggerFrequencies, w.TriggerFrequency) {
		p.Add("trigger_frequency", "must be one of %s", strings.Join(TriggerFrequencies, ", "))
	}
	if len(w.TriggerDataSchema) > 0 && !w.TriggerDataSchema.isObject() {
		p.Add("trigger_data_schema", "must be a JSON object (a JSON schema)")
	}
	if w.Conditions != nil {
		p.Merge("conditions", w.Conditions.validate())
	}
	p.Merge("", validateSteps("steps", w.Steps, 1))
	// Refs are unique in the whole workflow, at every level: a preview
	// and a run name a step by its ref alone.
	refs := map[string]string{}
	count := 0
	w.EachStep(func(at string, s *Step) {
		count++
		if first, dup := refs[s.Ref]; dup && s.Ref != "" {
			p.Add(at+".ref", "%q is already the ref of %s; refs must be unique in the workflow", s.Ref, first)
		} else {
			refs[s.Ref] = at
		}
		if t := s.TriggerWorkflow; t != nil && t.WorkflowKey == w.Key && w.Key != "" {
			p.Add(at+".trigger_workflow.workflow_key", "names this workflow: a workflow cannot trigger itself")
		}
	})
	if count > MaxSteps {
		p.Add("steps", "must have at most %d steps, counting the steps inside branches (has %d)", MaxSteps, count)
	}
	checkTemplates(&p, w.Templates())
	return p
}

func (c *Conditions) validate() Problems {
	var p Problems
	if c.Match != "" && !slices.Contains(ConditionMatches, c.Match) {
		p.Add("match", "must be all or any")
	}
	switch {
	case len(c.Rules) == 0 && len(c.Groups) == 0:
		p.Add("rules", "must have at least one rule (or, with match any, one group)")
	case len(c.Groups) > 0 && c.Match != "any":
		p.Add("groups", "are allowed with match any only: with all, every rule must hold, so list the groups' rules in rules")
	}
	validateRules(&p, "rules", c.Rules)
	for i, g := range c.Groups {
		at := fmt.Sprintf("groups[%d].rules", i)
		if len(g.Rules) == 0 {
			p.Add(at, "must have at least one rule")
		}
		validateRules(&p, at, g.Rules)
	}
	return p
}

func validateRules(p *Problems, field string, rules []Condition) {
	for i, r := range rules {
		at := fmt.Sprintf("%s[%d]", field, i)
		checkFieldPath(p, at+".variable", r.Variable, true)
		switch {
		case !slices.Contains(ConditionOperators, r.Operator):
			p.Add(at+".operator", "must be one of %s", strings.Join(ConditionOperators, ", "))
		case (r.Operator == "empty" || r.Operator == "not_empty") && r.Argument != "":
			p.Add(at+".argument", "must be absent for operator %s", r.Operator)
		case r.Operator != "empty" && r.Operator != "not_empty" && r.Argument == "":
			p.Add(at+".argument", "is required for operator %s", r.Operator)
		default:
			if msg := checkArgument(r.Operator, r.Argument); msg != "" {
				p.Add(at+".argument", "%s", msg)
			}
		}
	}
}

func checkFieldPath(p *Problems, field, v string, required bool) {
	switch {
	case v == "" && required:
		p.Add(field, "is required")
	case v != "" && (len(v) > 255 || !fieldPathPattern.MatchString(v)):
		p.Add(field, "must be a field path such as data.amount or recipient.plan")
	}
}

func checkDuration(p *Problems, field, v string) {
	if _, err := ParseDuration(v); err != nil {
		p.Add(field, "%s", err.Error())
	}
}

func checkTemplate(p *Problems, field, v string, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.Add(field, "must not be empty")
	case utf8.RuneCountInString(v) > MaxTemplateLength:
		p.Add(field, "must be at most %d characters", MaxTemplateLength)
	}
}

func (s *Step) validate(depth int) Problems {
	var p Problems
	if len(s.Ref) == 0 || len(s.Ref) > 255 || !keyChars(s.Ref) {
		p.Add("ref", "must be 1–255 characters of lowercase letters, digits, _ and -")
	}
	if s.Conditions != nil {
		p.Merge("conditions", s.Conditions.validate())
	}
	var kinds []string
	for kind, set := range map[string]bool{"channel": s.Channel != nil, "delay": s.Delay != nil, "batch": s.Batch != nil, "throttle": s.Throttle != nil, "fetch": s.Fetch != nil,
		"branch": s.Branch != nil, "trigger_workflow": s.TriggerWorkflow != nil} {
		if set {
			kinds = append(kinds, kind)
		}
	}
	slices.Sort(kinds)
	if len(kinds) != 1 {
		set := "none"
		if len(kinds) > 0 {
			set = strings.Join(kinds, ", ")
		}
		p.Add("", "must set exactly one of channel, delay, batch, throttle, fetch, branch or trigger_workflow (set: %s)", set)
	}
	if c := s.Channel; c != nil {
		if !validChannelType(c.Type) {
			p.Add("channel.type", "must be one of %s", channelTypeList)
		}
		switch {
		case c.Key != "" && c.ChannelGroupKey != "":
			p.Add("channel.channel_group_key", "must be absent when channel.key is set: a step sends through one channel or one channel group, never both")
		case c.ChannelGroupKey != "":
			checkKeyField(&p, "channel.channel_group_key", c.ChannelGroupKey)
		case c.Key == "":
			p.Add("channel", "must set key (a channel) or channel_group_key (a channel group)")
		default:
			checkKeyField(&p, "channel.key", c.Key)
		}
		checkTemplate(&p, "channel.body", c.Body, true)
		switch {
		case c.Type == "email" && c.Subject == "":
			p.Add("channel.subject", "is required for email")
		case c.Subject != "" && c.Type != "email" && c.Type != "push" && c.Type != "in_app_feed":
			p.Add("channel.subject", "is not used by %s messages", c.Type)
		}
		checkTemplate(&p, "channel.subject", c.Subject, false)
		switch {
		case c.LayoutKey == "":
		case c.Type != "email":
			p.Add("channel.layout_key", "is used by email messages only, not %s", c.Type)
		default:
			if msg := CheckWorkflowKey(c.LayoutKey); msg != "" {
				p.Add("channel.layout_key", "%s", msg)
			}
		}
		validateSendWindows(&p, c)
		if c.ActionURL != "" {
			if c.Type != "push" && c.Type != "chat" && c.Type != "in_app_feed" {
				p.Add("channel.action_url", "is not used by %s messages", c.Type)
			} else if msg := CheckHTTPURL(c.ActionURL); msg != "" {
				p.Add("channel.action_url", "%s", msg)
			}
		}
	}
	if d := s.Delay; d != nil {
		switch {
		case (d.Duration == "") == (d.UntilFieldPath == ""):
			p.Add("delay", "must set exactly one of duration or until_field_path")
		case d.Duration != "":
			checkDuration(&p, "delay.duration", d.Duration)
		default:
			checkFieldPath(&p, "delay.until_field_path", d.UntilFieldPath, true)
		}
	}
	if b := s.Batch; b != nil {
		checkDuration(&p, "batch.window", b.Window)
		checkFieldPath(&p, "batch.key", b.Key, false)
		if b.MaxItems < 0 || b.MaxItems > 1000 {
			p.Add("batch.max_items", "must be between 1 and 1000")
		}
	}
	if t := s.Throttle; t != nil {
		if t.Limit < 1 {
			p.Add("throttle.limit", "must be at least 1")
		}
		checkDuration(&p, "throttle.window", t.Window)
		checkFieldPath(&p, "throttle.key", t.Key, false)
	}
	if f := s.Fetch; f != nil {
		if !slices.Contains(FetchMethods, f.Method) {
			p.Add("fetch.method", "must be one of %s", strings.Join(FetchMethods, ", "))
		}
		if msg := CheckHTTPURL(f.URL); msg != "" {
			p.Add("fetch.url", "%s", msg)
		}
		for _, h := range sortedKeys(f.Headers) {
			if strings.TrimSpace(h) == "" || strings.ContainsAny(h, " :\r\n") {
				p.Add("fetch.headers", "%q is not a header name", h)
			}
		}
		if f.Body != "" && (f.Method == "GET" || f.Method == "DELETE") {
			p.Add("fetch.body", "is not sent with %s", f.Method)
		}
		checkTemplate(&p, "fetch.body", f.Body, false)
	}
	if b := s.Branch; b != nil {
		p.Merge("branch", b.validate(depth))
	}
	if t := s.TriggerWorkflow; t != nil {
		if msg := CheckWorkflowKey(t.WorkflowKey); msg != "" {
			p.Add("trigger_workflow.workflow_key", "%s", msg)
		}
	}
	return p
}

// workflowContent is what a workflow's sha covers: everything but its
// key, its per-environment active flag and its metadata.
type workflowContent struct {
	Name              string          `json:"name"`
	Description       string          `json:"description"`
	Categories        []string        `json:"categories"`
	TriggerFrequency  string          `json:"trigger_frequency"`
	TriggerDataSchema json.RawMessage `json:"trigger_data_schema"`
	Conditions        *Conditions     `json:"conditions"`
	Steps             []Step          `json:"steps"`
}

// VersionedContent is what a workflow's sha covers, canonically: defaults applied,
// categories sorted, JSON re-encoded with sorted keys.
func (w *Workflow) VersionedContent() any {
	c := workflowContent{
		Name:              w.Name,
		Description:       w.Description,
		Categories:        slices.Sorted(slices.Values(w.Categories)),
		TriggerFrequency:  w.TriggerFrequency,
		TriggerDataSchema: canonicalJSON(w.TriggerDataSchema),
		Conditions:        normalizeConditions(w.Conditions),
		Steps:             normalizeSteps(w.Steps),
	}
	if c.Categories == nil {
		c.Categories = []string{}
	}
	if c.TriggerFrequency == "" {
		c.TriggerFrequency = DefaultTriggerFrequency
	}
	return c
}

// normalizeSteps gives every conditions of the steps, at every level,
// their default match.
func normalizeSteps(steps []Step) []Step {
	out := make([]Step, len(steps))
	for i, s := range steps {
		s.Conditions = normalizeConditions(s.Conditions)
		if b := s.Branch; b != nil {
			nb := BranchStep{Branches: make([]Branch, len(b.Branches)), DefaultSteps: b.DefaultSteps}
			for j, br := range b.Branches {
				br.Conditions = normalizeConditions(br.Conditions)
				br.Steps = normalizeSteps(br.Steps)
				nb.Branches[j] = br
			}
			if len(b.DefaultSteps) > 0 {
				nb.DefaultSteps = normalizeSteps(b.DefaultSteps)
			}
			s.Branch = &nb
		}
		out[i] = s
	}
	return out
}

func normalizeConditions(c *Conditions) *Conditions {
	if c == nil {
		return nil
	}
	n := *c
	if n.Match == "" {
		n.Match = DefaultConditionMatch
	}
	return &n
}

// canonicalJSON re-encodes JSON with object keys sorted and no spaces,
// keeping numbers as written; null for empty input.
func canonicalJSON(raw []byte) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return json.RawMessage(raw)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(raw)
	}
	return b
}
