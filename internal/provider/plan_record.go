package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// planRecord is what the current plan of one provider configuration
// creates or changes, as far as it has been planned. Terraform plans a
// resource after every resource it depends on, in one provider process, so
// a plan-time check that depends on another object counts what the record
// holds: an environment, a permission or a production write access planned
// earlier in the same plan exists for the checks of the resources planned
// after it. The record lives in providerData, which Configure makes anew
// for every provider configuration of every Terraform run, so two providers
// (two tests, two aliases) never see each other's plans.
//
// The record only ever adds: a check fails at plan only when neither the
// backend nor this plan provides what it needs, because only then can the
// apply not succeed either.
type planRecord struct {
	mu sync.Mutex
	// productionWriteAccess is true once this plan turns it on.
	productionWriteAccess bool
	// newEnvironments are the environments this plan creates, in the order
	// planned (each is inserted just below production), with their
	// copy_from.
	newEnvironments []plannedEnvironment
	// objects are the keyed objects this plan creates or keeps; account
	// objects have environment "".
	objects map[objectAddress]bool
	// parents are the planned parents of hierarchy nodes.
	parents map[objectAddress]string
	// workflows are the planned heads of workflows; an empty SHA means
	// content not known at plan time.
	workflows map[objectAddress]domain.WorkflowHead
	// channels are the channels this plan creates, and the backend's
	// answers about others, for the channel references of workflows.
	channels channelTypes
	// brandings are the environment brandings this plan writes, by
	// environment, for the effective branding of tenants.
	brandings map[string]plannedBranding
	// storedBrandings caches the backend's environment brandings.
	storedBrandings map[string]domain.Branding
	// existing caches the backend's answers to "does this exist?", so a
	// plan of thousands of objects asks once per referenced object.
	existing map[objectAddress]bool
	// environments caches the backend's environments by slug.
	environments map[string]bool
}

// plannedEnvironment is an environment this plan creates; copyFrom is ""
// when it copies nothing or copy_from is known only at apply.
type plannedEnvironment struct {
	slug, copyFrom string
}

// objectAddress names one keyed object by its kind's stored name.
type objectAddress struct {
	kind, environment, key string
}

func newPlanRecord() *planRecord {
	return &planRecord{
		objects:      map[objectAddress]bool{},
		parents:      map[objectAddress]string{},
		workflows:    map[objectAddress]domain.WorkflowHead{},
		existing:     map[objectAddress]bool{},
		environments: map[string]bool{},
	}
}

func addressOf(kind domain.Kind, env, key string) objectAddress {
	if kind.Account {
		env = ""
	}
	return objectAddress{kind: kind.Name, environment: env, key: key}
}

// planObject records that the plan creates or keeps an object.
func (r *planRecord) planObject(kind domain.Kind, env, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.objects[addressOf(kind, env, key)] = true
}

// planEnvironment records an environment the plan creates.
func (r *planRecord) planEnvironment(e plannedEnvironment) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.ContainsFunc(r.newEnvironments, func(p plannedEnvironment) bool { return p.slug == e.slug }) {
		r.newEnvironments = append(r.newEnvironments, e)
	}
}

// newEnvironmentsBefore are the environments this plan creates, planned
// before slug.
func (r *planRecord) newEnvironmentsBefore(slug string) []plannedEnvironment {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.IndexFunc(r.newEnvironments, func(p plannedEnvironment) bool { return p.slug == slug })
	if i < 0 {
		i = len(r.newEnvironments)
	}
	return slices.Clone(r.newEnvironments[:i])
}

// plannedEnvironment returns an environment this plan creates.
func (r *planRecord) plannedEnvironment(slug string) (plannedEnvironment, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.newEnvironments {
		if e.slug == slug {
			return e, true
		}
	}
	return plannedEnvironment{}, false
}

func (r *planRecord) planProductionWriteAccess(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.productionWriteAccess = r.productionWriteAccess || on
}

func (r *planRecord) plansProductionWriteAccess() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.productionWriteAccess
}

func (r *planRecord) planParent(env, node, parent string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.parents[addressOf(domain.KindHierarchyNode, env, node)] = parent
}

func (r *planRecord) plannedParent(env, node string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.parents[addressOf(domain.KindHierarchyNode, env, node)]
	return p, ok
}

