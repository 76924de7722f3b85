package domain

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Access impact: what a change of permissions, roles or the hierarchy does
// to people. An assignment at a node grants its role's permissions there
// and at every descendant, so an identity holds a permission on a region
// of the hierarchy. A change takes some of those regions away and gives
// others; a grant in the answer names the top node of such a region ("at
// that node and below") and the assignment that granted or grants it
// there, the nearest one up the hierarchy.

// AccessState is what decides who may do what in an environment: its
// roles, its hierarchy and its role assignments.
type AccessState struct {
	Roles       []Role
	Nodes       []HierarchyNode
	Assignments []RoleAssignment
}

// WithoutOrphans returns s without the assignments whose role or node s
// lacks: those an import with prune_assignments removes with them.
func (s AccessState) WithoutOrphans() AccessState {
	roles, nodes := map[string]bool{}, map[string]bool{}
	for _, r := range s.Roles {
		roles[r.Key] = true
	}
	for _, n := range s.Nodes {
		nodes[n.Key] = true
	}
	out := s
	out.Assignments = make([]RoleAssignment, 0, len(s.Assignments))
	for _, a := range s.Assignments {
		if roles[a.RoleKey] && nodes[a.NodeKey] {
			out.Assignments = append(out.Assignments, a)
		}
	}
	return out
}

// AccessGrant is one region of the hierarchy where an identity holds a
// permission: at node_key and below.
type AccessGrant struct {
	IdentityKey string `json:"identity_key" doc:"The identity whose access changes." example:"ada"`
	Permission  string `json:"permission" doc:"The permission it loses or gains." example:"documents.write"`
	NodeKey     string `json:"node_key" doc:"Where: at this node and below. It is the node of the assignment when the grant itself goes or comes, or a moved (or deleted or created) node when the change moves a subtree out from under the assignment or into its reach." example:"engineering"`
	Assignment  string `json:"assignment" doc:"Id (<environment>/<identity_key>/<role_key>/<node_key>) of the role assignment that granted it before the change (removed) or grants it after (added): the nearest up the hierarchy." example:"production/ada/editor/engineering"`
}

// PermissionImpact counts what a change does to one permission.
type PermissionImpact struct {
	Permission        string `json:"permission" doc:"The permission."`
	Removed           int    `json:"removed" doc:"Grants of it removed."`
	Added             int    `json:"added" doc:"Grants of it added."`
	IdentitiesLosing  int    `json:"identities_losing" doc:"Identities that lose it somewhere."`
	IdentitiesGaining int    `json:"identities_gaining" doc:"Identities that gain it somewhere."`
}

// IdentityImpact counts what a change does to one identity.
type IdentityImpact struct {
	IdentityKey string `json:"identity_key" doc:"The identity."`
	Removed     int    `json:"removed" doc:"Grants it loses."`
	Added       int    `json:"added" doc:"Grants it gains."`
}

// GrantGroup gathers the identities that lose (or gain) one permission at
// one node.
type GrantGroup struct {
	Permission   string   `json:"permission" doc:"The permission."`
	NodeKey      string   `json:"node_key" doc:"At this node and below."`
	Identities   int      `json:"identities" doc:"How many identities lose (or gain) it there: exact."`
	IdentityKeys []string `json:"identity_keys" nullable:"false" doc:"The first few of them, in key order; empty where the environment's customer data is obfuscated for the reader."`
}

// AccessImpactTotals are exact, whatever the lists leave out.
type AccessImpactTotals struct {
	Removed           int                `json:"removed" doc:"Grants removed."`
	Added             int                `json:"added" doc:"Grants added."`
	IdentitiesLosing  int                `json:"identities_losing" doc:"Identities that lose some grant."`
	IdentitiesGaining int                `json:"identities_gaining" doc:"Identities that gain some grant."`
	Identities        int                `json:"identities" doc:"Identities whose access changes: the length of by_identity before it is capped."`
	ByPermission      []PermissionImpact `json:"by_permission" nullable:"false" doc:"Per permission that changes, in key order."`
	ByIdentity        []IdentityImpact   `json:"by_identity" nullable:"false" doc:"Per identity whose access changes, in key order; capped (identities says how many there are)."`
	RemovedGroups     int                `json:"removed_groups" doc:"Distinct (permission, node) pairs of removed grants: the length of removed_at before it is capped."`
	AddedGroups       int                `json:"added_groups" doc:"Distinct (permission, node) pairs of added grants: the length of added_at before it is capped."`
	RemovedAt         []GrantGroup       `json:"removed_at" nullable:"false" doc:"Removed grants per permission and node, in that order; capped."`
	AddedAt           []GrantGroup       `json:"added_at" nullable:"false" doc:"Added grants per permission and node, in that order; capped."`
}

