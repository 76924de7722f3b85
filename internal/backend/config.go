package backend

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Configuration documents: export, import with replace semantics (atomic:
// validated whole, then applied in one transaction), promote (export +
// import) and clone (create + import).

// listAll reads every object of a kind in env.
func listAll[T any, PT domain.ObjectPtr[T]](tx store.Tx, kind domain.Kind, env string) ([]T, error) {
	stored, err := tx.Objects(store.Query{Environment: env, Kind: kind.Name})
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(stored))
	for _, o := range stored {
		obj, err := decode[T, PT](o)
		if err != nil {
			return nil, err
		}
		out = append(out, *obj)
	}
	return out, nil
}

// exportConfig reads env's configuration as a canonical document.
func exportConfig(tx store.Tx, env string) (*domain.ConfigDocument, error) {
	d := &domain.ConfigDocument{FormatVersion: domain.ConfigFormatVersion, SourceEnvironment: env}
	var err error
	if d.Permissions, err = listAll[domain.Permission](tx, domain.KindPermission, env); err != nil {
		return nil, err
	}
	if d.Roles, err = listAll[domain.Role](tx, domain.KindRole, env); err != nil {
		return nil, err
	}
	if d.HierarchyNodes, err = listAll[domain.HierarchyNode](tx, domain.KindHierarchyNode, env); err != nil {
		return nil, err
	}
	if d.OAuthClients, err = listAll[domain.OAuthClient](tx, domain.KindOAuthClient, env); err != nil {
		return nil, err
	}
	if d.Webhooks, err = listAll[domain.Webhook](tx, domain.KindWebhook, env); err != nil {
		return nil, err
	}
	if d.Workflows, err = listAll[domain.Workflow](tx, domain.KindWorkflow, env); err != nil {
		return nil, err
	}
	d.Canonicalize()
	return d, nil
}

// ImportOptions tune an import.
type ImportOptions struct {
	// PruneAssignments removes the role assignments of roles and nodes the
	// document removes; without it such an import is refused.
	PruneAssignments bool
}

