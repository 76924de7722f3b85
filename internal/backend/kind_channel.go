package backend

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Channels: each environment's own delivery channels, whose credentials are
// sealed apart from the stored body and never returned.

// secretChannelCredentials names the sealed credentials of a channel.
const secretChannelCredentials = "credentials"

var channelRules = &rules[domain.Channel]{
	kind: domain.KindChannel,
	check: func(w *write, old, c *domain.Channel) error {
		supplied := c.Credentials
		// Kept out of the stored body, and out of the answer.
		c.Credentials = nil
		ref := objectRef(domain.KindChannel, w.env.Slug, c.Key)
		if old != nil && old.Type != c.Type {
			users, err := w.tx.Referrers(ref, 0)
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return domain.Errorf(domain.CodeConflict, "channel %q is used by %s, which send through it as %s channel: its type cannot change to %s while they do; point them at another channel first",
					c.Key, describeRefs(users, w.env.Slug), domain.Article(old.Type), c.Type)
			}
		}
		switch {
		case len(supplied) > 0:
			c.NeedsCredentials = false
		case old != nil:
			c.NeedsCredentials = old.NeedsCredentials
		case !w.seeding:
			c.NeedsCredentials = false
		}
		if len(supplied) > 0 {
			w.afterStore(func() error { return w.sealSecret(ref, secretChannelCredentials, string(supplied)) })
		}
		return nil
	},
}

type listChannelsInput struct {
	ListParams
}

// checkChannelUses refuses an object that sends through a channel its
// environment lacks, or has with another type. Every kind whose objects
// send through channels (domain.ChannelUser) calls it from its check hook,
// so the rule holds on every write path: PUT, import, promote and clone.
func checkChannelUses(w *write, obj domain.ChannelUser) error {
	problems, err := channelProblems(w.tx, w.env.Slug, obj)
	if err != nil {
		return err
	}
	return problems.Err()
}

// channelProblems judges obj's channel uses against env's channels, and
// its channel group uses (domain.ChannelGroupUser) against env's groups.
func channelProblems(tx store.Tx, env string, obj domain.ChannelUser) (domain.Problems, error) {
	return (&channelTypes{tx: tx, env: env}).problems(obj)
}

// channelTypes reads the types of env's channels and channel groups in
// tx, each once: an import's plan asks about the same few for every
// object of its document, before it writes anything.
type channelTypes struct {
	tx  store.Tx
	env string
	// mu, when not nil, is held while the channel types are looked up:
	// they are asked from several goroutines, and tx is shared with
	// readers on others.
	mu   *sync.Mutex
	seen map[string]channelType
}

type channelType struct {
	name   string
	exists bool
}

// typeOf is the type of the channel (or the channel type of the channel
// group) key, and whether it exists.
func (c *channelTypes) typeOf(kind domain.Kind, key string) (string, bool, error) {
	if c.mu != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	if t, ok := c.seen[kind.Name+"/"+key]; ok {
		return t.name, t.exists, nil
	}
	var t channelType
	switch kind {
	case domain.KindChannel:
		ch, err := load[domain.Channel](c.tx, kind, c.env, key)
		if err != nil {
			return "", false, err
		}
		if ch != nil {
			t = channelType{name: ch.Type, exists: true}
		}
	default:
		g, err := load[domain.ChannelGroup](c.tx, kind, c.env, key)
		if err != nil {
			return "", false, err
		}
		if g != nil {
			t = channelType{name: g.ChannelType, exists: true}
		}
	}
	if c.seen == nil {
		c.seen = map[string]channelType{}
	}
	c.seen[kind.Name+"/"+key] = t
	return t.name, t.exists, nil
}

// problems judges obj's channel and channel group uses.
func (c *channelTypes) problems(obj domain.ChannelUser) (domain.Problems, error) {
	var readErr error
	lookup := func(kind domain.Kind) func(string) (string, bool) {
		return func(key string) (string, bool) {
			name, ok, err := c.typeOf(kind, key)
			readErr = errors.Join(readErr, err)
			return name, ok
		}
	}
	problems := domain.CheckChannelUses(c.env, obj.ChannelUses(), lookup(domain.KindChannel))
	if gu, ok := obj.(domain.ChannelGroupUser); ok {
		problems = append(problems, domain.CheckChannelGroupUses(c.env, gu.ChannelGroupUses(), lookup(domain.KindChannelGroup))...)
	}
	return problems, readErr
}

// registerChannelRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerChannelRoutes() {
	registerEnvObjects[domain.Channel, *domain.Channel, listChannelsInput](s, channelRules, "channels", nil, routeOptions{})
}

// ChannelCredentials returns a channel's credentials as last written, nil
// when none were. It bypasses authorization: it is for the backend's own
// use (delivery), never an API response.
func (s *Server) ChannelCredentials(ctx context.Context, env, key string) (json.RawMessage, error) {
	ref := objectRef(domain.KindChannel, env, key)
	var credentials []byte
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Object(ref.Environment, ref.Kind, ref.Key); errors.Is(err, store.ErrNotFound) {
			return notFound(domain.KindChannel, env, key)
		} else if err != nil {
			return err
		}
		sealed, err := tx.Secret(ref, secretChannelCredentials)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		credentials, err = s.sealer.Open(sealed, sealContext(ref, secretChannelCredentials))
		return err
	})
	return credentials, err
}
