package domain

import (
	"strings"
	"testing"
)

func validWorkflow() *Workflow {
	return &Workflow{
		Key:               "new-comment",
		Name:              "New comment",
		Categories:        []string{"collaboration", "comments"},
		TriggerDataSchema: JSONObject(`{"type":"object","required":["comment_id"]}`),
		Conditions:        &Conditions{Rules: []Condition{{Variable: "recipient.plan", Operator: "not_equal_to", Argument: "free"}}},
		Steps: []Step{
			{Ref: "wait", Delay: &DelayStep{Duration: "5m"}},
			{Ref: "digest", Batch: &BatchStep{Window: "1h", Key: "data.thread_id", MaxItems: 50}},
			{Ref: "cap", Throttle: &ThrottleStep{Limit: 3, Window: "1d"}},
			{Ref: "load", Fetch: &FetchStep{Method: "GET", URL: "https://api.example.com/threads", Headers: map[string]string{"Accept": "application/json"}}},
			{Ref: "email", Channel: &ChannelStep{Type: "email", Key: "postmark", Subject: "New comment", Body: "{{ data.body }}"},
				Conditions: &Conditions{Match: "any", Rules: []Condition{{Variable: "data.mentions", Operator: "not_empty"}}}},
		},
	}
}

func TestWorkflowValidate(t *testing.T) {
	if p := validWorkflow().Validate(); len(p) > 0 {
		t.Fatalf("a valid workflow has problems: %v", p)
	}
	cases := map[string]struct {
		mutate func(*Workflow)
		field  string
	}{
		"short key":            {func(w *Workflow) { w.Key = "ab" }, "key"},
		"upper key":            {func(w *Workflow) { w.Key = "New" }, "key"},
		"long description":     {func(w *Workflow) { w.Description = strings.Repeat("x", 281) }, "description"},
		"frequency":            {func(w *Workflow) { w.TriggerFrequency = "hourly" }, "trigger_frequency"},
		"schema not an object": {func(w *Workflow) { w.TriggerDataSchema = JSONObject(`[1]`) }, "trigger_data_schema"},
		"duplicate category":   {func(w *Workflow) { w.Categories = []string{"a", "a"} }, "categories"},
		"duplicate ref":        {func(w *Workflow) { w.Steps[1].Ref = "wait" }, "steps[1].ref"},
		"two kinds":            {func(w *Workflow) { w.Steps[0].Batch = &BatchStep{Window: "1m"} }, "steps[0]"},
		"no kind":              {func(w *Workflow) { w.Steps[0].Delay = nil }, "steps[0]"},
		"channel type":         {func(w *Workflow) { w.Steps[4].Channel.Type = "pigeon" }, "steps[4].channel.type"},
		"email subject":        {func(w *Workflow) { w.Steps[4].Channel.Subject = "" }, "steps[4].channel.subject"},
		"sms subject":          {func(w *Workflow) { w.Steps[4].Channel.Type = "sms" }, "steps[4].channel.subject"},
		"delay both":           {func(w *Workflow) { w.Steps[0].Delay.UntilFieldPath = "data.at" }, "steps[0].delay"},
		"bad duration":         {func(w *Workflow) { w.Steps[0].Delay.Duration = "5 minutes" }, "steps[0].delay.duration"},
		"too long":             {func(w *Workflow) { w.Steps[0].Delay.Duration = "400d" }, "steps[0].delay.duration"},
		"throttle limit":       {func(w *Workflow) { w.Steps[2].Throttle.Limit = 0 }, "steps[2].throttle.limit"},
		"fetch url":            {func(w *Workflow) { w.Steps[3].Fetch.URL = "ftp://x" }, "steps[3].fetch.url"},
		"fetch body on GET":    {func(w *Workflow) { w.Steps[3].Fetch.Body = "{}" }, "steps[3].fetch.body"},
		"condition operator":   {func(w *Workflow) { w.Conditions.Rules[0].Operator = "like" }, "conditions.rules[0].operator"},
		"missing argument":     {func(w *Workflow) { w.Conditions.Rules[0].Argument = "" }, "conditions.rules[0].argument"},
		"step condition path":  {func(w *Workflow) { w.Steps[4].Conditions.Rules[0].Variable = "not a path" }, "steps[4].conditions.rules[0].variable"},
		"no rules":             {func(w *Workflow) { w.Conditions.Rules = nil }, "conditions.rules"},
	}
	for name, c := range cases {
		w := validWorkflow()
		c.mutate(w)
		found := false
		for _, p := range w.Validate() {
			if p.Field == c.field {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no problem at %s: %v", name, c.field, w.Validate())
		}
	}
}

func TestWorkflowSHA(t *testing.T) {
	a, b := validWorkflow(), validWorkflow()
	if ContentSHA(a) != ContentSHA(b) {
		t.Fatal("equal workflows hash differently")
	}
	// Key, active and metadata are not content.
	b.Key = "other-key"
	off := false
	b.Active = &off
	b.Version, b.SHA, b.OriginEnvironment = 7, "x", "production"
	if ContentSHA(a) != ContentSHA(b) {
		t.Error("key, active or metadata changed the sha")
	}
	// Formatting, key order, category order and explicit defaults are not content.
	b.TriggerDataSchema = JSONObject(`{ "required": ["comment_id"], "type": "object" }`)
	b.Categories = []string{"comments", "collaboration"}
	b.TriggerFrequency = "every_trigger"
	b.Conditions.Match = "all"
	if ContentSHA(a) != ContentSHA(b) {
		t.Error("canonically equal content hashes differently")
	}
	// Any real change is.
	for name, mutate := range map[string]func(*Workflow){
		"name":      func(w *Workflow) { w.Name = "Renamed" },
		"step body": func(w *Workflow) { w.Steps[4].Channel.Body = "changed" },
		"order":     func(w *Workflow) { w.Steps[0], w.Steps[1] = w.Steps[1], w.Steps[0] },
		"schema":    func(w *Workflow) { w.TriggerDataSchema = JSONObject(`{"type":"object"}`) },
		"frequency": func(w *Workflow) { w.TriggerFrequency = "once_per_recipient" },
	} {
		c := validWorkflow()
		mutate(c)
		if ContentSHA(c) == ContentSHA(a) {
			t.Errorf("changing %s kept the sha", name)
		}
	}
}

// Stored workflows keep the sha they were written with: the hash of equal
// content never changes between releases, or every environment would
// disagree with the one below after an upgrade.
func TestWorkflowSHAIsStableAcrossReleases(t *testing.T) {
	for want, w := range map[string]*Workflow{
		"06c9c186cd8c863b9563a2356deeba1aa1534aab980494ec3f439e5a2007bb39": validWorkflow(),
		"45840ad9362dd5d214b64ac1bb7300726dcb494f3072e37939bebc3607291743": {Key: "abc", Name: "x"},
	} {
		if got := ContentSHA(w); got != want {
			t.Errorf("workflow %q: sha %s, want %s", w.Key, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for s, want := range map[string]string{"30s": "30s", "1h30m": "1h30m0s", "2d": "48h0m0s", "1w": "168h0m0s"} {
		d, err := ParseDuration(s)
		if err != nil || d.String() != want {
			t.Errorf("%s: %v %v", s, d, err)
		}
	}
	for _, s := range []string{"", "0s", "5", "1.5h", "-1m", "366d", "99999999999999999999s"} {
		if _, err := ParseDuration(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}
