package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// channelTypes are the channels and channel groups a plan knows by
// environment, kind and key: those it creates or changes (their planned
// type, "" while unknown) and those the backend answered for (their type,
// or absent).
type channelTypes struct {
	planned map[objectAddress]string
	stored  map[objectAddress]*string
}

// planChannel records a channel this plan creates or keeps, for the
// channel-reference checks of the workflows planned after it.
func (r *planRecord) planChannel(env, key string, channelType types.String) {
	r.planTyped(domain.KindChannel, env, key, channelType)
}

// planChannelGroup records a channel group this plan creates or keeps, for
// the checks of the workflows planned after it.
func (r *planRecord) planChannelGroup(env, key string, channelType types.String) {
	r.planTyped(domain.KindChannelGroup, env, key, channelType)
}

// planTyped records an object of kind whose channel type the checks read
// (a channel, a channel group).
func (r *planRecord) planTyped(kind domain.Kind, env, key string, channelType types.String) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.channels.planned == nil {
		r.channels.planned = map[objectAddress]string{}
	}
	r.channels.planned[addressOf(kind, env, key)] = channelType.ValueString()
	r.objects[addressOf(kind, env, key)] = true
}

// channelType answers the type of channel key in env: planned by this plan
// (known reports whether its type is known yet), or stored on the backend.
func (d *providerData) channelType(ctx context.Context, env, key string) (channelType string, exists, known bool, err error) {
	return d.typedObject(ctx, domain.KindChannel, env, key, func(from string) (string, error) {
		c, err := client.Objects[domain.Channel](d.client, domain.KindChannel).Get(ctx, from, key)
		if err != nil {
			return "", err
		}
		return c.Type, nil
	})
}

// channelGroupType answers the channel type of channel group key in env,
// as channelType does for channels.
func (d *providerData) channelGroupType(ctx context.Context, env, key string) (channelType string, exists, known bool, err error) {
	return d.typedObject(ctx, domain.KindChannelGroup, env, key, func(from string) (string, error) {
		g, err := client.Objects[domain.ChannelGroup](d.client, domain.KindChannelGroup).Get(ctx, from, key)
		if err != nil {
			return "", err
		}
		return g.ChannelType, nil
	})
}

// typedObject answers the channel type of an object of kind in env:
// planned by this plan, or read with read from the environment that holds
// it (a new environment's copy_from source).
func (d *providerData) typedObject(ctx context.Context, kind domain.Kind, env, key string, read func(from string) (string, error)) (channelType string, exists, known bool, err error) {
	r := d.plan
	at := addressOf(kind, env, key)
	r.mu.Lock()
	planned, isPlanned := r.channels.planned[at]
	stored, cached := r.channels.stored[at]
	r.mu.Unlock()
	switch {
	case isPlanned:
		return planned, true, planned != "", nil
	case cached && stored == nil:
		return "", false, true, nil
	case cached:
		return *stored, true, true, nil
	}
	// An environment this plan creates with copy_from will hold the
	// source's channels, copied without their credentials, and its groups.
	from := env
	if created, ok := r.plannedEnvironment(env); ok && created.copyFrom != "" {
		from = created.copyFrom
	}
	t, err := read(from)
	if err != nil && !client.IsNotFound(err) {
		return "", false, false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.channels.stored == nil {
		r.channels.stored = map[objectAddress]*string{}
	}
	if client.IsNotFound(err) {
		r.channels.stored[at] = nil
		return "", false, true, nil
	}
	r.channels.stored[at] = &t
	return t, true, true, nil
}

// checkChannelUses refuses, at plan time, an object of a kind that sends
// through channels (a workflow, a guide) whose channel uses the
// environment cannot serve, counting the channels this plan creates, with
// the backend's message under the attribute that names each channel. Uses
// whose key or channel type is not known yet are left to the apply.
func (d *providerData) checkChannelUses(ctx context.Context, env string, obj domain.ChannelUser, config tftypes.Value, diags *diag.Diagnostics) {
	var judged []domain.ChannelUse
	typeOf := map[string]string{}
	for _, use := range obj.ChannelUses() {
		at, ok := attributePath(use.Field)
		if use.Key == "" || !ok || !knownAlong(config, at) {
			continue
		}
		channelType, exists, known, err := d.channelType(ctx, env, use.Key)
		if err != nil {
			addAPIError(diags, fmt.Sprintf("Error reading channel %q to check the channels of a planned object", use.Key), err, path.Empty())
			return
		}
		if !known {
			continue
		}
		if exists {
			typeOf[use.Key] = channelType
		}
		judged = append(judged, use)
	}
	problems := domain.CheckChannelUses(env, judged, func(key string) (string, bool) {
		t, ok := typeOf[key]
		return t, ok
	})
	if gu, ok := obj.(domain.ChannelGroupUser); ok {
		groups, ok := d.judgeChannelGroupUses(ctx, env, gu, config, diags)
		if !ok {
			return
		}
		problems = append(problems, groups...)
	}
	addDomainProblems(ctx, diags, config, problems)
}

// judgeChannelGroupUses judges, at plan time, the channel groups obj's
// steps send through, counting the groups this plan creates; ok is false
// when the backend could not be read.
func (d *providerData) judgeChannelGroupUses(ctx context.Context, env string, obj domain.ChannelGroupUser, config tftypes.Value, diags *diag.Diagnostics) (domain.Problems, bool) {
	var judged []domain.ChannelUse
	typeOf := map[string]string{}
	for _, use := range obj.ChannelGroupUses() {
		at, ok := attributePath(use.Field)
		if use.Key == "" || !ok || !knownAlong(config, at) {
			continue
		}
		channelType, exists, known, err := d.channelGroupType(ctx, env, use.Key)
		if err != nil {
			addAPIError(diags, fmt.Sprintf("Error reading channel group %q to check the channel groups of a planned object", use.Key), err, path.Empty())
			return nil, false
		}
		if !known {
			continue
		}
		if exists {
			typeOf[use.Key] = channelType
		}
		judged = append(judged, use)
	}
	return domain.CheckChannelGroupUses(env, judged, func(key string) (string, bool) {
		t, ok := typeOf[key]
		return t, ok
	}), true
}