func (r *planRecord) planWorkflow(env, key string, head domain.WorkflowHead) {
	r.mu.Lock()
	defer r.mu.Unlock()
	head.Environment = env
	r.workflows[addressOf(domain.KindWorkflow, env, key)] = head
	r.objects[addressOf(domain.KindWorkflow, env, key)] = true
}

func (r *planRecord) plannedWorkflow(env, key string) (domain.WorkflowHead, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.workflows[addressOf(domain.KindWorkflow, env, key)]
	return h, ok
}

// plannedWorkflowOrigin is the origin of a workflow this plan writes in any
// environment, "" when it writes none.
func (r *planRecord) plannedWorkflowOrigin(key string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for at, h := range r.workflows {
		if at.key == key && h.OriginEnvironment != "" {
			return h.OriginEnvironment
		}
	}
	return ""
}

// objectExists reports whether an object exists on the backend or is
// planned by this plan. A failed lookup is reported as such and counts as
// existing: the plan fails on the error, never on a missing object it could
// not look for.
func (d *providerData) objectExists(ctx context.Context, kind domain.Kind, env, key string, diags *diag.Diagnostics) bool {
	r := d.plan
	at := addressOf(kind, env, key)
	r.mu.Lock()
	known, cached := r.existing[at]
	planned := r.objects[at]
	r.mu.Unlock()
	if planned {
		return true
	}
	if cached {
		return known
	}
	_, err := client.Objects[map[string]any](d.client, kind).Get(ctx, env, key)
	if err != nil && !client.IsNotFound(err) {
		addAPIError(diags, fmt.Sprintf("Error reading %s %q to check a reference", kind.Noun, key), err, path.Empty())
		return true
	}
	r.mu.Lock()
	r.existing[at] = err == nil
	r.mu.Unlock()
	return err == nil
}

// environmentExists reports whether an environment exists on the backend
// or is created by this plan.
func (d *providerData) environmentExists(ctx context.Context, slug string, diags *diag.Diagnostics) bool {
	if _, ok := d.plan.plannedEnvironment(slug); ok {
		return true
	}
	r := d.plan
	r.mu.Lock()
	known, cached := r.environments[slug]
	r.mu.Unlock()
	if cached {
		return known
	}
	_, err := d.client.Environment(ctx, slug)
	if err != nil && !client.IsNotFound(err) {
		addAPIError(diags, fmt.Sprintf("Error reading environment %s", slug), err, path.Empty())
		return true
	}
	r.mu.Lock()
	r.environments[slug] = err == nil
	r.mu.Unlock()
	return err == nil
}

// checkEnvironmentExists refuses, at plan time, an object in an environment
// that neither exists nor is created by this plan, with the backend's
// message.
func (d *providerData) checkEnvironmentExists(ctx context.Context, env string, diags *diag.Diagnostics) bool {
	if d.environmentExists(ctx, env, diags) {
		return !diags.HasError()
	}
	diags.AddAttributeError(path.Root("environment"), fmt.Sprintf("Error planning in environment %s", env),
		domain.NotFound("environment", env).Message+". "+
			"Create it first (an arbor_environment of this configuration counts when this resource refers to it, as environment = arbor_environment.<name>.slug, so that Terraform plans and creates it first), "+
			"or use an environment that exists: with environment = terraform.workspace, select the workspace of an existing environment (terraform workspace select <environment>).")
	return false
}

// checkReferences refuses, at plan time, references to objects that
// neither exist nor are created by this plan, with the backend's message
// under the attribute that holds each reference. Keys not known yet are
// left to the apply.
func (d *providerData) checkReferences(ctx context.Context, env string, refs []domain.Ref, known func(field string) bool, diags *diag.Diagnostics) {
	for _, ref := range refs {
		if ref.Key == "" || !known(ref.Field) {
			continue
		}
		if d.objectExists(ctx, ref.Kind, env, ref.Key, diags) {
			continue
		}
		diags.AddAttributeError(path.Root(ref.Field), fmt.Sprintf("Error planning a reference to %s %q", ref.Kind.Noun, ref.Key),
			ref.Field+" "+ref.Missing(env)+". Create it first: an object of this configuration counts when this resource refers to it "+
				"(such as arbor_"+ref.Kind.Name+".<name>.key), so that Terraform plans and creates it first.")
	}
}