// AccessImpact is what a change does to people: the grants it takes away
// and gives.
type AccessImpact struct {
	Removed []AccessGrant      `json:"removed" nullable:"false" doc:"Grants the change takes away, by permission, node and identity; capped (totals.removed is exact)."`
	Added   []AccessGrant      `json:"added" nullable:"false" doc:"Grants the change gives, in the same order; capped (totals.added is exact)."`
	Totals  AccessImpactTotals `json:"totals" doc:"Exact counts."`
}

// GroupIdentityKeys is how many identity keys a GrantGroup names.
const GroupIdentityKeys = 5

// Cap shortens the lists to at most n entries each (the totals stay
// exact).
func (im *AccessImpact) Cap(n int) {
	im.Removed = im.Removed[:min(n, len(im.Removed))]
	im.Added = im.Added[:min(n, len(im.Added))]
	im.Totals.ByIdentity = im.Totals.ByIdentity[:min(n, len(im.Totals.ByIdentity))]
	im.Totals.RemovedAt = im.Totals.RemovedAt[:min(n, len(im.Totals.RemovedAt))]
	im.Totals.AddedAt = im.Totals.AddedAt[:min(n, len(im.Totals.AddedAt))]
}

// Obfuscate leaves out every identity key, keeping the counts: what a
// reader who sees customer data obfuscated is told.
func (im *AccessImpact) Obfuscate() {
	im.Removed, im.Added = []AccessGrant{}, []AccessGrant{}
	im.Totals.ByIdentity = []IdentityImpact{}
	for _, groups := range [][]GrantGroup{im.Totals.RemovedAt, im.Totals.AddedAt} {
		for i := range groups {
			groups[i].IdentityKeys = []string{}
		}
	}
}

// EmptyAccessImpact is the impact of a change that changes nobody's access.
func EmptyAccessImpact() *AccessImpact {
	return &AccessImpact{Removed: []AccessGrant{}, Added: []AccessGrant{}, Totals: impactTotals(nil, nil)}
}

// Version fingerprints the whole impact, every grant removed and added
// with the assignment behind it, before any list is capped: a review
// shows an impact, and its confirm names this version so that the write
// is refused if what it does to people is no longer what was shown (an
// assignment made since to a role the change removes, say). A change of
// the configuration alone is caught by the configuration's version;
// this catches the role assignments, which the configuration does not
// hold. Empty for an impact already capped or obfuscated.
func (im *AccessImpact) Version() string {
	if len(im.Removed) != im.Totals.Removed || len(im.Added) != im.Totals.Added {
		return ""
	}
	h := sha256.New()
	for i, grants := range [][]AccessGrant{im.Removed, im.Added} {
		sorted := slices.Clone(grants)
		slices.SortFunc(sorted, func(a, b AccessGrant) int {
			return cmp.Or(cmp.Compare(a.Permission, b.Permission), cmp.Compare(a.NodeKey, b.NodeKey),
				cmp.Compare(a.IdentityKey, b.IdentityKey), cmp.Compare(a.Assignment, b.Assignment))
		})
		for _, g := range sorted {
			fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\n", i, g.Permission, g.NodeKey, g.IdentityKey, g.Assignment)
		}
	}
	return "sha256-" + hex.EncodeToString(h.Sum(nil))
}

// Empty reports a change that changes nobody's access.
func (im *AccessImpact) Empty() bool { return im.Totals.Removed == 0 && im.Totals.Added == 0 }

// ComputeAccessImpact compares who may do what in env before and after a
// change. Both states must be consistent (every assignment's role and node
// present: see WithoutOrphans). It walks each hierarchy once, depth first,
// keeping for every (identity, permission) whose grant changes somewhere
// the nearest granting assignment on the path from the root: the cost is
// linear in the nodes and the assignments, whatever the depth.
func ComputeAccessImpact(env string, before, after AccessState) *AccessImpact {
	ix := newImpactIndex(before, after)
	ix.walk(stateBefore)
	ix.walk(stateAfter)
	ix.seeMoved()
	return ix.result(env)
}

