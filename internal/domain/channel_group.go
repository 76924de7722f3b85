package domain

import (
	"fmt"
	"slices"
	"strings"
)

// KindChannelGroup is the kind of channel groups.
var KindChannelGroup = Kind{Name: "channel_group", Noun: "channel group", Collection: "channel-groups"}

// Operators of a channel group, and the types of its rules.
var (
	ChannelGroupOperators = []string{"any", "all"}
	ChannelRuleTypes      = []string{"always", "if", "unless"}
)

// MaxChannelRules caps the rules of one channel group.
const MaxChannelRules = 50

// ChannelGroup is a set of channels of one type that a workflow step sends
// through instead of one channel: the group's rules say which. Like
// channels, groups are each environment's own, never promoted.
type ChannelGroup struct {
	Key          string        `json:"key" doc:"Identifier within the environment, named by workflow steps' channel.channel_group_key; taken from the path on writes, so a body may leave it out or repeat it." example:"chat-fallback"`
	Name         string        `json:"name" doc:"Display name."`
	ChannelType  string        `json:"channel_type" values:"delivery_channel_types" doc:"Type of every channel of the group, and of the steps that send through it."`
	Operator     string        `json:"operator" values:"channel_group_operators" doc:"any: the message goes through the first channel whose rule holds; all: through every channel whose rule holds."`
	ChannelRules []ChannelRule `json:"channel_rules" minItems:"1" nullable:"false" doc:"The group's channels, in order, each with the rule that says when it is used."`
	Meta
}

// ChannelRule is one channel of a group with the rule that selects it.
type ChannelRule struct {
	ChannelKey string      `json:"channel_key" doc:"Key of a channel of the group's channel_type in the environment." example:"slack"`
	RuleType   string      `json:"rule_type" values:"channel_rule_types" doc:"always: the channel is used; if: used when conditions hold; unless: used when they do not."`
	Conditions *Conditions `json:"conditions,omitempty" doc:"Conditions of an if or unless rule, in the workflow's conditions shape; absent for always."`
}

func (g *ChannelGroup) ObjectKey() string     { return g.Key }
func (g *ChannelGroup) SetObjectKey(k string) { g.Key = k }

// References are the group's channels: a channel a group uses is not
// deleted while it does.
func (g *ChannelGroup) References() []Ref { return ChannelRefs(g.ChannelUses()) }

// ChannelUses are the group's channels, each needing the group's type.
func (g *ChannelGroup) ChannelUses() []ChannelUse {
	uses := make([]ChannelUse, 0, len(g.ChannelRules))
	for i, r := range g.ChannelRules {
		uses = append(uses, ChannelUse{Field: fmt.Sprintf("channel_rules[%d].channel_key", i), Type: g.ChannelType, Key: r.ChannelKey})
	}
	return uses
}

// Validate checks the group's fields, naming each rule's by its index.
func (g *ChannelGroup) Validate() Problems {
	var p Problems
	checkKeyField(&p, "key", g.Key)
	checkText(&p, "name", g.Name, MaxNameLength, true)
	if !slices.Contains(DeliveryChannelTypes, g.ChannelType) {
		p.Add("channel_type", "must be one of %s", strings.Join(DeliveryChannelTypes, ", "))
	}
	if !slices.Contains(ChannelGroupOperators, g.Operator) {
		p.Add("operator", "must be one of %s", strings.Join(ChannelGroupOperators, ", "))
	}
	switch {
	case len(g.ChannelRules) == 0:
		p.Add("channel_rules", "must have at least one rule")
	case len(g.ChannelRules) > MaxChannelRules:
		p.Add("channel_rules", "must have at most %d rules (got %d)", MaxChannelRules, len(g.ChannelRules))
	}
	seen := map[string]int{}
	for i, r := range g.ChannelRules {
		at := fmt.Sprintf("channel_rules[%d]", i)
		checkKeyField(&p, at+".channel_key", r.ChannelKey)
		if first, ok := seen[r.ChannelKey]; ok && r.ChannelKey != "" {
			p.Add(at+".channel_key", "channel %q is already the channel of channel_rules[%d]: a channel appears once in a group", r.ChannelKey, first)
		} else {
			seen[r.ChannelKey] = i
		}
		switch {
		case !slices.Contains(ChannelRuleTypes, r.RuleType):
			p.Add(at+".rule_type", "must be one of %s", strings.Join(ChannelRuleTypes, ", "))
		case r.RuleType == "always" && r.Conditions != nil:
			p.Add(at+".conditions", "must be absent for rule_type always")
		case r.RuleType != "always" && r.Conditions == nil:
			p.Add(at+".conditions", "is required for rule_type %s", r.RuleType)
		}
		if r.Conditions != nil {
			p.Merge(at+".conditions", r.Conditions.validate())
		}
	}
	return p
}

// ChannelGroupUser is implemented by kinds whose objects send through
// channel groups (workflows). Its uses are judged by CheckChannelGroupUses
// wherever channel uses are, and stored as references, so a group in use
// cannot be deleted.
type ChannelGroupUser interface {
	ChannelGroupUses() []ChannelUse
}

// ChannelGroupUses lists the workflow's channel steps that send through a
// channel group: each needs a group of the step's type.
func (w *Workflow) ChannelGroupUses() []ChannelUse {
	var uses []ChannelUse
	w.EachStep(func(at string, s *Step) {
		if c := s.Channel; c != nil && c.ChannelGroupKey != "" {
			uses = append(uses, ChannelUse{Field: at + ".channel.channel_group_key", Type: c.Type, Key: c.ChannelGroupKey})
		}
	})
	return uses
}

// ChannelGroupRefs are the references the group uses make, for the store.
func ChannelGroupRefs(uses []ChannelUse) []Ref {
	var refs []Ref
	for _, u := range uses {
		if u.Key != "" && !slices.ContainsFunc(refs, func(r Ref) bool { return r.Key == u.Key }) {
			refs = append(refs, Ref{Kind: KindChannelGroup, Key: u.Key, Field: u.Field})
		}
	}
	return refs
}

// CheckChannelGroupUses judges the channel group uses of an object written
// to environment env: each must name a group of the step's channel type
// that env has. groupType answers a group's channel type and whether env
// has it.
func CheckChannelGroupUses(env string, uses []ChannelUse, groupType ChannelTypeOf) Problems {
	var p Problems
	for _, u := range uses {
		if u.Key == "" || !slices.Contains(ChannelTypes, u.Type) {
			continue // the object's own validation names these
		}
		if !slices.Contains(DeliveryChannelTypes, u.Type) {
			p.Add(u.Field, "no channel group has type %s (channel groups are %s): send through one of those types", u.Type, strings.Join(DeliveryChannelTypes, ", "))
			continue
		}
		got, exists := groupType(u.Key)
		switch {
		case !exists:
			p.Add(u.Field, "channel group %q does not exist in environment %s: create %s channel group %q there first (arbor_channel_group); channel groups are each environment's own and never promoted", u.Key, env, Article(u.Type), u.Key)
		case got != u.Type:
			p.Add(u.Field, "channel group %q in environment %s groups %s channels, not %s: name a group of %s channels, or create one in %s", u.Key, env, got, u.Type, u.Type, env)
		}
	}
	return p
}
