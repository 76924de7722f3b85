package backend

import (
	"context"
	"errors"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Checks exercise an environment's configuration without changing
// anything: whether an identity holds a permission at a node, and what a
// workflow would do for a recipient. Each answer reflects one state of the
// environment (an access check's index is read in one snapshot; a preview
// reads in one transaction); nothing is stored, sent or audited.

type accessCheckInput struct {
	EnvParam
	Body domain.AccessQuestion
}

type accessCheckOutput struct {
	Body domain.AccessAnswer
}

type accessBatchInput struct {
	EnvParam
	Body domain.AccessCheckBatch
}

type accessBatchOutput struct {
	Body domain.AccessCheckBatchResult
}

type previewInput struct {
	ObjectParams
	Body domain.PreviewRequest
}

type previewOutput struct {
	Body domain.WorkflowPreview
}

func (s *Server) registerCheckRoutes() {
	const tag = "checks"
	check := op(api.CheckAccess.Method, api.CheckAccess.Path, "check_access", "Check whether an identity holds a permission at a node", tag)
	check.Description = "An assignment at a node grants its role's permissions there and at every descendant. " +
		"The answer names the granting assignments and the path from the node up to its root. " +
		"An identity, permission or node that does not exist is refused (400), naming the field, rather than answered \"not allowed\". Nothing is changed."
	check.MaxBodyBytes = s.bodyLimit
	// A check in the plain form clients send is answered before it
	// reaches here (answerPlainCheck); this handler answers every other.
	huma.Register(s.api, *check, func(ctx context.Context, in *accessCheckInput) (*accessCheckOutput, error) {
		a, err := s.checkAccess(ctx, in.Env, in.Body)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &accessCheckOutput{Body: a}, nil
	})

	batch := op(api.CheckAccessBatch.Method, api.CheckAccessBatch.Path, "check_access_batch", "Check many accesses at once", tag)
	batch.Description = "Answers up to 1000 access checks against one state of the environment, in order. " +
		"Every check that names something missing is reported at once, under checks[i]. Nothing is changed."
	batch.MaxBodyBytes = s.bodyLimit
	// A batch in the plain form is answered before it reaches here too.
	huma.Register(s.api, *batch, func(ctx context.Context, in *accessBatchInput) (*accessBatchOutput, error) {
		result, err := s.checkAccessBatch(ctx, in.Env, in.Body.Checks)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &accessBatchOutput{Body: result}, nil
	})

	preview := op(api.PreviewWorkflow.Method, api.PreviewWorkflow.Path, "preview_workflow", "Preview what a workflow would do for a recipient", tag)
	preview.Description = "For each step: whether it would run and why (workflow and step conditions; the tenant's preference defaults under the recipient's own preferences), " +
		"and each channel step's templates rendered with recipient, tenant, data, vars and branding (the tenant's over the environment's). " +
		"A tenant that does not exist previews as an empty tenant. Sensitive variables render as " + domain.SensitiveMask + ". " +
		"A template that does not render is reported on its step. Nothing is stored or sent."
	preview.MaxBodyBytes = s.bodyLimit
	huma.Register(s.api, *preview, func(ctx context.Context, in *previewInput) (*previewOutput, error) {
		var out *domain.WorkflowPreview
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, p domain.Principal) error {
			input, err := previewInputOf(tx, env, p, in.Key, in.Body)
			if err != nil {
				return err
			}
			out, err = domain.PreviewWorkflow(input)
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &previewOutput{Body: *out}, nil
	})

	s.registerAccessImpactRoute()
}

// checkAccess answers one question about environment envSlug.
func (s *Server) checkAccess(ctx context.Context, envSlug string, q domain.AccessQuestion) (domain.AccessAnswer, error) {
	ix, err := s.accessIndex(ctx, envSlug)
	if err != nil {
		return domain.AccessAnswer{}, err
	}
	return ix.Check(q)
}

// checkAccessBatch answers the questions qs about environment envSlug,
// in order, from one index.
func (s *Server) checkAccessBatch(ctx context.Context, envSlug string, qs []domain.AccessQuestion) (domain.AccessCheckBatchResult, error) {
	ix, err := s.accessIndex(ctx, envSlug)
	if err != nil {
		return domain.AccessCheckBatchResult{}, err
	}
	answers, err := ix.CheckAll(qs)
	return domain.AccessCheckBatchResult{Results: answers}, err
}

// accessIndex is the index access checks of environment envSlug are
// answered from, held in memory and at least as new as the change numbers
// read with the request's credential (see access_index.go): on the hot
// path the request makes no read besides that one statement. A batch is
// answered from one index in one pass.
func (s *Server) accessIndex(ctx context.Context, envSlug string) (*domain.AccessIndex, error) {
	env, need, err := s.requestEnvironment(ctx, envSlug, domain.ActRead)
	if err != nil {
		return nil, err
	}
	ix, err := s.accessIndexes.get(ctx, env.Slug, need, s.buildAccessIndex)
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("environment", env.Slug)
	}
	return ix, err
}