const (
	stateBefore = 0
	stateAfter  = 1
)

// impactIndex interns every key, so the walk works on integers.
type impactIndex struct {
	nodes, roles, identities, perms interner
	// parent[s][n] is node n's parent in state s: -1 for a root, -2 when
	// n is not in s.
	parent [2][]int32
	// rolePerms[s][r] are role r's permissions in state s, sorted.
	rolePerms [2][][]int32
	// assignments holds each distinct assignment once; in[s] says which
	// exist in state s.
	assignments []impactAssignment
	in          [2][]bool
	// atNode lists the assignments at each node, either state.
	atNode [][]int32
	// candidates[n] are the (identity, permission) pairs whose grant
	// changes at node n: an assignment at n grants it in one state and not
	// in the other. Only there, and at moved nodes, can a region that
	// changes have its top; tracked holds them all, the only pairs the
	// walk follows.
	candidates [][]uint64
	tracked    map[uint64]bool
	// special marks the moved nodes (see moved): every pair held there is
	// a candidate, found by walking up from them.
	special []bool
	// seen[s][n] records, per candidate of n, what state s says: held at
	// n, held at n's parent, and the nearest granting assignment.
	seen [2][]map[uint64]holding
	// held caches holdings per state and node.
	held [2]map[int32]map[uint64]int32
}

type impactAssignment struct{ identity, role, node int32 }

type holding struct {
	here, parent bool
	by           int32 // assignment index, -1 if none
}

type interner struct {
	ids  map[string]int32
	keys []string
}

func (in *interner) id(key string) int32 {
	if in.ids == nil {
		in.ids = map[string]int32{}
	}
	if id, ok := in.ids[key]; ok {
		return id
	}
	id := int32(len(in.keys))
	in.ids[key] = id
	in.keys = append(in.keys, key)
	return id
}

func pairKey(identity, perm int32) uint64    { return uint64(identity)<<32 | uint64(uint32(perm)) }
func pairOf(k uint64) (identity, perm int32) { return int32(k >> 32), int32(uint32(k)) }

func newImpactIndex(before, after AccessState) *impactIndex {
	ix := &impactIndex{tracked: map[uint64]bool{}}
	states := [2]AccessState{before, after}
	for _, st := range states {
		for _, n := range st.Nodes {
			ix.nodes.id(n.Key)
		}
		for _, r := range st.Roles {
			ix.roles.id(r.Key)
		}
	}
	nn, nr := len(ix.nodes.keys), len(ix.roles.keys)
	for s, st := range states {
		ix.parent[s] = make([]int32, nn)
		for i := range ix.parent[s] {
			ix.parent[s][i] = -2
		}
		for _, n := range st.Nodes {
			p := int32(-1)
			if parent, ok := ix.nodes.ids[n.ParentKey]; ok {
				p = parent
			}
			ix.parent[s][ix.nodes.ids[n.Key]] = p
		}
		ix.rolePerms[s] = make([][]int32, nr)
		for _, r := range st.Roles {
			ps := make([]int32, 0, len(r.Permissions))
			for _, p := range r.Permissions {
				ps = append(ps, ix.perms.id(p))
			}
			slices.Sort(ps)
			ix.rolePerms[s][ix.roles.ids[r.Key]] = slices.Compact(ps)
		}
	}
	// A parent the state lacks (an inconsistent state) counts as none.
	for s := range ix.parent {
		for n, p := range ix.parent[s] {
			if p >= 0 && ix.parent[s][p] == -2 {
				ix.parent[s][n] = -1
			}
		}
	}
	ix.atNode = make([][]int32, nn)
	ix.internAssignments(states)
	ix.candidates = make([][]uint64, nn)
	ix.special = make([]bool, nn)
	for n := range nn {
		for _, a := range ix.atNode[n] {
			ix.candidates[n] = ix.changedGrants(a, ix.candidates[n])
		}
		slices.Sort(ix.candidates[n])
		ix.candidates[n] = slices.Compact(ix.candidates[n])
		for _, k := range ix.candidates[n] {
			ix.tracked[k] = true
		}
		ix.special[n] = ix.moved(n)
	}
	for s := range 2 {
		ix.seen[s] = make([]map[uint64]holding, nn)
	}
	return ix
}

