package domain

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// accessFixture is a forest: org → emea → team-a → squad-1, org → amer,
// and a second root, partners.
func accessFixture() *AccessIndex {
	nodes := []HierarchyNode{
		{Key: "org"}, {Key: "emea", ParentKey: "org"}, {Key: "team-a", ParentKey: "emea"},
		{Key: "squad-1", ParentKey: "team-a"}, {Key: "amer", ParentKey: "org"}, {Key: "partners"},
	}
	roles := []Role{
		{Key: "editor", Permissions: []string{"documents.read", "documents.write"}},
		{Key: "viewer", Permissions: []string{"documents.read"}},
		{Key: "admin", Permissions: []string{"documents.read", "documents.write", "billing.manage"}},
		{Key: "empty"},
	}
	assignments := []RoleAssignment{
		{IdentityKey: "ada", RoleKey: "editor", NodeKey: "team-a"},
		{IdentityKey: "ada", RoleKey: "viewer", NodeKey: "org"},
		{IdentityKey: "ada", RoleKey: "admin", NodeKey: "emea"},
		{IdentityKey: "grace", RoleKey: "editor", NodeKey: "partners"},
		{IdentityKey: "grace", RoleKey: "empty", NodeKey: "org"},
	}
	return NewAccessIndex("development",
		[]string{"ada", "grace", "linus"},
		[]string{"documents.read", "documents.write", "billing.manage"},
		nodes, roles, assignments)
}

func TestAccessCheck(t *testing.T) {
	ix := accessFixture()
	for _, tc := range []struct {
		name, identity, permission, node string
		allowed                          bool
		grantedBy, path                  []string
	}{
		{"assignment at the node itself", "ada", "documents.write", "team-a", true,
			[]string{"development/ada/editor/team-a", "development/ada/admin/emea"}, []string{"team-a", "emea", "org"}},
		{"inherited two levels down", "ada", "documents.write", "squad-1", true,
			[]string{"development/ada/editor/team-a", "development/ada/admin/emea"}, []string{"squad-1", "team-a", "emea", "org"}},
		{"not granted at the parent of the assignment", "grace", "documents.write", "org", false,
			[]string{}, []string{"org"}},
		{"several assignments grant, nearest first", "ada", "documents.read", "squad-1", true,
			[]string{"development/ada/editor/team-a", "development/ada/admin/emea", "development/ada/viewer/org"}, []string{"squad-1", "team-a", "emea", "org"}},
		{"the root's assignment reaches a sibling subtree", "ada", "documents.read", "amer", true,
			[]string{"development/ada/viewer/org"}, []string{"amer", "org"}},
		{"a role without the permission does not grant", "ada", "billing.manage", "amer", false,
			[]string{}, []string{"amer", "org"}},
		{"an assignment in another tree of the forest does not grant", "ada", "documents.read", "partners", false,
			[]string{}, []string{"partners"}},
		{"a root of the forest grants in its own tree", "grace", "documents.write", "partners", true,
			[]string{"development/grace/editor/partners"}, []string{"partners"}},
		{"an identity with no assignments", "linus", "documents.read", "squad-1", false,
			[]string{}, []string{"squad-1", "team-a", "emea", "org"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.Check(AccessQuestion{IdentityKey: tc.identity, Permission: tc.permission, NodeKey: tc.node})
			if err != nil {
				t.Fatal(err)
			}
			if got.Allowed != tc.allowed || !slices.Equal(got.GrantedBy, tc.grantedBy) || !slices.Equal(got.Path, tc.path) {
				t.Errorf("got allowed=%v granted_by=%v path=%v, want %v %v %v", got.Allowed, got.GrantedBy, got.Path, tc.allowed, tc.grantedBy, tc.path)
			}
		})
	}
}

