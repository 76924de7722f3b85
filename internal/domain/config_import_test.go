package domain

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
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

// A target that plans each versioned section apart (ImportTarget.Apart,
// each on a goroutine) gives the plan and the refusals, in their order,
// that planning the sections in turn gives: here over sections of
// hundreds, some objects refused by the promotion rule, some by their
// channels, some of the target's kept and some removed.
func TestPlanImportApartIsInTurn(t *testing.T) {
	doc := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development"}
	current := &ConfigDocument{}
	// add gives d an object numbered i of every versioned kind.
	add := func(d *ConfigDocument, i int) {
		for _, s := range d.sections() {
			if s.versioned == nil {
				continue
			}
			list := reflect.ValueOf(s.items).Elem()
			o := reflect.New(list.Type().Elem())
			o.Interface().(interface{ SetObjectKey(string) }).SetObjectKey(fmt.Sprintf("%s-%04d", s.Kind.Name, i))
			list.Set(reflect.Append(list, o.Elem()))
		}
	}
	for i := range 300 {
		// The document holds the even ones, the target every third.
		if i%2 == 0 {
			add(doc, i)
		}
		if i%3 == 0 {
			add(current, i)
		}
	}
	order := []string{"development", "staging", "production"}
	number := func(key string) int {
		n, _ := strconv.Atoi(key[strings.LastIndex(key, "-")+1:])
		return n
	}
	var asked atomic.Int64
	target := ImportTarget{
		Environment: "staging",
		Current:     current,
		Assignments: func(Ref) ([]string, error) { return nil, nil },
		Promotion: func(kind Kind, key string) (Promotion, error) {
			asked.Add(1)
			n := number(key)
			var heads []VersionHead
			switch {
			case n%5 == 0: // not in development: refused, or kept when born here
				origin := "development"
				if n%10 == 5 {
					origin = "staging"
				}
				heads = []VersionHead{{Environment: "staging", SHA: "old", OriginEnvironment: origin}}
			default:
				heads = []VersionHead{{Environment: "development", SHA: "any", OriginEnvironment: "development"}}
			}
			return NewPromotion(kind, key, "staging", order, false, heads), nil
		},
		Channels: func(o ChannelUser) (Problems, error) {
			var p Problems
			if n := number(o.(interface{ ObjectKey() string }).ObjectKey()); n%7 == 0 {
				p.Add("channel", "no channel %d", n)
			}
			return p, nil
		},
		ContentSHA: func(Kind, string) (string, bool) { return "any", true },
	}
	inTurn, turnErr := PlanImport(target, doc, false)
	turnAsked := asked.Swap(0)
	target.Apart = func(Kind) ImportTarget { return target }
	apart, apartErr := PlanImport(target, doc, false)
	if asked.Load() != turnAsked {
		t.Errorf("asked %d promotion questions apart, %d in turn", asked.Load(), turnAsked)
	}
	var turnRefused, apartRefused *Error
	if !errors.As(turnErr, &turnRefused) || !errors.As(apartErr, &apartRefused) {
		t.Fatalf("want both refused: in turn %v, apart %v", turnErr, apartErr)
	}
	if len(turnRefused.Details) < len(doc.VersionedSections())*20 || !reflect.DeepEqual(turnRefused.Details, apartRefused.Details) {
		t.Fatalf("refusals apart differ from those in turn (%d and %d)", len(apartRefused.Details), len(turnRefused.Details))
	}
	// Without the refusals, the plans.
	target.Channels = func(ChannelUser) (Problems, error) { return nil, nil }
	target.Promotion = func(kind Kind, key string) (Promotion, error) {
		origin := "development"
		if number(key)%10 == 5 {
			origin = "staging"
		}
		return NewPromotion(kind, key, "staging", order, false, []VersionHead{{Environment: "staging", SHA: "any", OriginEnvironment: origin}}), nil
	}
	target.Apart = nil
	inTurn, turnErr = PlanImport(target, doc, false)
	target.Apart = func(Kind) ImportTarget { return target }
	apart, apartErr = PlanImport(target, doc, false)
	if turnErr != nil || apartErr != nil {
		t.Fatalf("in turn %v, apart %v", turnErr, apartErr)
	}
	if !reflect.DeepEqual(inTurn, apart) {
		t.Errorf("the plan apart differs from the plan in turn:\n%+v\n%+v", apart, inTurn)
	}
	if len(doc.VersionedSections()) < 2 {
		t.Fatal("the document has fewer than two versioned sections to plan apart")
	}
	for _, section := range doc.VersionedSections() {
		if name := section.Name; len(apart.Kept[name]) == 0 || len(apart.Remove[name]) == 0 {
			t.Errorf("%s: kept %d and removed %d; the test means some of each", name, len(apart.Kept[name]), len(apart.Remove[name]))
		}
	}
}