// internAssignments numbers the assignments of both states, each distinct
// one once. The states usually share most of them in the same order (an
// import prunes some, a change set adds or deletes a few), so the state
// after is first matched against the state before in step, and an
// assignment is looked up only where the two differ.
func (ix *impactIndex) internAssignments(states [2]AccessState) {
	before, after := states[stateBefore].Assignments, states[stateAfter].Assignments
	var byTriple map[[3]int32]int32
	unsorted := false
	lastIdentity, lastID := "", int32(-1)
	add := func(s int, a RoleAssignment) {
		node, okN := ix.nodes.ids[a.NodeKey]
		role, okR := ix.roles.ids[a.RoleKey]
		if !okN || !okR || ix.parent[s][node] == -2 {
			return
		}
		if a.IdentityKey != lastIdentity || lastID < 0 {
			lastIdentity, lastID = a.IdentityKey, ix.identities.id(a.IdentityKey)
		}
		t := [3]int32{lastID, role, node}
		i, ok := int32(0), false
		if byTriple != nil {
			i, ok = byTriple[t]
		}
		if !ok {
			i = int32(len(ix.assignments))
			if byTriple != nil {
				byTriple[t] = i
			}
			ix.assignments = append(ix.assignments, impactAssignment{t[0], t[1], t[2]})
			ix.atNode[node] = append(ix.atNode[node], i)
			ix.in[0], ix.in[1] = append(ix.in[0], false), append(ix.in[1], false)
		}
		ix.in[s][i] = true
	}
	// index[j] is the interned index of before[j], or -1.
	index := make([]int32, len(before))
	for j, a := range before {
		n := len(ix.assignments)
		add(stateBefore, a)
		index[j] = -1
		if len(ix.assignments) > n {
			index[j] = int32(n)
		}
	}
	cursor := 0
	for _, a := range after {
		for cursor < len(before) && before[cursor] != a && !ix.kept(before[cursor]) {
			cursor++
		}
		if cursor < len(before) && before[cursor] == a && index[cursor] >= 0 {
			ix.in[stateAfter][index[cursor]] = true
			cursor++
			continue
		}
		if byTriple == nil {
			unsorted = true
			byTriple = make(map[[3]int32]int32, len(ix.assignments))
			for i, as := range ix.assignments {
				byTriple[[3]int32{as.identity, as.role, as.node}] = int32(i)
			}
		}
		add(stateAfter, a)
	}
	if unsorted {
		// Assignments only the state after has came last: put each node's
		// back in key order.
		for _, at := range ix.atNode {
			slices.SortFunc(at, func(a, b int32) int {
				x, y := ix.assignments[a], ix.assignments[b]
				return cmp.Or(cmp.Compare(ix.identities.keys[x.identity], ix.identities.keys[y.identity]), cmp.Compare(ix.roles.keys[x.role], ix.roles.keys[y.role]))
			})
		}
	}
}

// kept reports whether the state after keeps a's role and node: an
// assignment it lacks although it keeps both was deleted by the change,
// not pruned with them.
func (ix *impactIndex) kept(a RoleAssignment) bool {
	node, okN := ix.nodes.ids[a.NodeKey]
	role, okR := ix.roles.ids[a.RoleKey]
	return okN && okR && ix.parent[stateAfter][node] != -2 && ix.rolePerms[stateAfter][role] != nil
}

// changedGrants appends to out the pairs assignment a grants in one state
// and not in the other.
func (ix *impactIndex) changedGrants(a int32, out []uint64) []uint64 {
	as := ix.assignments[a]
	var held [2][]int32
	for s := range 2 {
		if ix.in[s][a] {
			held[s] = ix.rolePerms[s][as.role]
		}
	}
	b, c := held[0], held[1]
	for len(b) > 0 || len(c) > 0 {
		switch {
		case len(c) == 0 || (len(b) > 0 && b[0] < c[0]):
			out, b = append(out, pairKey(as.identity, b[0])), b[1:]
		case len(b) == 0 || c[0] < b[0]:
			out, c = append(out, pairKey(as.identity, c[0])), c[1:]
		default:
			b, c = b[1:], c[1:]
		}
	}
	return out
}

