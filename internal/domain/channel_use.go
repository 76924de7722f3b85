package domain

import (
	"slices"
	"strings"
)

// ChannelUse is one place an object sends through a channel of the
// environment it is written to: a workflow's channel step, a guide's
// channel.
type ChannelUse struct {
	// Field is the attribute naming the channel, as users write it:
	// "steps[2].channel.key".
	Field string
	// Type is the channel type the use needs.
	Type string
	// Key is the channel's key.
	Key string
}

// ChannelUser is implemented by every kind whose objects send through
// channels. Its channel uses are judged by CheckChannelUses on every write
// of the object (PUT, import, promote, clone) and at plan time, and stored
// as references, so a channel still used cannot be deleted.
type ChannelUser interface {
	ChannelUses() []ChannelUse
}

// ChannelUses lists the workflow's channel steps.
func (w *Workflow) ChannelUses() []ChannelUse {
	var uses []ChannelUse
	w.EachStep(func(at string, s *Step) {
		if s.Channel != nil {
			uses = append(uses, ChannelUse{Field: at + ".channel.key", Type: s.Channel.Type, Key: s.Channel.Key})
		}
	})
	return uses
}

// ChannelRefs are the references the uses make, for the store: a channel
// referenced by an object is not deleted while the object uses it.
func ChannelRefs(uses []ChannelUse) []Ref {
	refs := make([]Ref, 0, len(uses))
	for _, u := range uses {
		if u.Key != "" && !slices.ContainsFunc(refs, func(r Ref) bool { return r.Key == u.Key }) {
			refs = append(refs, Ref{Kind: KindChannel, Key: u.Key, Field: u.Field})
		}
	}
	return refs
}

// ChannelTypeOf answers which type the channel key has in an environment,
// and whether the environment has it at all.
type ChannelTypeOf func(key string) (channelType string, exists bool)

// CheckChannelUses judges the channel uses of an object written to
// environment env: each must name a channel of its type that env has.
// Every problem names the channel and what to create or change in env, so
// a promotion to an environment that lacks a channel says which one to
// create there.
func CheckChannelUses(env string, uses []ChannelUse, channelType ChannelTypeOf) Problems {
	var p Problems
	for _, u := range uses {
		if u.Key == "" || !slices.Contains(ChannelTypes, u.Type) {
			continue // the object's own validation names these
		}
		if !slices.Contains(DeliveryChannelTypes, u.Type) {
			p.Add(u.Field, "no channel has type %s (channels are %s): send through one of those types, or call an HTTP endpoint with a fetch step", u.Type, strings.Join(DeliveryChannelTypes, ", "))
			continue
		}
		got, exists := channelType(u.Key)
		switch {
		case !exists:
			p.Add(u.Field, "channel %q does not exist in environment %s: create %s channel %q there first (arbor_channel); channels are each environment's own and never promoted", u.Key, env, Article(u.Type), u.Key)
		case got != u.Type:
			p.Add(u.Field, "channel %q in environment %s is %s channel, not %s: name %s channel, or create one in %s", u.Key, env, Article(got), u.Type, Article(u.Type), env)
		}
	}
	return p
}

// Article prefixes a channel type with its indefinite article, as it is
// read aloud ("an sms").
func Article(word string) string {
	if word != "" && strings.ContainsRune("aeious", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}