// importConfig replaces w.env's configuration with doc, inside w's
// transaction. Every problem is found before anything is written: a
// refused import leaves the target exactly as it was (the caller's
// transaction is rolled back on any error).
func (s *Server) importConfig(w *write, doc *domain.ConfigDocument, opts ImportOptions) (*domain.ImportResult, error) {
	if err := doc.Validate().Err(); err != nil {
		return nil, err
	}
	doc.Canonicalize()
	env := w.env.Slug
	current, err := exportConfig(w.tx, env)
	if err != nil {
		return nil, err
	}
	// The document's source may be another environment, or none.
	source := doc.SourceEnvironment
	plan, err := s.planImport(w, current, doc, opts)
	if err != nil {
		return nil, err
	}
	res := domain.NewImportResult(env, source)
	w.quiet = true
	defer func() { w.quiet = false }()

	if err := importSection(w, permissionRules, "permissions", current.Permissions, doc.Permissions, res, sectionHooks[domain.Permission]{}); err != nil {
		return nil, err
	}
	if err := importSection(w, hierarchyNodeRules, "hierarchy_nodes", current.HierarchyNodes, doc.NodesParentsFirst(), res, sectionHooks[domain.HierarchyNode]{}); err != nil {
		return nil, err
	}
	if err := importSection(w, roleRules, "roles", current.Roles, doc.Roles, res, sectionHooks[domain.Role]{}); err != nil {
		return nil, err
	}
	if err := importSection(w, oauthClientRules, "oauth_clients", current.OAuthClients, doc.OAuthClients, res, sectionHooks[domain.OAuthClient]{created: func(c *domain.OAuthClient) {
		if res.NewOAuthClientSecrets == nil {
			res.NewOAuthClientSecrets = map[string]domain.OAuthClientCredentials{}
		}
		res.NewOAuthClientSecrets[c.Key] = domain.OAuthClientCredentials{ClientID: c.ClientID, ClientSecret: c.ClientSecret}
	}}); err != nil {
		return nil, err
	}
	if err := importSection(w, webhookRules, "webhooks", current.Webhooks, doc.Webhooks, res, sectionHooks[domain.Webhook]{created: func(h *domain.Webhook) {
		if res.NewWebhookSigningSecrets == nil {
			res.NewWebhookSigningSecrets = map[string]string{}
		}
		res.NewWebhookSigningSecrets[h.Key] = h.SigningSecret
	}}); err != nil {
		return nil, err
	}
	if err := importSection(w, workflowRules, "workflows", current.Workflows, doc.Workflows, res, versionedImport[domain.Workflow](domain.KindWorkflow)); err != nil {
		return nil, err
	}

	// Removals, dependents first.
	for _, a := range plan.prune {
		if err := w.tx.DeleteObject(a.Environment, a.Kind, a.Key); err != nil {
			return nil, err
		}
		res.PrunedRoleAssignments++
	}
	steps := []struct {
		section string
		keys    []string
		delete  func(key string) error
	}{
		{"roles", plan.remove["roles"], func(k string) error { return deleteInTx[domain.Role](w, roleRules, k, Conditions{}, false) }},
		{"hierarchy_nodes", plan.remove["hierarchy_nodes"], func(k string) error {
			return deleteInTx[domain.HierarchyNode](w, hierarchyNodeRules, k, Conditions{}, false)
		}},
		{"oauth_clients", plan.remove["oauth_clients"], func(k string) error {
			return deleteInTx[domain.OAuthClient](w, oauthClientRules, k, Conditions{}, false)
		}},
		{"webhooks", plan.remove["webhooks"], func(k string) error { return deleteInTx[domain.Webhook](w, webhookRules, k, Conditions{}, false) }},
		{"workflows", plan.remove["workflows"], func(k string) error {
			return deleteInTx[domain.Workflow](w, workflowRules, k, Conditions{}, false)
		}},
		{"permissions", plan.remove["permissions"], func(k string) error {
			return deleteInTx[domain.Permission](w, permissionRules, k, Conditions{}, false)
		}},
	}
	for _, step := range steps {
		for _, k := range step.keys {
			if err := step.delete(k); err != nil {
				return nil, err
			}
			res.Deleted[step.section]++
		}
	}
	res.KeptWorkflows = plan.kept
	w.quiet = false
	return res, w.audit("import", "configuration", env, 0, map[string]any{
		"source_environment": source, "created": res.Created, "updated": res.Updated, "deleted": res.Deleted,
		"unchanged": res.Unchanged, "pruned_role_assignments": res.PrunedRoleAssignments,
	})
}

// importPlan is what an import removes, decided before anything is written.
type importPlan struct {
	remove map[string][]string
	prune  []store.Ref
	kept   []string
}

