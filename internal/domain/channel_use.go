package domain

import "fmt"

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
	for i, s := range w.Steps {
		if s.Channel != nil {
			uses = append(uses, ChannelUse{Field: fmt.Sprintf("steps[%d].channel.key", i), Type: s.Channel.Type, Key: s.Channel.Key})
		}
	}
	return uses
}
