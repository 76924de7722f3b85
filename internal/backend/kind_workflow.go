package backend

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Workflows are versioned configuration: every write is kept as an
// immutable version, and the promotion rule decides which writes and
// deletes an environment accepts.
var workflowRules = &rules[domain.Workflow]{
	kind: domain.KindWorkflow,
	check: func(w *write, old, wf *domain.Workflow) error {
		wf.ApplyDefaults()
		wf.SHA = domain.WorkflowSHA(wf)
		p, err := promotionOf(w.tx, w.env.Slug, wf.Key)
		if err != nil {
			return err
		}
		if wf.OriginEnvironment, err = p.CheckWrite(wf.SHA); err != nil {
			return err
		}
		if err := checkChannelUses(w, wf); err != nil {
			return err
		}
		// Every write is kept as an immutable version.
		w.afterStore(func() error {
			stored, err := w.tx.Object(w.env.Slug, domain.KindWorkflow.Name, wf.Key)
			if err != nil {
				return err
			}
			return w.tx.AppendHistory(stored)
		})
		return nil
	},
	deleting: func(w *write, wf *domain.Workflow, _ bool) error {
		p, err := promotionOf(w.tx, w.env.Slug, wf.Key)
		if err != nil {
			return err
		}
		return p.CheckDelete()
	},
}

// promotionOf gathers what the promotion rule needs about workflow key
// written in env: the order, the setting, and the workflow in env, in the
// environment below, and wherever it exists.
func promotionOf(tx store.Tx, env, key string) (domain.Promotion, error) {
	p := domain.Promotion{Key: key, Environment: env}
	envs, err := tx.Environments()
	if err != nil {
		return p, err
	}
	settings, err := tx.Settings()
	if err != nil {
		return p, err
	}
	p.ProductionWriteAccess = settings.ProductionWriteAccess
	below := ""
	for i, e := range envs {
		p.Order = append(p.Order, e.Slug)
		if e.Slug == env && i > 0 {
			below = envs[i-1].Slug
		}
	}
	p.BelowEnvironment = below
	for _, e := range envs {
		wf, err := load[domain.Workflow](tx, domain.KindWorkflow, e.Slug, key)
		if err != nil {
			return p, err
		}
		if wf == nil {
			continue
		}
		head := &domain.WorkflowHead{Environment: e.Slug, SHA: wf.SHA, OriginEnvironment: wf.OriginEnvironment}
		if p.Origin == "" {
			p.Origin = wf.OriginEnvironment
		}
		switch e.Slug {
		case env:
			p.Current = head
		case below:
			p.Below = head
		}
	}
	return p, nil
}

type listWorkflowsInput struct {
	ListParams
	Category string       `query:"category" doc:"Only workflows in this category."`
	Active   optionalBool `query:"active" doc:"Only active (true) or inactive (false) workflows; all when left out."`
}

type promotionOutput struct {
	Body domain.Promotion
}

type workflowVersionsInput struct {
	ObjectParams
	PageParams
}

type workflowVersionsOutput struct {
	Body domain.Page[domain.Workflow]
}

func (s *Server) registerWorkflowRoutes() {
	const tag = "workflows"
	registerEnvObjects[domain.Workflow, *domain.Workflow, listWorkflowsInput](s, workflowRules, tag,
		func(in *listWorkflowsInput) listFilter[domain.Workflow] {
			if in.Category == "" && !in.Active.Set {
				return listFilter[domain.Workflow]{}
			}
			return listFilter[domain.Workflow]{keep: func(wf *domain.Workflow) bool {
				if in.Category != "" && !slices.Contains(wf.Categories, in.Category) {
					return false
				}
				return !in.Active.Set || wf.IsActive() == in.Active.Value
			}}
		}, routeOptions{})

	promotion := op(api.WorkflowPromotion.Method, api.WorkflowPromotion.Path, "get_workflow_promotion", "Get what the promotion rule knows of a workflow", tag)
	promotion.Description = "The promotion order, the setting, and the workflow's sha in this environment and in the one directly below. " +
		"Readable with a key of this environment, so a client can judge a write before making it, with the rule the backend applies."
	huma.Register(s.api, *promotion, func(ctx context.Context, in *ObjectParams) (*promotionOutput, error) {
		var p domain.Promotion
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			if msg := domain.CheckWorkflowKey(in.Key); msg != "" {
				return (&domain.Problems{{Field: "key", Message: msg}}).Err()
			}
			var err error
			p, err = promotionOf(tx, env.Slug, in.Key)
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &promotionOutput{Body: p}, nil
	})

	versions := op(api.WorkflowVersions.Method, api.WorkflowVersions.Path, "list_workflow_versions", "List a workflow's versions", tag)
	versions.Description = "Every write of the workflow in this environment, newest first; each version is immutable."
	huma.Register(s.api, *versions, func(ctx context.Context, in *workflowVersionsInput) (*workflowVersionsOutput, error) {
		before, err := in.before()
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		out := &workflowVersionsOutput{}
		err = s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			ref := store.Ref{Environment: env.Slug, Kind: domain.KindWorkflow.Name, Key: in.Key}
			if _, err := tx.Object(ref.Environment, ref.Kind, ref.Key); errors.Is(err, store.ErrNotFound) {
				return notFound(domain.KindWorkflow, env.Slug, in.Key)
			} else if err != nil {
				return err
			}
			history, err := tx.History(ref, before, in.limit()+1)
			if err != nil {
				return err
			}
			versions := make([]domain.Workflow, 0, len(history))
			for _, h := range history {
				wf, err := decode[domain.Workflow](h)
				if err != nil {
					return err
				}
				versions = append(versions, *wf)
			}
			out.Body = pageOf(versions, in.limit(), func(wf domain.Workflow) string { return strconv.FormatInt(wf.Version, 10) })
			return nil
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return out, nil
	})
}