// planImport decides the removals and checks, all at once, what the
// target's state refuses: roles and nodes with assignments (unless pruned)
// and workflow changes the promotion rule does not allow.
func (s *Server) planImport(w *write, current, doc *domain.ConfigDocument, opts ImportOptions) (*importPlan, error) {
	env := w.env.Slug
	plan := &importPlan{remove: map[string][]string{}}
	missing := func(section string, have []string, want []string) {
		keep := map[string]bool{}
		for _, k := range want {
			keep[k] = true
		}
		for _, k := range have {
			if !keep[k] {
				plan.remove[section] = append(plan.remove[section], k)
			}
		}
	}
	missing("permissions", keysOf(current.Permissions, func(p domain.Permission) string { return p.Key }), keysOf(doc.Permissions, func(p domain.Permission) string { return p.Key }))
	missing("roles", keysOf(current.Roles, func(r domain.Role) string { return r.Key }), keysOf(doc.Roles, func(r domain.Role) string { return r.Key }))
	missing("oauth_clients", keysOf(current.OAuthClients, func(c domain.OAuthClient) string { return c.Key }), keysOf(doc.OAuthClients, func(c domain.OAuthClient) string { return c.Key }))
	missing("webhooks", keysOf(current.Webhooks, func(h domain.Webhook) string { return h.Key }), keysOf(doc.Webhooks, func(h domain.Webhook) string { return h.Key }))
	// Nodes go children first: the reverse of parents-first order.
	parentsFirst := (&domain.ConfigDocument{HierarchyNodes: current.HierarchyNodes}).NodesParentsFirst()
	slices.Reverse(parentsFirst)
	missing("hierarchy_nodes", keysOf(parentsFirst, func(n domain.HierarchyNode) string { return n.Key }), keysOf(doc.HierarchyNodes, func(n domain.HierarchyNode) string { return n.Key }))

	var refusals domain.Problems
	for _, section := range []struct {
		name string
		kind domain.Kind
	}{{"roles", domain.KindRole}, {"hierarchy_nodes", domain.KindHierarchyNode}} {
		for _, key := range plan.remove[section.name] {
			by, err := w.tx.Referrers(store.Ref{Environment: env, Kind: section.kind.Name, Key: key}, 0)
			if err != nil {
				return nil, err
			}
			var assignments []store.Ref
			for _, r := range by {
				if r.Kind == domain.KindRoleAssignment.Name {
					assignments = append(assignments, r)
				}
			}
			switch {
			case len(assignments) == 0:
			case opts.PruneAssignments:
				for _, a := range assignments {
					// An assignment of a removed role at a removed node is
					// found twice.
					if !slices.Contains(plan.prune, a) {
						plan.prune = append(plan.prune, a)
					}
				}
			default:
				refusals.Add(section.name, "%s %q would be removed but still has %s; assign them elsewhere first, or import with prune_assignments=true to remove them",
					section.kind.Noun, key, describeRefs(assignments, env))
			}
		}
	}

	inDoc := map[string]bool{}
	for i, wf := range doc.Workflows {
		inDoc[wf.Key] = true
		p, err := promotionOf(w.tx, domain.KindWorkflow, env, wf.Key)
		if err != nil {
			return nil, err
		}
		if _, err := p.CheckWrite(domain.ContentSHA(&doc.Workflows[i])); err != nil {
			refusals.Add(fmt.Sprintf("workflows[%d]", i), "%s", err.Error())
		}
	}
	for _, wf := range current.Workflows {
		if inDoc[wf.Key] {
			continue
		}
		p, err := promotionOf(w.tx, domain.KindWorkflow, env, wf.Key)
		if err != nil {
			return nil, err
		}
		if p.Current != nil && p.Current.OriginEnvironment == env && doc.SourceEnvironment != env {
			// Created here, unknown to the document's source: not the
			// document's to remove.
			plan.kept = append(plan.kept, wf.Key)
			continue
		}
		if err := p.CheckDelete(); err != nil {
			refusals.Add("workflows", "%s", err.Error())
			continue
		}
		plan.remove["workflows"] = append(plan.remove["workflows"], wf.Key)
	}
	if len(refusals) > 0 {
		return nil, &domain.Error{Code: domain.CodeConflict, Message: fmt.Sprintf("the import into %s is refused; nothing was changed", env), Details: refusals}
	}
	return plan, nil
}

func keysOf[T any](items []T, key func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = key(it)
	}
	return out
}

// sectionHooks tune the import of one section.
type sectionHooks[T any] struct {
	// same reports an object already as the document says; by default,
	// equal canonical JSON.
	same func(stored, incoming *T) bool
	// existing runs before an existing object is rewritten, to keep what
	// the document does not carry.
	existing func(w *write, obj *T) error
	// created runs after the import creates an object (its secrets, shown
	// once, are on it).
	created func(obj *T)
}

