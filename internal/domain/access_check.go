package domain

import (
	"fmt"
	"sort"
)

// MaxAccessChecks bounds one batch of access checks, so that a request's
// cost stays proportional to what a pipeline needs.
const MaxAccessChecks = 1000

// AccessQuestion asks whether an identity holds a permission at a node.
type AccessQuestion struct {
	IdentityKey string `json:"identity_key" doc:"Key of the identity (account-level) whose access is checked." example:"ada"`
	Permission  string `json:"permission" doc:"Key of the permission checked." example:"documents.write"`
	NodeKey     string `json:"node_key" doc:"Key of the hierarchy node the permission is checked at." example:"team-a"`
}

// AccessAnswer is the answer to an AccessQuestion, with its grounds.
type AccessAnswer struct {
	AccessQuestion
	Allowed bool `json:"allowed" doc:"Whether some role assignment of the identity, at the node or at one of its ancestors, grants the permission."`
	// GrantedBy lists every granting assignment, nearest node first, so a
	// reviewer sees each one that would have to go to revoke the access.
	GrantedBy []string `json:"granted_by" nullable:"false" doc:"Ids (<environment>/<identity_key>/<role_key>/<node_key>) of the role assignments granting the permission, from the nearest node up; empty when not allowed."`
	Path      []string `json:"path" nullable:"false" doc:"The node checked, then each of its ancestors up to its root: the nodes whose assignments count."`
}

// AccessIndex answers access questions about one environment. It is built
// once per request from the environment's hierarchy, roles and
// assignments, so that each check only walks the node's ancestors.
type AccessIndex struct {
	environment string
	parent      map[string]string
	// depth is each node's number of ancestors, up to MaxHierarchyDepth,
	// so that an answer's path is allocated once at its size.
	depth       map[string]int
	identities  map[string]bool
	permissions map[string]bool
	// grants maps an identity to the roles it holds at each node.
	grants map[string]map[string][]string
	// rolePermissions maps a role to the set of permissions it grants.
	rolePermissions map[string]map[string]bool
}

// NewAccessIndex indexes an environment. identities and permissions are
// the keys that exist, so that a question naming another one is refused
// rather than answered "no": a typo in a pipeline's check must not pass
// for a revoked grant.
func NewAccessIndex(environment string, identities, permissions []string, nodes []HierarchyNode, roles []Role, assignments []RoleAssignment) *AccessIndex {
	ix := &AccessIndex{
		environment:     environment,
		parent:          make(map[string]string, len(nodes)),
		identities:      make(map[string]bool, len(identities)),
		permissions:     make(map[string]bool, len(permissions)),
		grants:          map[string]map[string][]string{},
		rolePermissions: make(map[string]map[string]bool, len(roles)),
	}
	for _, k := range identities {
		ix.identities[k] = true
	}
	for _, k := range permissions {
		ix.permissions[k] = true
	}
	for _, n := range nodes {
		ix.parent[n.Key] = n.ParentKey
	}
	ix.depth = make(map[string]int, len(nodes))
	for _, n := range nodes {
		ix.depthOf(n.Key)
	}
	for _, r := range roles {
		set := make(map[string]bool, len(r.Permissions))
		for _, p := range r.Permissions {
			set[p] = true
		}
		ix.rolePermissions[r.Key] = set
	}
	for _, a := range assignments {
		byNode := ix.grants[a.IdentityKey]
		if byNode == nil {
			byNode = map[string][]string{}
			ix.grants[a.IdentityKey] = byNode
		}
		byNode[a.NodeKey] = append(byNode[a.NodeKey], a.RoleKey)
	}
	for _, byNode := range ix.grants {
		for _, roles := range byNode {
			sort.Strings(roles)
		}
	}
	return ix
}

// Check answers one question. A question naming an identity, permission
// or node that does not exist is a validation error naming the field.
func (ix *AccessIndex) Check(q AccessQuestion) (AccessAnswer, error) {
	var probs Problems
	ix.checkQuestion(&probs, q)
	if err := probs.Err(); err != nil {
		return AccessAnswer{}, err
	}
	return ix.answer(q)
}

