package backend_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The export, the access impact and the pending promotion answer from
// copies of an environment kept between requests: each answer still
// holds every write committed before it was asked for, whether this
// process made it or another replica did, and each one read is read
// again.
func TestConfigAnswersFollowEveryWrite(t *testing.T) {
	a := newAPI(t)
	b := a.replica()
	a.channels("development", "production")
	export := func() (string, string) {
		r := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200)
		return r.header.Get("ETag"), string(r.body)
	}
	impactVersion := func() string {
		doc := `{"format_version":2,"source_environment":"elsewhere","permissions":[],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"partials":[],"email_layouts":[],"translations":[],"workflows":[],"guides":[]}`
		r := a.expect(a.do(a.owner, "POST", "/v1/environments/development/access/impact", `{"document":`+doc+`}`), 200)
		return `"` + r.json()["config_version"].(string) + `"`
	}
	pending := func() []string {
		var page domain.PendingPromotions
		if err := json.Unmarshal(a.expect(a.do(a.owner, "GET", "/v1/environments/production/pending-promotion", ""), 200).body, &page); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, it := range page.Items {
			keys = append(keys, it.Kind+"/"+it.Key+" "+it.Change)
		}
		return keys
	}

	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/docs.read", `{"name":"Read"}`), 201)
	before, body := export()
	if again, _ := export(); again != before || !strings.Contains(body, "docs.read") {
		t.Fatalf("two exports of one configuration: %s and %s\n%s", before, again, body)
	}
	if v := impactVersion(); v != before {
		t.Errorf("access impact reviewed %s, the export is at %s", v, before)
	}
	if got := pending(); len(got) != 0 {
		t.Errorf("pending before any workflow: %v", got)
	}

	// Another replica writes: this one's next answers hold the write.
	b.expect(b.do(b.owner, "PUT", "/v1/environments/development/permissions/docs.write", `{"name":"Write"}`), 201)
	after, body := export()
	if after == before || !strings.Contains(body, "docs.write") {
		t.Errorf("export after another replica's write: %s (was %s)\n%s", after, before, body)
	}
	if v := impactVersion(); v != after {
		t.Errorf("access impact after the write reviewed %s, the export is at %s", v, after)
	}
	b.expect(b.do(b.owner, "PUT", "/v1/environments/development/workflows/welcome", versionedBodies[domain.KindWorkflow.Name]("v1")), 201)
	if got := pending(); len(got) != 1 || got[0] != "workflow/welcome new" {
		t.Errorf("pending after another replica wrote a workflow: %v", got)
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/welcome", versionedBodies[domain.KindWorkflow.Name]("v2")), 200)
	a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"development"}`), 200)
	if got := pending(); len(got) != 0 {
		t.Errorf("pending after the promotion: %v", got)
	}
	if _, body := export(); !strings.Contains(body, `"welcome"`) {
		t.Errorf("export after a workflow was written: %s", body)
	}
}
