package backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

type environmentOutput struct {
	Status int
	ETag   string `header:"ETag"`
	Body   domain.Environment
}

type createdEnvironmentOutput struct {
	Status int
	ETag   string `header:"ETag"`
	Body   domain.CreatedEnvironment
}

type environmentsOutput struct {
	Body domain.Page[domain.Environment]
}

type createEnvironmentInput struct {
	IdempotencyHeader
	Body domain.NewEnvironmentInput
}

type putEnvironmentInput struct {
	EnvParam
	Conditions
	Body domain.EnvironmentInput
}

type deleteEnvironmentInput struct {
	EnvParam
	Conditions
	Force bool `query:"force" doc:"Delete the environment even though it still holds objects (they are deleted with it)."`
}

func (s *Server) registerEnvironmentRoutes() {
	const tag = "environments"
	list := op(api.ListEnvironments.Method, api.ListEnvironments.Path, "list_environments", "List environments in promotion order", tag)
	list.Description = "Every environment the credential can see, from development (first) to production (last). An API key sees only its own environment."
	huma.Register(s.api, *list, func(ctx context.Context, _ *struct{}) (*environmentsOutput, error) {
		out := &environmentsOutput{Body: domain.Page[domain.Environment]{Items: []domain.Environment{}}}
		p := principalFrom(ctx)
		err := s.store.View(ctx, func(tx store.Tx) error {
			envs, err := tx.Environments()
			if err != nil {
				return err
			}
			for _, e := range envs {
				if p.CanSee(domain.EnvAccess{Slug: e.Slug, IsProduction: e.Slug == domain.Production}) {
					out.Body.Items = append(out.Body.Items, e)
				}
			}
			return nil
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return out, nil
	})

	create := op(api.CreateEnvironment.Method, api.CreateEnvironment.Path, "create_environment", "Create an environment", tag)
	create.Description = "The new environment is inserted just below production; the order of environments never changes afterwards. With copy_from it starts with a copy of that environment's configuration, in the same transaction. Owner or admin tokens only."
	create.DefaultStatus = http.StatusCreated
	huma.Register(s.api, *create, func(ctx context.Context, in *createEnvironmentInput) (*createdEnvironmentOutput, error) {
		if err := in.Body.Validate().Err(); err != nil {
			return nil, s.fail(ctx, err)
		}
		var env *domain.CreatedEnvironment
		err := s.update(ctx, "", domain.ActAdminister, func(w *write) error {
			var err error
			env, err = idempotent(w, in.IdempotencyKey, fingerprint(http.MethodPost, "/v1/environments", in.Body), environmentUnchanged(w), func() (*domain.CreatedEnvironment, error) {
				return s.createEnvironment(w, in.Body)
			})
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &createdEnvironmentOutput{Status: http.StatusCreated, ETag: etag(env.Version), Body: *env}, nil
	})

	huma.Register(s.api, *op(api.GetEnvironment.Method, api.GetEnvironment.Path, "get_environment", "Get an environment", tag),
		func(ctx context.Context, in *EnvParam) (*environmentOutput, error) {
			var env domain.Environment
			err := s.view(ctx, in.Env, func(_ store.Tx, e domain.Environment, _ domain.Principal) error {
				env = e
				return nil
			})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &environmentOutput{Status: http.StatusOK, ETag: etag(env.Version), Body: env}, nil
		})

	put := op(api.PutEnvironment.Method, api.PutEnvironment.Path, "update_environment", "Update an environment", tag)
	put.Description = "Changes the name, description, data obfuscation and default locale of an environment; the slug never changes. Owner or admin tokens only."
	huma.Register(s.api, *put, func(ctx context.Context, in *putEnvironmentInput) (*environmentOutput, error) {
		if err := in.Body.Validate().Err(); err != nil {
			return nil, s.fail(ctx, err)
		}
		var env domain.Environment
		err := s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			if err := in.check("environment", in.Env, true, w.env.Version); err != nil {
				return err
			}
			env = w.env
			env.Name, env.Description, env.ObfuscateCustomerData = in.Body.Name, in.Body.Description, in.Body.ObfuscateCustomerData
			env.DefaultLocale = in.Body.Locale()
			env.Version++
			env.UpdatedAt = w.now
			if err := w.tx.UpdateEnvironment(env); err != nil {
				return err
			}
			return w.audit("update", "environment", env.Slug, env.Version, nil)
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &environmentOutput{Status: http.StatusOK, ETag: etag(env.Version), Body: env}, nil
	})

	del := op(api.DeleteEnvironment.Method, api.DeleteEnvironment.Path, "delete_environment", "Delete an environment", tag)
	del.Description = "Development and production cannot be deleted. An environment that still holds objects is deleted only with force=true. " +
		"Deleting an environment removes it from the promotion order: the environment above it then takes its changes from the one below. Owner or admin tokens only."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, *del, func(ctx context.Context, in *deleteEnvironmentInput) (*struct{}, error) {
		err := s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			if w.env.Builtin {
				return domain.Errorf(domain.CodeConflict, "environment %s is built in and cannot be deleted", w.env.Slug)
			}
			if err := in.check("environment", in.Env, true, w.env.Version); err != nil {
				return err
			}
			if !in.Force {
				if counts, err := s.contents(w.tx, w.env.Slug); err != nil {
					return err
				} else if counts != "" {
					return domain.Errorf(domain.CodeConflict, "environment %s still holds %s; delete them first, or delete with force=true (arbor_environment.force_destroy)", w.env.Slug, counts)
				}
			}
			if err := w.tx.DeleteEnvironment(w.env.Slug); err != nil {
				return err
			}
			return w.audit("delete", "environment", w.env.Slug, w.env.Version, map[string]bool{"force": in.Force})
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return nil, nil
	})
}

func (s *Server) createEnvironment(w *write, in domain.NewEnvironmentInput) (*domain.CreatedEnvironment, error) {
	env := domain.Environment{Slug: in.Slug, Name: in.Name, Description: in.Description, ObfuscateCustomerData: in.ObfuscateCustomerData,
		DefaultLocale: in.Locale(), Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
	if err := w.tx.InsertEnvironment(env); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil, domain.EnvironmentExists(in.Slug)
		}
		return nil, err
	}
	created, err := w.tx.Environment(in.Slug)
	if err != nil {
		return nil, err
	}
	w.env = created
	if err := w.audit("create", "environment", created.Slug, created.Version, map[string]string{"copy_from": in.CopyFrom}); err != nil {
		return nil, err
	}
	out := &domain.CreatedEnvironment{Environment: created}
	if in.CopyFrom != "" {
		doc, leftOut, err := s.exportFrom(w, in.CopyFrom, "copy_from")
		if err != nil {
			return nil, err
		}
		if out.Needs, err = copyOwn(w, in.CopyFrom); err != nil {
			return nil, err
		}
		if out.Copy, err = s.importConfig(w, doc, ImportOptions{}); err != nil {
			var refused *domain.Error
			if errors.As(err, &refused) && refused.Code == domain.CodeConflict {
				// What the new environment lacks cannot be created before
				// it exists: say how to get there.
				refused.Message = fmt.Sprintf("environment %s was not created: the copy of %s's configuration is refused; create %s without copy_from, create there what the details name, then promote %s into it",
					in.Slug, in.CopyFrom, in.Slug, in.CopyFrom)
			}
			return nil, err
		}
		out.Copy.LeftOut = leftOut
	}
	return out, nil
}

// contents describes what an environment holds ("3 permissions, 1 API
// key"), or "" when it is empty.
func (s *Server) contents(tx store.Tx, env string) (string, error) {
	var parts []string
	for _, k := range domain.Kinds {
		if k.Account {
			continue
		}
		n, err := tx.CountObjects(env, k.Name)
		if err != nil {
			return "", err
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s(s)", n, k.Noun))
		}
	}
	keys, err := tx.APIKeys(env, "", 0)
	if err != nil {
		return "", err
	}
	if len(keys) > 0 {
		parts = append(parts, fmt.Sprintf("%d API key(s)", len(keys)))
	}
	return strings.Join(parts, ", "), nil
}
