package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// PlanImport decides from the target's state alone: these cases give it
// that state directly, without a store.
func TestPlanImport(t *testing.T) {
	current := &ConfigDocument{
		Roles:          []Role{{Key: "editor"}, {Key: "viewer"}},
		HierarchyNodes: []HierarchyNode{{Key: "root"}, {Key: "team", ParentKey: "root"}},
		Workflows:      []Workflow{{Key: "local"}, {Key: "shared"}},
	}
	// Everything but the viewer role goes; the editor and the team node
	// share one assignment.
	doc := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development", Roles: []Role{{Key: "viewer"}}}
	assignments := map[Ref][]string{
		{Kind: KindRole, Key: "editor"}:        {"ada--editor--team"},
		{Kind: KindHierarchyNode, Key: "team"}: {"ada--editor--team"},
		{Kind: KindHierarchyNode, Key: "root"}: nil,
		{Kind: KindRole, Key: "viewer"}:        {"never-asked"},
	}
	target := ImportTarget{
		Environment: "staging",
		Current:     current,
		Assignments: func(r Ref) ([]string, error) { return assignments[r], nil },
		Promotion: func(kind Kind, key string) (Promotion, error) {
			origin := "development"
			if key == "local" {
				origin = "staging"
			}
			return Promotion{Kind: kind.Name, Key: key, Environment: "staging", Order: []string{"development", "staging", "production"},
				BelowEnvironment: "development", Current: &VersionHead{Environment: "staging", SHA: "s", OriginEnvironment: origin}, Origin: origin}, nil
		},
	}

	_, err := PlanImport(target, doc, false)
	var refused *Error
	if !errors.As(err, &refused) || refused.Code != CodeConflict || len(refused.Details) != 2 {
		t.Fatalf("without prune: want a conflict naming the role and the node, got %v", err)
	}
	if !strings.Contains(err.Error(), `role assignment "ada--editor--team"`) {
		t.Errorf("the refusal does not name the assignment: %v", err)
	}

	plan, err := PlanImport(target, doc, true)
	if err != nil {
		t.Fatalf("with prune: %v", err)
	}
	if want := []string{"ada--editor--team"}; !slices.Equal(plan.Prune, want) {
		t.Errorf("pruned %v, want the shared assignment once: %v", plan.Prune, want)
	}
	if want := []string{"team", "root"}; !slices.Equal(plan.Remove["hierarchy_nodes"], want) {
		t.Errorf("removes nodes %v, want children first: %v", plan.Remove["hierarchy_nodes"], want)
	}
	if want := []string{"local"}; !slices.Equal(plan.Kept["workflows"], want) {
		t.Errorf("kept %v, want the workflow born in the target: %v", plan.Kept["workflows"], want)
	}
	if want := []string{"shared"}; !slices.Equal(plan.Remove["workflows"], want) {
		t.Errorf("removes workflows %v, want %v", plan.Remove["workflows"], want)
	}
}

func TestListShort(t *testing.T) {
	names := make([]string, 12)
	for i := range names {
		names[i] = string(rune('a' + i))
	}
	if got, want := ListShort(names), "a, b, c, d, e, f, g, h, i, j, and 2 more"; got != want {
		t.Errorf("ListShort = %q, want %q", got, want)
	}
	if got := ListShort(names[:2]); got != "a, b" {
		t.Errorf("ListShort of two = %q", got)
	}
}

func TestLeaveOutProductionBorn(t *testing.T) {
	stored := &ConfigDocument{Workflows: []Workflow{{Key: "dev", VersionState: VersionState{OriginEnvironment: "development"}}, {Key: "prod", VersionState: VersionState{OriginEnvironment: Production}}}}
	doc := &ConfigDocument{Workflows: []Workflow{{Key: "dev"}, {Key: "prod"}}}
	left := LeaveOutProductionBorn(doc, stored, "staging")
	if len(left) != 1 || left[0].Key != "prod" || len(doc.Workflows) != 1 || doc.Workflows[0].Key != "dev" {
		t.Errorf("for staging: left out %v, kept %v; want prod left out, dev kept", left, doc.Workflows)
	}
	doc = &ConfigDocument{Workflows: []Workflow{{Key: "dev"}, {Key: "prod"}}}
	if left := LeaveOutProductionBorn(doc, stored, Production); left != nil || len(doc.Workflows) != 2 {
		t.Errorf("for production: left out %v, kept %v; want everything kept", left, doc.Workflows)
	}
}

// Guides born in production stay there too, named as guides.
func TestLeaveOutProductionBornGuides(t *testing.T) {
	stored := &ConfigDocument{Guides: []Guide{{Key: "dev", VersionState: VersionState{OriginEnvironment: "development"}}, {Key: "prod", VersionState: VersionState{OriginEnvironment: Production}}}}
	doc := &ConfigDocument{Workflows: []Workflow{{Key: "prod"}}, Guides: []Guide{{Key: "dev"}, {Key: "prod"}}}
	left := LeaveOutProductionBorn(doc, stored, "staging")
	if len(left) != 1 || left[0].Kind != "guide" || left[0].Key != "prod" || !strings.Contains(left[0].Reason, "production-born guides") {
		t.Errorf("left out %+v", left)
	}
	if len(doc.Guides) != 1 || doc.Guides[0].Key != "dev" || len(doc.Workflows) != 1 {
		t.Errorf("kept guides %v and workflows %v; want the dev guide and the workflow (a workflow of the same key is another object)", doc.Guides, doc.Workflows)
	}
}
