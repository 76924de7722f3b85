package domain

import (
	"fmt"
	"slices"
	"strings"
)

// KindHierarchyNode is the kind of hierarchy nodes.
var KindHierarchyNode = Kind{Name: "hierarchy_node", Noun: "hierarchy node", Collection: "hierarchy-nodes"}

// HierarchyNode is one node of an environment's organisation hierarchy: a
// forest whose roots have no parent. Moving a node moves its subtree.
type HierarchyNode struct {
	Key       string `json:"key" doc:"Identifier within the environment; taken from the path on writes, so a body may leave it out or repeat it." example:"emea"`
	Name      string `json:"name" doc:"Display name." example:"EMEA"`
	ParentKey string `json:"parent_key,omitempty" doc:"Key of the parent node; absent or empty for a root. Changing it moves the node with its whole subtree; a node cannot move under itself or its descendants." example:"global"`
	Meta
}

func (n *HierarchyNode) ObjectKey() string     { return n.Key }
func (n *HierarchyNode) SetObjectKey(k string) { n.Key = k }

// References makes the parent a node that must exist and that cannot be
// deleted while it has children.
func (n *HierarchyNode) References() []Ref {
	if n.ParentKey == "" {
		return nil
	}
	return []Ref{{Kind: KindHierarchyNode, Key: n.ParentKey, Field: "parent_key"}}
}

// Validate checks the node's fields.
func (n *HierarchyNode) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "key", n.Key)
	checkText(&probs, "name", n.Name, MaxNameLength, true)
	if n.ParentKey != "" {
		checkKeyField(&probs, "parent_key", n.ParentKey)
		if n.ParentKey == n.Key {
			probs.Add("parent_key", "a node cannot be its own parent")
		}
	}
	return probs
}

// MaxHierarchyDepth bounds the walk up a hierarchy, so that a damaged
// store cannot make it loop.
const MaxHierarchyDepth = 10_000

// CheckHierarchyMove refuses to make parent the parent of node when that
// would close a cycle: when node is parent itself or one of its ancestors.
// parentOf returns a node's parent key ("" for a root or a missing node).
func CheckHierarchyMove(node, parent string, parentOf func(key string) (string, error)) error {
	chain := []string{parent}
	for at := parent; at != ""; {
		if at == node {
			slices.Reverse(chain)
			return (&Problems{{Field: "parent_key", Message: fmt.Sprintf(
				"hierarchy node %q is %q or one of its descendants (%s); a node cannot move under its own subtree",
				parent, node, strings.Join(chain, " → "))}}).Err()
		}
		if len(chain) > MaxHierarchyDepth {
			return Errorf(CodeConflict, "the hierarchy above node %q is deeper than %d levels", parent, MaxHierarchyDepth)
		}
		next, err := parentOf(at)
		if err != nil {
			return err
		}
		at = next
		if at != "" {
			chain = append(chain, at)
		}
	}
	return nil
}