// moved reports a node whose parent differs between the states in a way
// that can start or end a region of its own: moved between two nodes,
// deleted from under a node that stays, or created under one that was
// there. (A node deleted or created with its parent is inside its parent's
// region; the grants of its own assignments are candidates anyway.)
func (ix *impactIndex) moved(n int) bool {
	b, a := ix.parent[stateBefore][n], ix.parent[stateAfter][n]
	switch {
	case b == a:
		return false
	case a == -2:
		return b == -1 || ix.parent[stateAfter][b] != -2
	case b == -2:
		return a == -1 || ix.parent[stateBefore][a] != -2
	}
	return true
}

// walk visits state s's hierarchy depth first. nearest maps each tracked
// pair held on the current path to its nearest granting assignment (+1);
// the log of what each node pushed restores it on the way back up.
func (ix *impactIndex) walk(s int) {
	nn := len(ix.nodes.keys)
	children := make([][]int32, nn)
	var roots []int32
	for n := range nn {
		switch p := ix.parent[s][n]; {
		case p == -2:
		case p == -1:
			roots = append(roots, int32(n))
		default:
			children[p] = append(children[p], int32(n))
		}
	}
	type pushed struct {
		key  uint64
		prev int32
	}
	nearest := make(map[uint64]int32, len(ix.tracked))
	var log []pushed
	type frame struct {
		node    int32
		logLen  int
		entered bool
	}
	stack := make([]frame, 0, len(roots))
	for i := len(roots) - 1; i >= 0; i-- {
		stack = append(stack, frame{node: roots[i]})
	}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.entered {
			for _, e := range slices.Backward(log[f.logLen:]) {
				if e.prev == 0 {
					delete(nearest, e.key)
				} else {
					nearest[e.key] = e.prev
				}
			}
			log = log[:f.logLen]
			stack = stack[:len(stack)-1]
			continue
		}
		f.entered, f.logLen = true, len(log)
		n := f.node
		cands := ix.candidates[n]
		var seen map[uint64]holding
		if len(cands) > 0 {
			seen = make(map[uint64]holding, len(cands))
			for _, k := range cands {
				seen[k] = holding{parent: nearest[k] != 0}
			}
			ix.seen[s][n] = seen
		}
		// Backwards, so that of two assignments at one node granting the
		// same pair, the first in key order is named.
		for _, a := range slices.Backward(ix.atNode[n]) {
			if !ix.in[s][a] {
				continue
			}
			as := ix.assignments[a]
			for _, p := range ix.rolePerms[s][as.role] {
				k := pairKey(as.identity, p)
				if !ix.tracked[k] {
					continue
				}
				log = append(log, pushed{k, nearest[k]})
				nearest[k] = a + 1
			}
		}
		for _, k := range cands {
			h := seen[k]
			h.here, h.by = nearest[k] != 0, nearest[k]-1
			seen[k] = h
		}
		for _, c := range slices.Backward(children[n]) {
			stack = append(stack, frame{node: c})
		}
	}
}

// seeMoved records, at each moved node, every pair each state holds there
// and at its parent, walking up from it: moves are few, and the pairs held
// there need not be tracked by the walks.
func (ix *impactIndex) seeMoved() {
	for n, special := range ix.special {
		if !special {
			continue
		}
		for s := range 2 {
			if ix.parent[s][n] == -2 {
				continue
			}
			parent := ix.holdings(s, ix.parent[s][n])
			seen := map[uint64]holding{}
			for k, by := range parent {
				seen[k] = holding{here: true, parent: true, by: by}
			}
			for _, a := range slices.Backward(ix.atNode[n]) {
				if !ix.in[s][a] {
					continue
				}
				as := ix.assignments[a]
				for _, p := range ix.rolePerms[s][as.role] {
					k := pairKey(as.identity, p)
					seen[k] = holding{here: true, parent: seen[k].parent, by: a}
				}
			}
			ix.seen[s][n] = seen
		}
	}
}