func TestAccessCheckRefusesWhatDoesNotExist(t *testing.T) {
	ix := accessFixture()
	for _, tc := range []struct {
		name   string
		q      AccessQuestion
		fields []string
	}{
		{"missing identity", AccessQuestion{"nobody", "documents.read", "org"}, []string{"identity_key"}},
		{"missing permission", AccessQuestion{"ada", "documents.delete", "org"}, []string{"permission"}},
		{"missing node", AccessQuestion{"ada", "documents.read", "apac"}, []string{"node_key"}},
		{"all three missing", AccessQuestion{"nobody", "nothing", "nowhere"}, []string{"identity_key", "permission", "node_key"}},
		{"empty fields", AccessQuestion{}, []string{"identity_key", "permission", "node_key"}},
		{"a malformed key", AccessQuestion{"ada", "documents read", "org"}, []string{"permission"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ix.Check(tc.q)
			if got := errorFields(t, err); !slices.Equal(got, tc.fields) {
				t.Errorf("fields %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func TestAccessCheckAll(t *testing.T) {
	ix := accessFixture()
	answers, err := ix.CheckAll([]AccessQuestion{
		{"ada", "documents.write", "team-a"},
		{"grace", "documents.write", "org"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 2 || !answers[0].Allowed || answers[1].Allowed || answers[1].IdentityKey != "grace" {
		t.Errorf("answers %+v", answers)
	}

	_, err = ix.CheckAll([]AccessQuestion{{"ada", "documents.write", "team-a"}, {"ada", "documents.write", "apac"}, {"nobody", "documents.write", "org"}})
	if got, want := errorFields(t, err), []string{"checks[1].node_key", "checks[2].identity_key"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	if got := errorFields(t, func() error { _, err := ix.CheckAll(nil); return err }()); !slices.Equal(got, []string{"checks"}) {
		t.Errorf("an empty batch: fields %v", got)
	}
	if got := errorFields(t, func() error {
		_, err := ix.CheckAll(make([]AccessQuestion, MaxAccessChecks+1))
		return err
	}()); got[0] != "checks" {
		t.Errorf("an oversized batch: fields %v", got)
	}
}

func TestAccessCheckStopsOnACycle(t *testing.T) {
	ix := NewAccessIndex("development", []string{"ada"}, []string{"p"},
		[]HierarchyNode{{Key: "a", ParentKey: "b"}, {Key: "b", ParentKey: "a"}}, nil, nil)
	_, err := ix.Check(AccessQuestion{"ada", "p", "a"})
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeConflict {
		t.Fatalf("a damaged hierarchy: got %v, want a conflict", err)
	}
}

func TestAccessCheckDeepHierarchy(t *testing.T) {
	const depth = 1000
	nodes := []HierarchyNode{{Key: "n0"}}
	for i := 1; i < depth; i++ {
		nodes = append(nodes, HierarchyNode{Key: fmt.Sprintf("n%d", i), ParentKey: fmt.Sprintf("n%d", i-1)})
	}
	ix := NewAccessIndex("development", []string{"ada"}, []string{"p"}, nodes,
		[]Role{{Key: "r", Permissions: []string{"p"}}}, []RoleAssignment{{IdentityKey: "ada", RoleKey: "r", NodeKey: "n1"}})
	leaf := fmt.Sprintf("n%d", depth-1)
	got, err := ix.Check(AccessQuestion{"ada", "p", leaf})
	if err != nil || !got.Allowed || len(got.Path) != depth || got.GrantedBy[0] != "development/ada/r/n1" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if got, _ := ix.Check(AccessQuestion{"ada", "p", "n0"}); got.Allowed {
		t.Error("the root, above the assignment, is granted")
	}
}

func errorFields(t *testing.T, err error) []string {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeValidation {
		t.Fatalf("got %v, want a validation error", err)
	}
	fields := make([]string, len(de.Details))
	for i, d := range de.Details {
		fields[i] = d.Field
	}
	return fields
}

// largeAccessEnvironment is 10,000 nodes (a tree ten levels deep with a
// fan-out of about 2.5), 100 roles and 1,000 assignments.
func largeAccessEnvironment() (identities, permissions []string, nodes []HierarchyNode, roles []Role, assignments []RoleAssignment) {
	const nodeCount, roleCount, assignmentCount, identityCount, permissionCount = 10_000, 100, 1_000, 500, 200
	for i := range permissionCount {
		permissions = append(permissions, fmt.Sprintf("perm.%d", i))
	}
	for i := range identityCount {
		identities = append(identities, fmt.Sprintf("id-%d", i))
	}
	nodes = append(nodes, HierarchyNode{Key: "node-0"})
	for i := 1; i < nodeCount; i++ {
		nodes = append(nodes, HierarchyNode{Key: fmt.Sprintf("node-%d", i), ParentKey: fmt.Sprintf("node-%d", (i-1)*2/5)})
	}
	for i := range roleCount {
		r := Role{Key: fmt.Sprintf("role-%d", i)}
		for j := range 10 {
			r.Permissions = append(r.Permissions, permissions[(i*7+j)%permissionCount])
		}
		roles = append(roles, r)
	}
	for i := range assignmentCount {
		assignments = append(assignments, RoleAssignment{
			IdentityKey: identities[i%identityCount], RoleKey: roles[(i*13)%roleCount].Key, NodeKey: nodes[(i*37)%nodeCount].Key})
	}
	return
}

// BenchmarkAccessCheckLarge is one check on an index of the large
// environment: the walk up a leaf's ancestors.
func BenchmarkAccessCheckLarge(b *testing.B) {
	identities, permissions, nodes, roles, assignments := largeAccessEnvironment()
	ix := NewAccessIndex("development", identities, permissions, nodes, roles, assignments)
	q := AccessQuestion{IdentityKey: "id-7", Permission: "perm.9", NodeKey: "node-9999"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Check(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccessCheckLargeWithIndex is what a request pays besides
// reading the store: building the index of the large environment, then
// one check.
func BenchmarkAccessCheckLargeWithIndex(b *testing.B) {
	identities, permissions, nodes, roles, assignments := largeAccessEnvironment()
	q := AccessQuestion{IdentityKey: "id-7", Permission: "perm.9", NodeKey: "node-9999"}
	b.ReportAllocs()
	for b.Loop() {
		ix := NewAccessIndex("development", identities, permissions, nodes, roles, assignments)
		if _, err := ix.Check(q); err != nil {
			b.Fatal(err)
		}
	}
}
