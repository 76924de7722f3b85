package backend

import (
	"errors"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Hierarchy nodes: the tree role assignments are made at.

var hierarchyNodeRules = &rules[domain.HierarchyNode]{
	kind: domain.KindHierarchyNode,
	check: func(w *write, old, node *domain.HierarchyNode) error {
		// Only an existing node can close a cycle: a new one is nobody's
		// ancestor (references never dangle), so it cannot be its own.
		if node.ParentKey == "" || old == nil || old.ParentKey == node.ParentKey {
			return nil
		}
		return domain.CheckHierarchyMove(node.Key, node.ParentKey, func(key string) (string, error) {
			n, err := load[domain.HierarchyNode](w.tx, domain.KindHierarchyNode, w.env.Slug, key)
			if n == nil || err != nil {
				return "", err
			}
			return n.ParentKey, nil
		})
	},
	deleting: deleteSubtree,
}

const cascadeDoc = "A node that still has child nodes or role assignments is deleted only with cascade=true, which deletes its whole subtree and every role assignment on it in the same transaction."

// deleteSubtree makes room for a node's deletion: without cascade it
// refuses while the node has children or assignments, naming them; with
// cascade it deletes them, each child's subtree first.
func deleteSubtree(w *write, node *domain.HierarchyNode, cascade bool) error {
	if !cascade {
		by, err := w.tx.Referrers(store.Ref{Environment: w.env.Slug, Kind: domain.KindHierarchyNode.Name, Key: node.Key}, 0)
		if err != nil || len(by) == 0 {
			return err
		}
		return domain.Errorf(domain.CodeConflict, "hierarchy node %q still has %s; delete them first, or delete the node with cascade=true to delete its whole subtree and the role assignments on it",
			node.Key, describeRefs(by, w.env.Slug))
	}
	return deleteDescendants(w, node.Key, node.Key)
}

// deleteDescendants deletes the child nodes of key with their subtrees, and
// the role assignments on key, recording each delete as a cascade from
// root. Anything else referring to them is left to refuse the delete.
func deleteDescendants(w *write, root, key string) error {
	by, err := w.tx.Referrers(store.Ref{Environment: w.env.Slug, Kind: domain.KindHierarchyNode.Name, Key: key}, 0)
	if err != nil {
		return err
	}
	for _, r := range by {
		if r.Kind != domain.KindHierarchyNode.Name && r.Kind != domain.KindRoleAssignment.Name {
			continue
		}
		if r.Kind == domain.KindHierarchyNode.Name {
			if err := deleteDescendants(w, root, r.Key); err != nil {
				return err
			}
		}
		o, err := w.tx.Object(r.Environment, r.Kind, r.Key)
		if err != nil {
			return err
		}
		if err := w.tx.DeleteObject(r.Environment, r.Kind, r.Key); err != nil {
			var re *store.ReferencedError
			if errors.As(err, &re) {
				return domain.Errorf(domain.CodeConflict, "hierarchy node %q cannot be deleted with its subtree: %s is still used by %s; remove those references first",
					root, describeRefs([]store.Ref{r}, w.env.Slug), describeRefs(re.By, w.env.Slug))
			}
			return err
		}
		if err := w.audit("delete", r.Kind, r.Key, o.Version, map[string]string{"cascade_from": root}); err != nil {
			return err
		}
	}
	return nil
}

type listHierarchyNodesInput struct {
	ListParams
	ParentKey string `query:"parent_key" doc:"Only the children of this node."`
	RootsOnly bool   `query:"roots_only" doc:"Only root nodes (those without a parent)."`
}

func filterHierarchyNodes(in *listHierarchyNodesInput) listFilter[domain.HierarchyNode] {
	var f listFilter[domain.HierarchyNode]
	if in.ParentKey != "" {
		f.refTo = &domain.Ref{Kind: domain.KindHierarchyNode, Key: in.ParentKey}
	}
	if in.RootsOnly {
		f.keep = func(n *domain.HierarchyNode) bool { return n.ParentKey == "" }
	}
	return f
}

// registerHierarchyNodeRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerHierarchyNodeRoutes() {
	registerEnvObjects[domain.HierarchyNode, *domain.HierarchyNode, listHierarchyNodesInput](s, hierarchyNodeRules, "hierarchy-nodes", filterHierarchyNodes, routeOptions{cascade: cascadeDoc})
}