// importSection creates or updates the document's objects of one section,
// leaving those already as the document says untouched.
func importSection[T any, PT domain.ObjectPtr[T]](w *write, r *rules[T], section string, current, want []T, res *domain.ImportResult, hooks sectionHooks[T]) error {
	same := hooks.same
	if same == nil {
		same = func(stored, incoming *T) bool { return bytes.Equal(mustJSON(stored), mustJSON(incoming)) }
	}
	have := map[string]*T{}
	for i := range current {
		have[PT(&current[i]).ObjectKey()] = &current[i]
	}
	for i := range want {
		obj := &want[i]
		key := PT(obj).ObjectKey()
		old, exists := have[key]
		if exists && same(old, obj) {
			res.Unchanged[section]++
			continue
		}
		if exists && hooks.existing != nil {
			if err := hooks.existing(w, obj); err != nil {
				return err
			}
		}
		created, err := putInTx[T, PT](w, r, key, obj, Conditions{})
		if err != nil {
			return err
		}
		if created {
			res.Created[section]++
			if hooks.created != nil {
				hooks.created(obj)
			}
		} else {
			res.Updated[section]++
		}
	}
	return nil
}

// HTTP

type exportOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition" doc:"attachment; filename=\"<env>-config-YYYY-MM-DD.json\""`
	ExportedAt         string `header:"X-Arbor-Exported-At" doc:"When the export was taken (RFC 3339); kept out of the document so equal configurations export equal bytes."`
	LeftOut            string `header:"X-Arbor-Left-Out" doc:"With for: the objects left out of the document, as kind/key separated by commas (workflow/wf-prod); absent when none."`
	Body               []byte
}

type exportInput struct {
	EnvParam
	For string `query:"for" doc:"Slug of the environment the document is for. Workflows born in production stay there: an export of production for another environment leaves them out and names them in X-Arbor-Left-Out. Without it the document is for this environment itself."`
}

type importInput struct {
	EnvParam
	PruneAssignments bool   `query:"prune_assignments" doc:"Remove the role assignments of roles and hierarchy nodes the document removes, instead of refusing the import."`
	RawBody          []byte `contentType:"application/json"`
}

type importOutput struct {
	Body *domain.ImportResult
}

// PromoteRequest asks to copy another environment's configuration.
type PromoteRequest struct {
	From             string `json:"from" doc:"Slug of the environment whose configuration is copied."`
	PruneAssignments bool   `json:"prune_assignments,omitempty" doc:"Remove the role assignments of roles and hierarchy nodes the promotion removes, instead of refusing it."`
}

type promoteInput struct {
	EnvParam
	Body PromoteRequest
}

// ExportFileName is the file name an export is saved under.
func ExportFileName(env string, at time.Time) string {
	return fmt.Sprintf("%s-config-%s.json", env, at.UTC().Format("2006-01-02"))
}

func (s *Server) registerConfigRoutes() {
	const tag = "configuration"
	base := "/v1/environments/{env}/config"
	docSchema := s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[domain.ConfigDocument](), true, "ConfigDocument")

	export := op(http.MethodGet, base, "export_config", "Export an environment's configuration", tag)
	export.Description = "The configuration document: permissions, roles and their permissions, hierarchy, OAuth client and webhook configurations, and workflow content, in a canonical form (two exports of the same configuration are byte-identical). Never identities, role assignments, API keys, tenants or secrets."
	export.Responses = map[string]*huma.Response{"200": {Description: "The document.", Content: map[string]*huma.MediaType{"application/json": {Schema: docSchema}}}}
	huma.Register(s.api, *export, func(ctx context.Context, in *exportInput) (*exportOutput, error) {
		if in.For != "" {
			if msg := domain.CheckSlug(in.For); msg != "" {
				return nil, s.fail(ctx, (&domain.Problems{{Field: "for", Message: msg}}).Err())
			}
		}
		var body []byte
		var leftOut []string
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			target := in.For
			if target == "" {
				target = env.Slug
			}
			doc, left, err := exportFor(tx, env.Slug, target)
			if err != nil {
				return err
			}
			for _, lo := range left {
				leftOut = append(leftOut, lo.Kind+"/"+lo.Key)
			}
			body, err = doc.Encode()
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		now := s.now()
		return &exportOutput{
			ContentType:        "application/json",
			ContentDisposition: fmt.Sprintf("attachment; filename=%q", ExportFileName(in.Env, now)),
			ExportedAt:         now.UTC().Format(time.RFC3339),
			LeftOut:            strings.Join(leftOut, ", "),
			Body:               body,
		}, nil
	})

	imp := op(http.MethodPut, base, "import_config", "Import a configuration document (replace)", tag)
	imp.Description = "Replaces the environment's configuration with the document: what it lacks is removed. The whole document is validated first and every problem reported in one answer; then it is applied in one transaction, so a failure leaves the environment exactly as it was. " +
		"Identities, role assignments, API keys and tenants are never touched; objects new to the environment get fresh secrets, shown once in the answer; existing ones keep theirs. Owner or admin tokens only."
	imp.MaxBodyBytes = DefaultDocumentLimit
	// The document is decoded and validated whole by the domain, which
	// reports every problem at once.
	imp.SkipValidateBody = true
	huma.Register(s.api, *imp, func(ctx context.Context, in *importInput) (*importOutput, error) {
		doc, err := domain.DecodeConfigDocument(in.RawBody)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		var res *domain.ImportResult
		err = s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			s.log.InfoContext(ctx, "importing configuration", "environment", w.env.Slug, "source_environment", doc.SourceEnvironment, "counts", doc.Counts())
			res, err = s.importConfig(w, doc, ImportOptions{PruneAssignments: in.PruneAssignments})
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &importOutput{Body: res}, nil
	})
	s.api.OpenAPI().Paths[base].Put.RequestBody.Content["application/json"].Schema = docSchema

	promote := op(http.MethodPost, "/v1/environments/{env}/promote", "promote_config", "Promote another environment's configuration", tag)
	promote.Description = "Export of the from environment and import into this one, in one transaction, with the import's replace semantics. Owner or admin tokens only."
	huma.Register(s.api, *promote, func(ctx context.Context, in *promoteInput) (*importOutput, error) {
		if msg := domain.CheckSlug(in.Body.From); msg != "" || in.Body.From == in.Env {
			if msg == "" {
				msg = "must name another environment"
			}
			return nil, s.fail(ctx, (&domain.Problems{{Field: "from", Message: msg}}).Err())
		}
		var res *domain.ImportResult
		err := s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			doc, leftOut, err := s.exportFrom(w, in.Body.From, "from")
			if err != nil {
				return err
			}
			res, err = s.importConfig(w, doc, ImportOptions{PruneAssignments: in.Body.PruneAssignments})
			if err == nil {
				res.LeftOut = leftOut
			}
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &importOutput{Body: res}, nil
	})
}

// exportFrom exports another environment inside w's transaction, for a
// promotion or a clone into w's environment; field names the request field
// that named it. What stays in the source (workflows born in production)
// is left out of the document and listed.
func (s *Server) exportFrom(w *write, source, field string) (*domain.ConfigDocument, []domain.LeftOut, error) {
	if _, err := s.access(w.tx, w.p, source, domain.ActRead); err != nil {
		return nil, nil, (&domain.Problems{{Field: field, Message: fmt.Sprintf("environment %q not found", source)}}).Err()
	}
	return exportFor(w.tx, source, w.env.Slug)
}

// exportFor exports source's configuration as a document for target.
// Workflows born in production are edited only there: a document for
// another environment leaves them out, and says so.
func exportFor(tx store.Tx, source, target string) (*domain.ConfigDocument, []domain.LeftOut, error) {
	doc, err := exportConfig(tx, source)
	if err != nil || target == domain.Production {
		return doc, nil, err
	}
	workflows, err := listAll[domain.Workflow](tx, domain.KindWorkflow, source)
	if err != nil {
		return nil, nil, err
	}
	stays := map[string]bool{}
	var leftOut []domain.LeftOut
	for _, wf := range workflows {
		if wf.OriginEnvironment == domain.Production {
			stays[wf.Key] = true
			leftOut = append(leftOut, domain.LeftOut{Kind: domain.KindWorkflow.Name, Key: wf.Key,
				Reason: fmt.Sprintf("created in production, where it stays: production-born workflows are edited only there and never copied to %s", target)})
		}
	}
	doc.Workflows = slices.DeleteFunc(doc.Workflows, func(wf domain.Workflow) bool { return stays[wf.Key] })
	return doc, leftOut, nil
}
