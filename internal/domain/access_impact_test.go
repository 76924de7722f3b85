package domain

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/cpubench"
)

// impactState builds an AccessState from short forms: nodes "key" or
// "key<parent", roles "key=perm,perm", assignments "identity/role/node".
func impactState(nodes, roles, assignments []string) AccessState {
	var s AccessState
	for _, n := range nodes {
		key, parent, _ := strings.Cut(n, "<")
		s.Nodes = append(s.Nodes, HierarchyNode{Key: key, Name: key, ParentKey: parent})
	}
	for _, r := range roles {
		key, perms, _ := strings.Cut(r, "=")
		role := Role{Key: key, Name: key}
		if perms != "" {
			role.Permissions = strings.Split(perms, ",")
		}
		s.Roles = append(s.Roles, role)
	}
	for _, a := range assignments {
		var ra RoleAssignment
		ra.SetObjectKey(a)
		s.Assignments = append(s.Assignments, ra)
	}
	return s
}

// grants renders grants as "identity permission node via assignment".
func grants(gs []AccessGrant) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, fmt.Sprintf("%s %s %s via %s", g.IdentityKey, g.Permission, g.NodeKey, strings.TrimPrefix(g.Assignment, "prod/")))
	}
	return out
}

func TestComputeAccessImpact(t *testing.T) {
	tree := []string{"root", "eng<root", "team-a<eng", "team-b<eng", "sales<root"}
	for _, tc := range []struct {
		name          string
		before, after AccessState
		removed       []string
		added         []string
	}{
		{
			name: "a permission taken from a role goes at the assignment's node, once for its whole subtree",
			before: impactState(tree, []string{"editor=docs.read,docs.write"},
				[]string{"ada/editor/eng", "bob/editor/team-a"}),
			after: impactState(tree, []string{"editor=docs.read"},
				[]string{"ada/editor/eng", "bob/editor/team-a"}),
			removed: []string{"ada docs.write eng via ada/editor/eng", "bob docs.write team-a via bob/editor/team-a"},
		},
		{
			name: "a grant below one that stays is not a change, nor one below a region already removed",
			before: impactState(tree, []string{"editor=docs.write", "owner=docs.write"},
				[]string{"ada/owner/root", "ada/editor/team-a", "bob/editor/eng", "bob/editor/team-b"}),
			after: impactState(tree, []string{"editor=", "owner=docs.write"},
				[]string{"ada/owner/root", "ada/editor/team-a", "bob/editor/eng", "bob/editor/team-b"}),
			removed: []string{"bob docs.write eng via bob/editor/eng"},
		},
		{
			name: "a permission given to a role comes at each assignment's node",
			before: impactState(tree, []string{"viewer=docs.read"},
				[]string{"ada/viewer/root", "bob/viewer/team-b"}),
			after: impactState(tree, []string{"viewer=docs.read,docs.comment"},
				[]string{"ada/viewer/root", "bob/viewer/team-b"}),
			added: []string{"ada docs.comment root via ada/viewer/root", "bob docs.comment team-b via bob/viewer/team-b"},
		},
		{
			name: "a node moved under another loses what its old ancestors granted and gains what its new ones grant",
			before: impactState(tree, []string{"editor=docs.write", "seller=deals.write"},
				[]string{"ada/editor/eng", "carl/seller/sales", "dora/editor/root"}),
			after: impactState([]string{"root", "eng<root", "team-a<sales", "team-b<eng", "sales<root"}, []string{"editor=docs.write", "seller=deals.write"},
				[]string{"ada/editor/eng", "carl/seller/sales", "dora/editor/root"}),
			removed: []string{"ada docs.write team-a via ada/editor/eng"},
			added:   []string{"carl deals.write team-a via carl/seller/sales"},
		},
		{
			name: "a role deleted with its assignments pruned takes every permission it granted",
			before: impactState(tree, []string{"editor=docs.read,docs.write", "viewer=docs.read"},
				[]string{"ada/editor/eng", "ada/viewer/root", "bob/editor/sales"}),
			after: impactState(tree, []string{"viewer=docs.read"},
				[]string{"ada/editor/eng", "ada/viewer/root", "bob/editor/sales"}).WithoutOrphans(),
			removed: []string{"bob docs.read sales via bob/editor/sales", "ada docs.write eng via ada/editor/eng", "bob docs.write sales via bob/editor/sales"},
		},
		{
			name: "a permission removed from two roles an identity holds at different nodes goes only where no other grant remains",
			before: impactState(tree, []string{"editor=docs.write", "reviewer=docs.write", "writer=docs.write"},
				[]string{"ada/editor/eng", "ada/reviewer/sales", "bob/editor/eng", "bob/reviewer/team-a", "bob/writer/team-b"}),
			after: impactState(tree, []string{"editor=", "reviewer=", "writer=docs.write"},
				[]string{"ada/editor/eng", "ada/reviewer/sales", "bob/editor/eng", "bob/reviewer/team-a", "bob/writer/team-b"}),
			removed: []string{"ada docs.write eng via ada/editor/eng", "bob docs.write eng via bob/editor/eng", "ada docs.write sales via ada/reviewer/sales"},
		},
		{
			name: "a deleted node takes what was held there; a created one gives what its ancestors grant",
			before: impactState([]string{"root", "eng<root", "old<eng"}, []string{"editor=docs.write"},
				[]string{"ada/editor/root", "bob/editor/old"}),
			after: impactState([]string{"root", "eng<root", "new<eng"}, []string{"editor=docs.write"},
				[]string{"ada/editor/root", "bob/editor/old"}).WithoutOrphans(),
			removed: []string{"ada docs.write old via ada/editor/root", "bob docs.write old via bob/editor/old"},
			added:   []string{"ada docs.write new via ada/editor/root"},
		},
		{
			name: "a subtree deleted whole counts once, at its top",
			before: impactState([]string{"root", "eng<root", "team-a<eng", "team-b<team-a"}, []string{"editor=docs.write"},
				[]string{"ada/editor/root", "bob/editor/team-b"}),
			after: impactState([]string{"root"}, []string{"editor=docs.write"},
				[]string{"ada/editor/root", "bob/editor/team-b"}).WithoutOrphans(),
			removed: []string{"ada docs.write eng via ada/editor/root", "bob docs.write team-b via bob/editor/team-b"},
		},
		{
			name:   "a change that moves nothing for anyone is empty",
			before: impactState(tree, []string{"editor=docs.write", "owner=docs.write"}, []string{"ada/owner/root", "ada/editor/eng"}),
			after:  impactState(tree, []string{"editor=", "owner=docs.write"}, []string{"ada/owner/root", "ada/editor/eng"}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := ComputeAccessImpact("prod", tc.before, tc.after)
			if got := grants(im.Removed); !reflect.DeepEqual(got, nonNil(tc.removed)) {
				t.Errorf("removed:\n got %q\nwant %q", got, tc.removed)
			}
			if got := grants(im.Added); !reflect.DeepEqual(got, nonNil(tc.added)) {
				t.Errorf("added:\n got %q\nwant %q", got, tc.added)
			}
			if im.Totals.Removed != len(tc.removed) || im.Totals.Added != len(tc.added) || im.Empty() != (len(tc.removed)+len(tc.added) == 0) {
				t.Errorf("totals %+v do not count the lists", im.Totals)
			}
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestAccessImpactTotalsStayExactWhenCapped(t *testing.T) {
	before := impactState([]string{"root", "eng<root"}, []string{"editor=docs.read,docs.write"}, nil)
	after := impactState([]string{"root", "eng<root"}, []string{"editor="}, nil)
	for i := range 12 {
		before.Assignments = append(before.Assignments, RoleAssignment{IdentityKey: fmt.Sprintf("id-%02d", i), RoleKey: "editor", NodeKey: "eng"})
	}
	after.Assignments = before.Assignments
	im := ComputeAccessImpact("prod", before, after)
	im.Cap(3)
	if len(im.Removed) != 3 || im.Totals.Removed != 24 || im.Totals.IdentitiesLosing != 12 || im.Totals.Identities != 12 || len(im.Totals.ByIdentity) != 3 {
		t.Fatalf("capped lists with exact totals expected, got %d listed, totals %+v", len(im.Removed), im.Totals)
	}
	want := []PermissionImpact{{Permission: "docs.read", Removed: 12, IdentitiesLosing: 12}, {Permission: "docs.write", Removed: 12, IdentitiesLosing: 12}}
	if !reflect.DeepEqual(im.Totals.ByPermission, want) {
		t.Errorf("by permission %+v, want %+v", im.Totals.ByPermission, want)
	}
	if g := im.Totals.RemovedAt; im.Totals.RemovedGroups != 2 || g[0].Identities != 12 || len(g[0].IdentityKeys) != GroupIdentityKeys || g[0].IdentityKeys[0] != "id-00" {
		t.Errorf("groups %+v", g)
	}
	im.Obfuscate()
	if len(im.Removed) != 0 || len(im.Totals.ByIdentity) != 0 || len(im.Totals.RemovedAt[0].IdentityKeys) != 0 || im.Totals.RemovedAt[0].Identities != 12 {
		t.Errorf("obfuscated impact still names identities, or lost its counts: %+v", im)
	}
}

// impactEnvironment is nodes nodes (a tree with a fan-out of 10),
// assignments assignments of 100 roles of 10 permissions each (from 200)
// to assignments/5 identities, and a change that takes three permissions
// from one role and gives it two, deletes another role with its
// assignments, and moves a subtree of 1,111 nodes under a leaf.
func impactEnvironment(nodes, assignments int) (before, after AccessState) {
	for i := range nodes {
		n := HierarchyNode{Key: fmt.Sprintf("node-%d", i)}
		if i > 0 {
			n.ParentKey = fmt.Sprintf("node-%d", (i-1)/10)
		}
		before.Nodes = append(before.Nodes, n)
	}
	for i := range 100 {
		r := Role{Key: fmt.Sprintf("role-%d", i)}
		for j := range 10 {
			r.Permissions = append(r.Permissions, fmt.Sprintf("perm.%d", (i*7+j)%200))
		}
		before.Roles = append(before.Roles, r)
	}
	for i := range assignments {
		before.Assignments = append(before.Assignments, RoleAssignment{
			IdentityKey: fmt.Sprintf("id-%d", i%(assignments/5)), RoleKey: fmt.Sprintf("role-%d", (i*13)%100), NodeKey: fmt.Sprintf("node-%d", (i*37)%nodes)})
	}
	after = AccessState{Nodes: slices.Clone(before.Nodes), Assignments: before.Assignments}
	after.Nodes[5].ParentKey = fmt.Sprintf("node-%d", nodes-1)
	for _, r := range before.Roles {
		switch r.Key {
		case "role-20":
			continue
		case "role-7":
			r.Permissions = append(slices.Clone(r.Permissions[3:]), "perm.198", "perm.199")
		}
		after.Roles = append(after.Roles, r)
	}
	return before, after.WithoutOrphans()
}

// BenchmarkAccessImpact computes the impact of a change in an environment
// of 10,000 nodes and 100,000 assignments (the goal: under 200 ms), and of
// one a tenth of that size, so that B/op shows memory growing linearly.
func BenchmarkAccessImpact(b *testing.B) {
	for _, size := range []struct{ nodes, assignments int }{{1_000, 10_000}, {10_000, 100_000}} {
		before, after := impactEnvironment(size.nodes, size.assignments)
		b.Run(fmt.Sprintf("nodes=%d/assignments=%d", size.nodes, size.assignments), func(b *testing.B) {
			b.ReportAllocs()
			defer cpubench.Start(b)()
			for b.Loop() {
				if im := ComputeAccessImpact("production", before, after); im.Empty() {
					b.Fatal("the change changes nobody's access")
				}
			}
		})
	}
}

// TestComputeAccessImpactAgreesWithEveryNode checks the one-pass walk
// against the definition, node by node, on random changes of small
// environments: every (identity, permission, node) held before and not
// after (or after and not before), reported at the top of its region.
func TestComputeAccessImpactAgreesWithEveryNode(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 5))
	randomState := func(nodes int, keep func(int) bool) AccessState {
		var s AccessState
		for i := range nodes {
			if !keep(i) {
				continue
			}
			n := HierarchyNode{Key: fmt.Sprintf("n%d", i)}
			for p := i - 1; p >= 0 && i > 0; p = rng.IntN(i) {
				if keep(p) {
					n.ParentKey = fmt.Sprintf("n%d", p)
					break
				}
				if rng.IntN(3) == 0 {
					break
				}
			}
			s.Nodes = append(s.Nodes, n)
		}
		for r := range 4 {
			role := Role{Key: fmt.Sprintf("r%d", r)}
			for p := range 4 {
				if rng.IntN(2) == 0 {
					role.Permissions = append(role.Permissions, fmt.Sprintf("p%d", p))
				}
			}
			s.Roles = append(s.Roles, role)
		}
		return s
	}
	for round := range 800 {
		nodes := 2 + rng.IntN(10)
		created := rng.IntN(nodes + 3)
		before := randomState(nodes, func(i int) bool { return i != created })
		gone := rng.IntN(nodes + 3)
		after := randomState(nodes, func(i int) bool { return i != gone })
		for range 1 + rng.IntN(12) {
			before.Assignments = append(before.Assignments, RoleAssignment{
				IdentityKey: fmt.Sprintf("i%d", rng.IntN(3)), RoleKey: fmt.Sprintf("r%d", rng.IntN(4)), NodeKey: fmt.Sprintf("n%d", rng.IntN(nodes))})
		}
		slices.SortFunc(before.Assignments, func(a, b RoleAssignment) int { return strings.Compare(a.ObjectKey(), b.ObjectKey()) })
		before.Assignments = slices.Compact(before.Assignments)
		before = before.WithoutOrphans()
		after.Assignments = before.Assignments
		after = after.WithoutOrphans()
		im := ComputeAccessImpact("prod", before, after)
		removed, added := bruteForceImpact(before, after)
		if got := grants(im.Removed); !reflect.DeepEqual(got, removed) {
			t.Fatalf("round %d: removed\n got %q\nwant %q\nbefore %+v\nafter %+v", round, got, removed, before, after)
		}
		if got := grants(im.Added); !reflect.DeepEqual(got, added) {
			t.Fatalf("round %d: added\n got %q\nwant %q\nbefore %+v\nafter %+v", round, got, added, before, after)
		}
	}
}

// bruteForceImpact is the definition, by walking up from every node.
func bruteForceImpact(before, after AccessState) (removed, added []string) {
	type state struct {
		parent map[string]string
		perms  map[string][]string
		at     map[string][]RoleAssignment
	}
	index := func(s AccessState) state {
		st := state{parent: map[string]string{}, perms: map[string][]string{}, at: map[string][]RoleAssignment{}}
		for _, n := range s.Nodes {
			st.parent[n.Key] = n.ParentKey
		}
		for _, r := range s.Roles {
			st.perms[r.Key] = r.Permissions
		}
		for _, a := range s.Assignments {
			st.at[a.NodeKey] = append(st.at[a.NodeKey], a)
		}
		return st
	}
	states := [2]state{index(before), index(after)}
	// holds returns the nearest granting assignment's id, or "".
	holds := func(s state, identity, perm, node string) string {
		if _, ok := s.parent[node]; !ok {
			return ""
		}
		for at := node; at != ""; at = s.parent[at] {
			for _, a := range s.at[at] {
				if a.IdentityKey == identity && slices.Contains(s.perms[a.RoleKey], perm) {
					return a.ObjectKey()
				}
			}
		}
		return ""
	}
	var all []string
	for _, s := range states {
		for n := range s.parent {
			all = append(all, n)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	var out [2][]AccessGrant
	for dir := range 2 {
		from, to := states[dir], states[1-dir]
		changed := func(identity, perm, node string) bool {
			return holds(from, identity, perm, node) != "" && holds(to, identity, perm, node) == ""
		}
		for _, n := range all {
			if _, ok := from.parent[n]; !ok {
				continue
			}
			for i := range 3 {
				for p := range 4 {
					identity, perm := fmt.Sprintf("i%d", i), fmt.Sprintf("p%d", p)
					if !changed(identity, perm, n) {
						continue
					}
					if parent := from.parent[n]; parent != "" && changed(identity, perm, parent) {
						continue
					}
					out[dir] = append(out[dir], AccessGrant{IdentityKey: identity, Permission: perm, NodeKey: n, Assignment: "prod/" + holds(from, identity, perm, n)})
				}
			}
		}
		sortGrants(out[dir])
	}
	return grants(out[0]), grants(out[1])
}