// CheckAll answers a batch in order, in one pass over the questions.
// Every unanswerable question is reported at once, each under checks[i].
func (ix *AccessIndex) CheckAll(qs []AccessQuestion) ([]AccessAnswer, error) {
	var probs Problems
	if len(qs) == 0 {
		probs.Add("checks", "must hold at least one check")
	}
	if len(qs) > MaxAccessChecks {
		probs.Add("checks", "must hold at most %d checks; split the batch", MaxAccessChecks)
		return nil, probs.Err()
	}
	answers := make([]AccessAnswer, len(qs))
	for i, q := range qs {
		var p Problems
		ix.checkQuestion(&p, q)
		if len(p) > 0 {
			probs.Merge(fmt.Sprintf("checks[%d]", i), p)
			continue
		}
		if len(probs) > 0 {
			// The batch is refused: only its problems are still wanted.
			continue
		}
		a, err := ix.answer(q)
		if err != nil {
			return nil, err
		}
		answers[i] = a
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return answers, nil
}

func (ix *AccessIndex) checkQuestion(p *Problems, q AccessQuestion) {
	checkKeyField(p, "identity_key", q.IdentityKey)
	checkKeyField(p, "permission", q.Permission)
	checkKeyField(p, "node_key", q.NodeKey)
	if len(*p) > 0 {
		return
	}
	missing := func(field string, kind Kind, key string) {
		p.Add(field, "%s", Ref{Kind: kind, Key: key}.Missing(ix.environment))
	}
	if !ix.identities[q.IdentityKey] {
		missing("identity_key", KindIdentity, q.IdentityKey)
	}
	if !ix.permissions[q.Permission] {
		missing("permission", KindPermission, q.Permission)
	}
	if _, ok := ix.parent[q.NodeKey]; !ok {
		missing("node_key", KindHierarchyNode, q.NodeKey)
	}
}

// depthOf is the number of ancestors of node k, memoised; a chain longer
// than MaxHierarchyDepth (a damaged store's cycle) counts as that long,
// and answer reports it.
func (ix *AccessIndex) depthOf(k string) int {
	var chain []string
	d := 0
	for at := k; ; at = ix.parent[at] {
		if known, ok := ix.depth[at]; ok {
			d = known
			break
		}
		parent, exists := ix.parent[at]
		if !exists || parent == "" {
			break // a root, or a parent the store does not hold: the walk ends there
		}
		chain = append(chain, at)
		if len(chain) > MaxHierarchyDepth {
			d = MaxHierarchyDepth
			break
		}
	}
	if _, ok := ix.depth[k]; !ok && len(chain) == 0 {
		ix.depth[k] = d
	}
	for i := len(chain) - 1; i >= 0; i-- {
		d = min(d+1, MaxHierarchyDepth)
		ix.depth[chain[i]] = d
	}
	return ix.depth[k]
}

// answer walks from the node up to its root, collecting the identity's
// assignments whose role grants the permission.
func (ix *AccessIndex) answer(q AccessQuestion) (AccessAnswer, error) {
	a := AccessAnswer{AccessQuestion: q, GrantedBy: []string{}, Path: make([]string, 0, min(ix.depth[q.NodeKey]+1, MaxHierarchyDepth))}
	byNode := ix.grants[q.IdentityKey]
	for at := q.NodeKey; at != ""; at = ix.parent[at] {
		if len(a.Path) == MaxHierarchyDepth {
			return AccessAnswer{}, Errorf(CodeConflict, "the hierarchy above node %q is deeper than %d levels or holds a cycle", q.NodeKey, MaxHierarchyDepth)
		}
		a.Path = append(a.Path, at)
		for _, role := range byNode[at] {
			if ix.rolePermissions[role][q.Permission] {
				a.GrantedBy = append(a.GrantedBy, ix.environment+"/"+RoleAssignmentKey(q.IdentityKey, role, at))
			}
		}
	}
	a.Allowed = len(a.GrantedBy) > 0
	return a, nil
}

// AccessCheckBatch is many access questions in one request, for pipelines.
type AccessCheckBatch struct {
	Checks []AccessQuestion `json:"checks" minItems:"1" maxItems:"1000" nullable:"false" doc:"The questions, 1–1000; answered in order."`
}

// AccessCheckBatchResult answers an AccessCheckBatch.
type AccessCheckBatchResult struct {
	Results []AccessAnswer `json:"results" nullable:"false" doc:"One answer per question, in the order asked."`
}