// holdings maps every pair state s holds at node n to its nearest granting
// assignment, walking up from n.
func (ix *impactIndex) holdings(s int, n int32) map[uint64]int32 {
	if held, ok := ix.held[s][n]; ok {
		return held
	}
	if ix.held[s] == nil {
		ix.held[s] = map[int32]map[uint64]int32{}
	}
	held := map[uint64]int32{}
	ix.held[s][n] = held
	for depth := 0; n >= 0 && depth < MaxHierarchyDepth; depth++ {
		for _, a := range ix.atNode[n] {
			if !ix.in[s][a] {
				continue
			}
			as := ix.assignments[a]
			for _, p := range ix.rolePerms[s][as.role] {
				if _, nearer := held[pairKey(as.identity, p)]; !nearer {
					held[pairKey(as.identity, p)] = a
				}
			}
		}
		n = ix.parent[s][n]
	}
	return held
}

// result picks the tops of the regions that change. A grant of pair k at
// node n is removed when the state before holds k at n and the state after
// does not, and n is the top of that region in the hierarchy before (its
// parent there is not removed too); added grants likewise, in the
// hierarchy after.
func (ix *impactIndex) result(env string) *AccessImpact {
	im := &AccessImpact{Removed: []AccessGrant{}, Added: []AccessGrant{}}
	for n := range ix.nodes.keys {
		for dir := range 2 {
			other := 1 - dir
			for k, from := range ix.seen[dir][n] {
				to := ix.seen[other][n][k]
				// from holds k at n, to does not: a change; a top when the
				// parent in from's hierarchy is not changed the same way.
				if !from.here || to.here {
					continue
				}
				if from.parent && !ix.heldAtParent(dir, n, k, to) {
					continue
				}
				identity, perm := pairOf(k)
				g := AccessGrant{
					IdentityKey: ix.identities.keys[identity],
					Permission:  ix.perms.keys[perm],
					NodeKey:     ix.nodes.keys[n],
					Assignment:  ix.assignmentID(env, from.by),
				}
				if dir == stateBefore {
					im.Removed = append(im.Removed, g)
				} else {
					im.Added = append(im.Added, g)
				}
			}
		}
	}
	sortGrants(im.Removed)
	sortGrants(im.Added)
	im.Totals = impactTotals(im.Removed, im.Added)
	return im
}

// heldAtParent reports whether the state other than dir holds pair k at
// the parent (in dir's hierarchy) of node n: when it does, the parent
// keeps the grant and n is the top of the change.
func (ix *impactIndex) heldAtParent(dir, n int, k uint64, to holding) bool {
	p := ix.parent[dir][n]
	other := 1 - dir
	if p < 0 || ix.parent[other][p] == -2 {
		return false
	}
	if !ix.special[n] {
		// Same parent in both states: what the other state's walk saw.
		return to.parent
	}
	_, ok := ix.holdings(other, p)[k]
	return ok
}

func (ix *impactIndex) assignmentID(env string, a int32) string {
	if a < 0 {
		return ""
	}
	as := ix.assignments[a]
	return env + "/" + RoleAssignmentKey(ix.identities.keys[as.identity], ix.roles.keys[as.role], ix.nodes.keys[as.node])
}

func sortGrants(gs []AccessGrant) {
	slices.SortFunc(gs, func(a, b AccessGrant) int {
		return cmp.Or(cmp.Compare(a.Permission, b.Permission), cmp.Compare(a.NodeKey, b.NodeKey), cmp.Compare(a.IdentityKey, b.IdentityKey))
	})
}