// previewInputOf reads what a preview of workflow key needs: the workflow,
// the tenant, the environment's variables and branding. Sensitive values
// are sealed apart from the stored bodies read here, so a preview never
// holds one. The tenant is presented as the principal may see it: a viewer of an environment that
// obfuscates customer data previews with its properties redacted.
func previewInputOf(tx store.Tx, env domain.Environment, p domain.Principal, key string, req domain.PreviewRequest) (domain.PreviewInput, error) {
	in := domain.PreviewInput{Request: req}
	if msg := domain.CheckWorkflowKey(key); msg != "" {
		return in, (&domain.Problems{{Field: "key", Message: msg}}).Err()
	}
	wf, err := load[domain.Workflow](tx, domain.KindWorkflow, env.Slug, key)
	if err != nil {
		return in, err
	}
	if wf == nil {
		return in, notFound(domain.KindWorkflow, env.Slug, key)
	}
	in.Workflow = wf
	if req.Tenant != "" && domain.CheckKey(req.Tenant) == "" {
		t, err := load[domain.Tenant](tx, domain.KindTenant, env.Slug, req.Tenant)
		if err != nil {
			return in, err
		}
		if t != nil {
			tenantRules.present(env, p, t)
		}
		in.Tenant = t
	}
	if in.Variables, err = listAll[domain.Variable](tx, domain.KindVariable, env.Slug); err != nil {
		return in, err
	}
	branding, err := brandingOf(tx, env.Slug)
	if err != nil {
		return in, err
	}
	if branding != nil {
		in.Branding = &branding.Branding
	}
	return in, previewContentOf(tx, env, &in)
}

// previewContentOf reads the reusable content a preview renders, in the
// preview's transaction: the layouts the workflow's email steps name, the
// environment's partials (a partial may render another) and translations,
// and its default locale.
func previewContentOf(tx store.Tx, env domain.Environment, in *domain.PreviewInput) error {
	in.DefaultLocale = env.DefaultLocale
	in.Layouts = map[string]*domain.EmailLayout{}
	for _, use := range domain.VersionedUses(in.Workflow) {
		if use.Kind != domain.KindEmailLayout || in.Layouts[use.Key] != nil {
			continue
		}
		layout, err := load[domain.EmailLayout](tx, domain.KindEmailLayout, env.Slug, use.Key)
		if err != nil {
			return err
		}
		if layout != nil {
			in.Layouts[use.Key] = layout
		}
	}
	partials, err := listAll[domain.Partial](tx, domain.KindPartial, env.Slug)
	if err != nil {
		return err
	}
	in.Partials = make(map[string]*domain.Partial, len(partials))
	for i := range partials {
		in.Partials[partials[i].Key] = &partials[i]
	}
	in.Translations, err = listAll[domain.Translation](tx, domain.KindTranslation, env.Slug)
	return err
}
