package backend

import (
	"context"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

type whoamiOutput struct {
	Body domain.Whoami
}

type settingsOutput struct {
	ETag string `header:"ETag"`
	Body domain.Settings
}

type putSettingsInput struct {
	Conditions
	Body domain.Settings
}

type auditInput struct {
	Environment string `query:"environment" doc:"Only entries of this environment."`
	Kind        string `query:"kind" doc:"Only entries of this type of object, as the entries name it (role, workflow, settings, token…)." example:"role"`
	Actor       string `query:"actor" doc:"Only entries of this credential, exactly as the entries name it." example:"token:3k9x (ci)"`
	PageParams
}

type auditOutput struct {
	Body domain.Page[domain.AuditEntry]
}

func (s *Server) registerAccountRoutes() {
	huma.Register(s.api, *op(api.Whoami.Method, api.Whoami.Path, "whoami", "Describe the request's credential", "account"),
		func(ctx context.Context, _ *struct{}) (*whoamiOutput, error) {
			p := principalFrom(ctx)
			//nolint:staticcheck // S1016: Whoami is the public view of a principal, copied field by field so the two types stay free to differ.
			return &whoamiOutput{Body: domain.Whoami{Kind: p.Kind, ID: p.ID, Name: p.Name, Role: p.Role, Environment: p.Environment, Scope: p.Scope}}, nil
		})

	huma.Register(s.api, *op(api.GetSettings.Method, api.GetSettings.Path, "get_settings", "Get account settings", "account"),
		func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
			var st domain.Settings
			err := s.view(ctx, "", func(tx store.Tx, _ domain.Environment, _ domain.Principal) error {
				var err error
				st, err = tx.Settings()
				return err
			})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &settingsOutput{ETag: etag(st.Version), Body: st}, nil
		})

	put := op(api.PutSettings.Method, api.PutSettings.Path, "put_settings", "Replace account settings", "account")
	put.Description = "Owner or admin tokens only."
	writeBody[domain.Settings](s, put, true)
	huma.Register(s.api, *put, func(ctx context.Context, in *putSettingsInput) (*settingsOutput, error) {
		var st domain.Settings
		err := s.update(ctx, "", domain.ActAdminister, func(w *write) error {
			old, err := w.tx.Settings()
			if err != nil {
				return err
			}
			if err := in.check("settings", "account", true, old.Version); err != nil {
				return err
			}
			st = domain.Settings{ProductionWriteAccess: in.Body.ProductionWriteAccess, Version: old.Version + 1, UpdatedAt: w.now}
			if err := w.tx.PutSettings(st); err != nil {
				return err
			}
			return w.audit("update", "settings", "account", st.Version, map[string]bool{"production_write_access": st.ProductionWriteAccess})
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &settingsOutput{ETag: etag(st.Version), Body: st}, nil
	})

	audit := op(api.ListAudit.Method, api.ListAudit.Path, "list_audit", "List the audit log", "account")
	audit.Description = "Every write, newest first. Owner or admin tokens only."
	huma.Register(s.api, *audit, func(ctx context.Context, in *auditInput) (*auditOutput, error) {
		before, err := in.before()
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		out := &auditOutput{}
		p := principalFrom(ctx)
		err = s.store.View(ctx, func(tx store.Tx) error {
			if _, err := s.access(tx, p, "", domain.ActAdminister); err != nil {
				return err
			}
			entries, err := tx.Audit(store.AuditQuery{Environment: in.Environment, Kind: in.Kind, Actor: in.Actor, Before: before, Limit: in.limit() + 1})
			out.Body = pageOf(entries, in.limit(), func(e domain.AuditEntry) string { return strconv.FormatInt(e.ID, 10) })
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return out, nil
	})
}