// impactTotals counts sorted grants exactly.
func impactTotals(removed, added []AccessGrant) AccessImpactTotals {
	t := AccessImpactTotals{Removed: len(removed), Added: len(added),
		ByPermission: []PermissionImpact{}, ByIdentity: []IdentityImpact{}}
	perms := map[string]*PermissionImpact{}
	idents := map[string]*IdentityImpact{}
	losing, gaining := map[string]bool{}, map[string]bool{}
	permIdent := map[[3]string]bool{}
	count := func(gs []AccessGrant, removedDir bool) []GrantGroup {
		groups := []GrantGroup{}
		for _, g := range gs {
			p := perms[g.Permission]
			if p == nil {
				p = &PermissionImpact{Permission: g.Permission}
				perms[g.Permission] = p
			}
			id := idents[g.IdentityKey]
			if id == nil {
				id = &IdentityImpact{IdentityKey: g.IdentityKey}
				idents[g.IdentityKey] = id
			}
			dir := "added"
			if removedDir {
				dir = "removed"
			}
			first := !permIdent[[3]string{dir, g.Permission, g.IdentityKey}]
			permIdent[[3]string{dir, g.Permission, g.IdentityKey}] = true
			if removedDir {
				p.Removed++
				id.Removed++
				losing[g.IdentityKey] = true
				if first {
					p.IdentitiesLosing++
				}
			} else {
				p.Added++
				id.Added++
				gaining[g.IdentityKey] = true
				if first {
					p.IdentitiesGaining++
				}
			}
			if n := len(groups); n == 0 || groups[n-1].Permission != g.Permission || groups[n-1].NodeKey != g.NodeKey {
				groups = append(groups, GrantGroup{Permission: g.Permission, NodeKey: g.NodeKey, IdentityKeys: []string{}})
			}
			last := &groups[len(groups)-1]
			last.Identities++
			if len(last.IdentityKeys) < GroupIdentityKeys {
				last.IdentityKeys = append(last.IdentityKeys, g.IdentityKey)
			}
		}
		return groups
	}
	t.RemovedAt = count(removed, true)
	t.AddedAt = count(added, false)
	t.RemovedGroups, t.AddedGroups = len(t.RemovedAt), len(t.AddedAt)
	t.IdentitiesLosing, t.IdentitiesGaining = len(losing), len(gaining)
	for _, p := range perms {
		t.ByPermission = append(t.ByPermission, *p)
	}
	slices.SortFunc(t.ByPermission, func(a, b PermissionImpact) int { return cmp.Compare(a.Permission, b.Permission) })
	for _, id := range idents {
		t.ByIdentity = append(t.ByIdentity, *id)
	}
	slices.SortFunc(t.ByIdentity, func(a, b IdentityImpact) int { return cmp.Compare(a.IdentityKey, b.IdentityKey) })
	t.Identities = len(t.ByIdentity)
	return t
}

// Describe says what a group means for people: "removes documents.write
// at engineering and below from 12 identities (ada, bob, …)". withKeys
// false names counts only, for an environment that obfuscates customer
// data.
func (g GrantGroup) Describe(removed, withKeys bool) string {
	verb, prep := "adds", "to"
	if removed {
		verb, prep = "removes", "from"
	}
	who := Identities(g.Identities)
	if withKeys && len(g.IdentityKeys) > 0 {
		names := strings.Join(g.IdentityKeys, ", ")
		if g.Identities > len(g.IdentityKeys) {
			names += ", …"
		}
		who += " (" + names + ")"
	}
	return fmt.Sprintf("%s %s at %s and below %s %s", verb, g.Permission, g.NodeKey, prep, who)
}

// Identities counts identities in words: "1 identity", "12 identities".
func Identities(n int) string {
	if n == 1 {
		return "1 identity"
	}
	return fmt.Sprintf("%d identities", n)
}

// Grants counts grants in words.
func Grants(n int) string {
	if n == 1 {
		return "1 grant"
	}
	return fmt.Sprintf("%d grants", n)
}

// Counts says the totals in words: "2 grants removed from 1 identity,
// none added".
func (t AccessImpactTotals) Counts() string {
	removed, added := "none removed", "none added"
	if t.Removed > 0 {
		removed = fmt.Sprintf("%s removed from %s", Grants(t.Removed), Identities(t.IdentitiesLosing))
	}
	if t.Added > 0 {
		added = fmt.Sprintf("%s added to %s", Grants(t.Added), Identities(t.IdentitiesGaining))
	}
	return removed + ", " + added
}

// Summary describes the impact's groups, removed first, at most max of
// them, then how many more there are.
func (im *AccessImpact) Summary(max int, withKeys bool) []string {
	var lines []string
	for _, g := range im.Totals.RemovedAt {
		if len(lines) < max {
			lines = append(lines, g.Describe(true, withKeys))
		}
	}
	for _, g := range im.Totals.AddedAt {
		if len(lines) < max {
			lines = append(lines, g.Describe(false, withKeys))
		}
	}
	if more := im.Totals.RemovedGroups + im.Totals.AddedGroups - len(lines); more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more (permission, node) pairs", more))
	}
	return lines
}
