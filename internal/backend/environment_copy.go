package backend

import (
	"errors"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// copyOwn seeds w's new environment with what is each environment's own
// but which the source's content needs to be written at all: the
// channels' definitions, without credentials, the channel groups, and the
// variables that are not sensitive, with their values. It runs before the
// configuration is imported, so the workflows and guides that send through
// the channels and groups find them. It answers what the new environment still needs: the
// channels that had credentials in source, and the sensitive variables
// left out.
func copyOwn(w *write, source string) ([]domain.Needed, error) {
	channels, err := listAll[domain.Channel](w.tx, domain.KindChannel, source)
	if err != nil {
		return nil, err
	}
	groups, err := listAll[domain.ChannelGroup](w.tx, domain.KindChannelGroup, source)
	if err != nil {
		return nil, err
	}
	variables, err := listAll[domain.Variable](w.tx, domain.KindVariable, source)
	if err != nil {
		return nil, err
	}
	needs := []domain.Needed{}
	w.seeding, w.quiet = true, true // the environment's creation is the audit entry
	defer func() { w.seeding, w.quiet = false, false }()
	for i := range channels {
		c := channels[i]
		_, err := w.tx.Secret(objectRef(domain.KindChannel, source, c.Key), secretChannelCredentials)
		switch {
		case err == nil:
			c.NeedsCredentials = true
		case errors.Is(err, store.ErrNotFound):
			// Had none in source: it needs none here either, as far as
			// Arbor knows.
		default:
			return nil, err
		}
		if c.NeedsCredentials {
			needs = append(needs, domain.Needed{Kind: domain.KindChannel.Name, Key: c.Key, Needs: domain.NeedCredentials})
		}
		c.Credentials, c.Meta = nil, domain.Meta{}
		if _, err := putInTx(w, channelRules, c.Key, &c, Conditions{}); err != nil {
			return nil, err
		}
	}
	// The groups' channels are all copied above.
	for i := range groups {
		g := groups[i]
		g.Meta = domain.Meta{}
		if _, err := putInTx(w, channelGroupRules, g.Key, &g, Conditions{}); err != nil {
			return nil, err
		}
	}
	for i := range variables {
		v := variables[i]
		if v.Sensitive {
			needs = append(needs, domain.Needed{Kind: domain.KindVariable.Name, Key: v.Key, Needs: domain.NeedValue})
			continue
		}
		v.Meta = domain.Meta{}
		if _, err := putInTx(w, variableRules, v.Key, &v, Conditions{}); err != nil {
			return nil, err
		}
	}
	return needs, nil
}
