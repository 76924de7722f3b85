package domain

import (
	"bytes"
	"encoding/json"
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
	ConditionOperators = []string{"equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to", "less_than", "less_than_or_equal_to", "contains", "not_contains", "empty", "not_empty"}
	ConditionMatches   = []string{DefaultConditionMatch, "any"}
	FetchMethods       = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
)

var channelTypeList = strings.Join(ChannelTypes, ", ")

func validChannelType(t string) bool { return slices.Contains(ChannelTypes, t) }

var (
	workflowKeyPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
	fieldPathPattern   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$`)
	durationPattern    = regexp.MustCompile(`^(\d+[smhdw])+$`)
	durationPart       = regexp.MustCompile(`(\d+)([smhdw])`)
)

// WorkflowKeyRule describes a workflow key, for documentation.
const WorkflowKeyRule = "3–255 characters of lowercase letters, digits, _ and -"

// CheckWorkflowKey returns a message when k is not a valid workflow key.
func CheckWorkflowKey(k string) string {
	if len(k) < 3 || len(k) > 255 || !workflowKeyPattern.MatchString(k) {
		return "must be " + WorkflowKeyRule
	}
	return ""
}

// DurationRule describes workflow durations, for documentation.
const DurationRule = "a duration such as 30s, 10m, 1h30m, 2d or 1w (at most 365 days)"

// ParseDuration parses a workflow duration: numbers with units s, m, h,
// d (24h) and w (7d), such as 1h30m.
func ParseDuration(s string) (time.Duration, error) {
	if !durationPattern.MatchString(s) {
		return 0, fmt.Errorf("must be %s", DurationRule)
	}
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}
	var total time.Duration
	for _, m := range durationPart.FindAllStringSubmatch(s, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > int64(MaxDelay/unit[m[2]]) {
			return 0, fmt.Errorf("must be %s", DurationRule)
		}
		total += time.Duration(n) * unit[m[2]]
	}
	if total <= 0 || total > MaxDelay {
		return 0, fmt.Errorf("must be %s", DurationRule)
	}
	return total, nil
}

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

// Conditions gate a workflow or a step.
type Conditions struct {
	Match string      `json:"match,omitempty" values:"condition_matches" doc:"all: every rule must hold; any: one is enough. Default all."`
	Rules []Condition `json:"rules" minItems:"1" nullable:"false" doc:"At least one rule."`
}

// Condition compares a variable of the trigger's scope with an argument.
type Condition struct {
	Variable string `json:"variable" doc:"Path of the value to test, such as data.amount, recipient.plan or tenant.tier." example:"recipient.plan"`
	Operator string `json:"operator" values:"condition_operators"`
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
}

// ChannelStep sends a message.
type ChannelStep struct {
	Type            string `json:"type" values:"channel_types" doc:"Channel type."`
	Key             string `json:"key,omitempty" doc:"Key of the configured channel to send through; exactly one of key and channel_group_key is set." example:"postmark"`
	Subject         string `json:"subject,omitempty" doc:"Subject template: required for email; allowed for push and in_app_feed."`
	Body            string `json:"body" doc:"Body template."`
	ActionURL       string `json:"action_url,omitempty" doc:"URL opened when the message is acted on (push, chat, in_app_feed)."`
	LayoutKey       string `json:"layout_key,omitempty" doc:"Key of the email layout the body is sent inside (email only); the layout must exist where the workflow is written."`
	ChannelGroupKey string `json:"channel_group_key,omitempty" doc:"Key of the channel group of the step's type to send through, instead of one channel (key); the group must exist where the workflow is written."`
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

// References are the channels the workflow sends through.
func (w *Workflow) References() []Ref {
	refs := append(ChannelRefs(w.ChannelUses()), ChannelGroupRefs(w.ChannelGroupUses())...)
	templates := map[string]string{}
	for i, s := range w.Steps {
		if c := s.Channel; c != nil {
			at := fmt.Sprintf("steps[%d].channel", i)
			if c.LayoutKey != "" {
				refs = append(refs, Ref{Kind: KindEmailLayout, Key: c.LayoutKey, Field: at + ".layout_key"})
			}
			templates[at+".subject"], templates[at+".body"] = c.Subject, c.Body
		}
	}
	return append(refs, partialRefs(templates)...)
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
	if len(w.Steps) > MaxSteps {
		p.Add("steps", "must have at most %d steps", MaxSteps)
	}
	refs := map[string]int{}
	for i, s := range w.Steps {
		at := fmt.Sprintf("steps[%d]", i)
		p.Merge(at, s.validate())
		if j, dup := refs[s.Ref]; dup && s.Ref != "" {
			p.Add(at+".ref", "%q is already the ref of steps[%d]; refs must be unique", s.Ref, j)
		} else {
			refs[s.Ref] = i
		}
	}
	return p
}

func (c *Conditions) validate() Problems {
	var p Problems
	if c.Match != "" && !slices.Contains(ConditionMatches, c.Match) {
		p.Add("match", "must be all or any")
	}
	if len(c.Rules) == 0 {
		p.Add("rules", "must have at least one rule")
	}
	for i, r := range c.Rules {
		at := fmt.Sprintf("rules[%d]", i)
		checkFieldPath(&p, at+".variable", r.Variable, true)
		switch {
		case !slices.Contains(ConditionOperators, r.Operator):
			p.Add(at+".operator", "must be one of %s", strings.Join(ConditionOperators, ", "))
		case (r.Operator == "empty" || r.Operator == "not_empty") && r.Argument != "":
			p.Add(at+".argument", "must be absent for operator %s", r.Operator)
		case r.Operator != "empty" && r.Operator != "not_empty" && r.Argument == "":
			p.Add(at+".argument", "is required for operator %s", r.Operator)
		}
	}
	return p
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

func (s *Step) validate() Problems {
	var p Problems
	if len(s.Ref) == 0 || len(s.Ref) > 255 || !workflowKeyPattern.MatchString(s.Ref) {
		p.Add("ref", "must be 1–255 characters of lowercase letters, digits, _ and -")
	}
	if s.Conditions != nil {
		p.Merge("conditions", s.Conditions.validate())
	}
	var kinds []string
	for kind, set := range map[string]bool{"channel": s.Channel != nil, "delay": s.Delay != nil, "batch": s.Batch != nil, "throttle": s.Throttle != nil, "fetch": s.Fetch != nil} {
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
		p.Add("", "must set exactly one of channel, delay, batch, throttle or fetch (set: %s)", set)
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
		Steps:             make([]Step, len(w.Steps)),
	}
	if c.Categories == nil {
		c.Categories = []string{}
	}
	if c.TriggerFrequency == "" {
		c.TriggerFrequency = DefaultTriggerFrequency
	}
	for i, s := range w.Steps {
		s.Conditions = normalizeConditions(s.Conditions)
		c.Steps[i] = s
	}
	return c
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
