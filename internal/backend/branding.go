package backend

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Environment branding: one per environment, like the account's settings.
// An environment starts with empty branding (version 0, never written);
// the first write creates it, a delete resets it.

var brandingRules = &rules[domain.EnvironmentBranding]{kind: domain.KindBranding}

type brandingOutput struct {
	Status int
	ETag   string `header:"ETag" doc:"The branding's version as an entity tag; absent while it has never been written."`
	Body   *domain.EnvironmentBranding
}

type putBrandingInput struct {
	EnvParam
	Conditions
	ManagedByHeader
	Body domain.EnvironmentBranding
}

type deleteBrandingInput struct {
	EnvParam
	Conditions
}

// checkBrandingConditions applies the precondition headers to env's
// branding, old being nil while it has never been written.
func checkBrandingConditions(c Conditions, env string, old *domain.EnvironmentBranding) error {
	if strings.TrimSpace(c.IfNoneMatch) == "*" && old != nil {
		return domain.Errorf(domain.CodePreconditionFailed, "the branding of environment %s has already been written (version %d): import it to manage it (terraform import arbor_branding.<name> %s)", env, old.Version, env)
	}
	var version int64
	if old != nil {
		version = old.Version
	}
	return c.check("branding of environment", env, old != nil, version)
}

func brandingOf(tx store.Tx, env string) (*domain.EnvironmentBranding, error) {
	return load[domain.EnvironmentBranding](tx, domain.KindBranding, env, domain.BrandingKey)
}

func brandingResponse(status int, b *domain.EnvironmentBranding) *brandingOutput {
	out := &brandingOutput{Status: status, Body: b}
	if b.Written() {
		out.ETag = etag(b.Version)
	}
	return out
}

func (s *Server) registerBrandingRoutes() {
	const tag = "branding"
	get := op(api.GetBranding.Method, api.GetBranding.Path, "get_branding", "Get an environment's branding", tag)
	get.Description = "The environment's default branding, which each tenant's branding overrides field by field. An environment whose branding has never been written answers empty branding at version 0."
	huma.Register(s.api, *get, func(ctx context.Context, in *EnvParam) (*brandingOutput, error) {
		var out *domain.EnvironmentBranding
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			var err error
			out, err = brandingOf(tx, env.Slug)
			if out == nil && err == nil {
				out = &domain.EnvironmentBranding{Meta: domain.Meta{Environment: env.Slug}}
			}
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return brandingResponse(http.StatusOK, out), nil
	})

	put := op(api.PutBranding.Method, api.PutBranding.Path, "put_branding", "Write an environment's branding", tag)
	put.Description = "Replaces the environment's branding (200); the first write creates it (201). Send If-None-Match: * to write it only while it has never been written, If-Match: <version> to replace exactly that version."
	put.MaxBodyBytes = s.bodyLimit
	createsOrReplaces(put)
	writeBody[domain.EnvironmentBranding](s, put, true)
	huma.Register(s.api, *put, func(ctx context.Context, in *putBrandingInput) (*brandingOutput, error) {
		b := &in.Body
		b.Meta = domain.Meta{}
		if err := in.ManagedByHeader.check(); err != nil {
			return nil, s.fail(ctx, err)
		}
		if err := b.Validate().Err(); err != nil {
			return nil, s.fail(ctx, err)
		}
		created := false
		err := s.update(ctx, in.Env, domain.ActWrite, func(w *write) error {
			w.managedBy = in.ManagedBy
			old, err := brandingOf(w.tx, w.env.Slug)
			if err != nil {
				return err
			}
			if err := checkBrandingConditions(in.Conditions, w.env.Slug, old); err != nil {
				return err
			}
			created, err = putInTx(w, brandingRules, domain.BrandingKey, b, Conditions{})
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return brandingResponse(status, b), nil
	})

	del := op(api.DeleteBranding.Method, api.DeleteBranding.Path, "delete_branding", "Reset an environment's branding", tag)
	del.Description = "Resets the environment's branding to empty, as never written. Branding never written is not found (404)."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, *del, func(ctx context.Context, in *deleteBrandingInput) (*struct{}, error) {
		return nil, s.failIf(ctx, s.update(ctx, in.Env, domain.ActWrite, func(w *write) error {
			old, err := brandingOf(w.tx, w.env.Slug)
			if err != nil {
				return err
			}
			if old == nil {
				return domain.Errorf(domain.CodeNotFound, "the branding of environment %s has never been written", w.env.Slug)
			}
			if err := checkBrandingConditions(in.Conditions, w.env.Slug, old); err != nil {
				return err
			}
			return deleteInTx(w, brandingRules, domain.BrandingKey, Conditions{}, false)
		}))
	})
}
