package backend

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
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
	if err := readVersioned(tx, env, d); err != nil {
		return nil, err
	}
	d.Canonicalize()
	return d, nil
}

// readVersioned reads env's objects of every versioned kind into d's
// sections, as stored (version state included).
func readVersioned(tx store.Tx, env string, d *domain.ConfigDocument) error {
	for _, vk := range versionedKinds {
		if err := vk.read(tx, env, d); err != nil {
			return err
		}
	}
	return nil
}

// ImportOptions tune an import.
type ImportOptions struct {
	// PruneAssignments removes the role assignments of roles and nodes the
	// document removes; without it such an import is refused.
	PruneAssignments bool
	// IfMatch, when set, is the version of the target's configuration the
	// caller reviewed: an import into a configuration changed since is
	// refused (412).
	IfMatch string
	// ImpactVersion, when set, is the access impact the caller reviewed
	// (domain.AccessImpact's Version): an import that would now do
	// something else to people is refused (412), even where the
	// configuration is as reviewed, for the role assignments are not
	// part of it.
	ImpactVersion string
	// Action is what the audit entry calls the write: "import" when
	// empty, "promote" for a promotion.
	Action string
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
	version, err := domain.ConfigVersion(current)
	if err != nil {
		return nil, err
	}
	if opts.IfMatch != "" {
		// The configuration always exists: * holds; a weak tag never
		// does (strong comparison).
		m, err := parseIfMatch(opts.IfMatch)
		if err != nil {
			return nil, err
		}
		if !m.holds(version) {
			return nil, domain.Errorf(domain.CodePreconditionFailed, "the configuration of %s has changed since it was reviewed: If-Match names version %s, the configuration is now at version %q; review the change again (a dry run or the access impact gives the current version)", env, m, version)
		}
	}
	// The document's source may be another environment, or none.
	source := doc.SourceEnvironment
	plan, err := domain.PlanImport(importTarget(w, current), doc, opts.PruneAssignments)
	if err != nil {
		return nil, err
	}
	assignments, err := listAll[domain.RoleAssignment](w.tx, domain.KindRoleAssignment, env)
	if err != nil {
		return nil, err
	}
	impact := domain.ComputeAccessImpact(env, domain.AccessState{Roles: current.Roles, Nodes: current.HierarchyNodes, Assignments: assignments}, doc.AccessState(assignments))
	impactVersion := impact.Version()
	if opts.ImpactVersion != "" && opts.ImpactVersion != impactVersion {
		return nil, domain.Errorf(domain.CodePreconditionFailed, "what the change does to people in %s has changed since it was reviewed (a role assignment was made or removed meanwhile): impact_version names %s, the change's impact is now at version %s; review the change again", env, opts.ImpactVersion, impactVersion)
	}
	res := domain.NewImportResult(env, source)
	res.ConfigVersion, res.ImpactVersion = version, impactVersion
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
	for _, vk := range versionedKinds {
		if !doc.Carries(vk.kind) {
			continue
		}
		if err := vk.importSection(w, current, doc, res); err != nil {
			return nil, err
		}
	}
	res.Untouched = doc.Untouched()

	// Removals, dependents first.
	for _, key := range plan.Prune {
		if err := w.tx.DeleteObject(env, domain.KindRoleAssignment.Name, key); err != nil {
			return nil, err
		}
		res.PrunedRoleAssignments++
	}
	type removal struct {
		section string
		delete  func(key string) error
	}
	steps := []removal{
		{"roles", func(k string) error { return deleteInTx[domain.Role](w, roleRules, k, Conditions{}, false) }},
		{"hierarchy_nodes", func(k string) error {
			return deleteInTx[domain.HierarchyNode](w, hierarchyNodeRules, k, Conditions{}, false)
		}},
		{"oauth_clients", func(k string) error {
			return deleteInTx[domain.OAuthClient](w, oauthClientRules, k, Conditions{}, false)
		}},
		{"webhooks", func(k string) error { return deleteInTx[domain.Webhook](w, webhookRules, k, Conditions{}, false) }},
	}
	// Versioned objects go users first: the reverse of document order.
	for _, vk := range slices.Backward(versionedKinds) {
		steps = append(steps, removal{vk.kind.Section(), func(k string) error { return vk.remove(w, k) }})
	}
	steps = append(steps, removal{"permissions", func(k string) error {
		return deleteInTx[domain.Permission](w, permissionRules, k, Conditions{}, false)
	}})
	for _, step := range steps {
		for _, k := range plan.Remove[step.section] {
			if err := step.delete(k); err != nil {
				return nil, err
			}
			res.Record(step.section, "deleted", k)
		}
	}
	if len(plan.Kept) > 0 {
		res.Kept = plan.Kept
	}
	after, err := exportConfig(w.tx, env)
	if err != nil {
		return nil, err
	}
	if res.ConfigVersionAfter, err = domain.ConfigVersion(after); err != nil {
		return nil, err
	}
	w.quiet = false
	err = w.audit(cmp.Or(opts.Action, "import"), "configuration", env, 0, map[string]any{
		"source_environment": source, "created": res.Created, "updated": res.Updated, "deleted": res.Deleted,
		"unchanged": res.Unchanged, "pruned_role_assignments": res.PrunedRoleAssignments,
		"access_removed": impact.Totals.Removed, "access_added": impact.Totals.Added,
		"config_version": res.ConfigVersionAfter,
	})
	impact.Cap(api.MaxAccessImpactListed)
	res.AccessImpact = impact
	return res, err
}

// importTarget answers the import rules' questions about w's environment
// inside w's transaction.
func importTarget(w *write, current *domain.ConfigDocument) domain.ImportTarget {
	return importTargetOf(w.tx, w.env.Slug, current, nil, nil)
}

// importTargetOf answers them in tx, for an import into env. heads, when
// not nil, gives the version heads of an environment's objects of a kind
// in key order, as tx holds them (the copies of a read transaction); shas, when
// not nil, the content shas of the document's versioned objects.
//
// With heads, the versioned sections are planned each on a goroutine
// (domain.ImportTarget.Apart): a section's promotion answers come from
// the heads, read once per kind and environment, and the channel checks
// from the few channels the objects use, read once for every section, so
// that the reads of tx are few, and they are made one at a time (a
// transaction is one goroutine's). Without heads (an import's plan, whose
// reads are many) the sections are planned in turn on the caller's
// goroutine.
func importTargetOf(tx store.Tx, env string, current *domain.ConfigDocument, heads func(env string, kind domain.Kind) ([]keyedHead, error),
	shas func(kind domain.Kind, key string) (string, bool)) domain.ImportTarget {
	t := domain.ImportTarget{
		Environment: env,
		Current:     current,
		Assignments: func(r domain.Ref) ([]string, error) {
			by, err := tx.Referrers(store.Ref{Environment: env, Kind: r.Kind.Name, Key: r.Key}, 0)
			var keys []string
			for _, ref := range by {
				if ref.Kind == domain.KindRoleAssignment.Name {
					keys = append(keys, ref.Key)
				}
			}
			return keys, err
		},
		Promotion:  (&promotionReader{tx: tx, env: env, index: heads}).of,
		Channels:   (&channelTypes{tx: tx, env: env}).problems,
		ContentSHA: shas,
	}
	if heads == nil {
		return t
	}
	// The promotion order and settings are read once, by the first Apart,
	// which PlanImport asks on its own goroutine before the sections are
	// planned.
	var mu sync.Mutex
	var promotion struct {
		read     bool
		order    []string
		settings domain.Settings
		err      error
	}
	locked := func(env string, kind domain.Kind) ([]keyedHead, error) {
		mu.Lock()
		defer mu.Unlock()
		return heads(env, kind)
	}
	channels := (&channelTypes{tx: tx, env: env, mu: &mu}).problems
	t.Apart = func(domain.Kind) domain.ImportTarget {
		if !promotion.read {
			promotion.order, promotion.settings, promotion.err = promotionContext(tx)
			promotion.read = true
		}
		apart := t
		apart.Apart = nil
		apart.Assignments = func(r domain.Ref) ([]string, error) {
			mu.Lock()
			defer mu.Unlock()
			return t.Assignments(r)
		}
		reader := &promotionReader{tx: tx, env: env, read: true, order: promotion.order, settings: promotion.settings, index: locked}
		apart.Promotion = func(kind domain.Kind, key string) (domain.Promotion, error) {
			if promotion.err != nil {
				return domain.Promotion{}, promotion.err
			}
			return reader.of(kind, key)
		}
		apart.Channels = channels
		return apart
	}
	return t
}

// promotionReader answers promotionOf for an import plan, which asks it
// about every versioned object of the document and of the target, as the
// promotion rule reads it (domain.PromotionRule: no Environments): the
// promotion order and the settings are read once, and a kind asked about
// more than a few times has the heads of its objects read in one pass
// over each environment, not two point reads per key. The answers are
// promotionOf's, but for Environments; the plan is made before the import
// writes anything.
type promotionReader struct {
	tx       store.Tx
	env      string
	read     bool
	order    []string
	settings domain.Settings
	asked    map[string]int
	// heads holds, per kind read whole, each key's heads in promotion
	// order.
	heads map[string]map[string][]domain.VersionHead
	// index, when not nil, gives the heads of a kind in one environment in
	// key order (kept copies): every question is answered from them, with
	// no read. Without it a kind is read from tx (readHeads).
	index   func(env string, kind domain.Kind) ([]keyedHead, error)
	indexes map[string][]*headCursor
}

// promotionScanAfter is how many questions about one kind are answered
// with point reads before its objects are read whole.
const promotionScanAfter = 32

func (p *promotionReader) of(kind domain.Kind, key string) (domain.Promotion, error) {
	if !p.read {
		order, settings, err := promotionContext(p.tx)
		if err != nil {
			return domain.Promotion{}, err
		}
		p.order, p.settings, p.read = order, settings, true
		p.asked, p.heads = map[string]int{}, map[string]map[string][]domain.VersionHead{}
	}
	if p.index != nil {
		return p.fromIndex(kind, key)
	}
	byKey, whole := p.heads[kind.Name]
	if !whole {
		if p.asked[kind.Name]++; p.asked[kind.Name] <= promotionScanAfter {
			heads, err := p.pointHeads(kind, key)
			if err != nil {
				return domain.Promotion{}, err
			}
			return domain.PromotionRule(kind, key, p.env, p.order, p.settings.ProductionWriteAccess, heads), nil
		}
		byKey = map[string][]domain.VersionHead{}
		for _, e := range p.order {
			heads, err := readHeads(p.tx, e, kind)
			if err != nil {
				return domain.Promotion{}, err
			}
			for _, h := range heads {
				byKey[h.key] = append(byKey[h.key], h.head)
			}
		}
		p.heads[kind.Name] = byKey
	}
	return domain.PromotionRule(kind, key, p.env, p.order, p.settings.ProductionWriteAccess, slices.Clone(byKey[key])), nil
}

// fromIndex answers from the kept heads of kind in every environment.
func (p *promotionReader) fromIndex(kind domain.Kind, key string) (domain.Promotion, error) {
	if p.indexes == nil {
		p.indexes = map[string][]*headCursor{}
	}
	byEnv, ok := p.indexes[kind.Name]
	if !ok {
		for _, e := range p.order {
			heads, err := p.index(e, kind)
			if err != nil {
				return domain.Promotion{}, err
			}
			byEnv = append(byEnv, &headCursor{heads: heads})
		}
		p.indexes[kind.Name] = byEnv
	}
	heads := make([]domain.VersionHead, 0, len(byEnv))
	for _, c := range byEnv {
		if h, ok := c.find(key); ok {
			heads = append(heads, h)
		}
	}
	return domain.PromotionRule(kind, key, p.env, p.order, p.settings.ProductionWriteAccess, heads), nil
}

// headCursor finds keys among heads in key order. An import plan asks
// about a section's keys in key order (the document's, then the
// target's), so each search starts where the last one ended, and mostly
// finds its key there or a step further: no map of the heads is built for
// the one question asked of each.
type headCursor struct {
	heads []keyedHead
	// at is where the next search starts: every head before it has a key
	// lower than the last one asked for.
	at int
}

// find gives key's head, if there is one.
func (c *headCursor) find(key string) (domain.VersionHead, bool) {
	h, i := c.heads, c.at
	if i > 0 && h[i-1].key >= key {
		i = 0
	}
	for step := 0; i < len(h) && h[i].key < key; step++ {
		if step == 4 {
			// Far ahead: halve the rest.
			i += sort.Search(len(h)-i, func(j int) bool { return h[i+j].key >= key })
			break
		}
		i++
	}
	if i < len(h) && h[i].key == key {
		c.at = i + 1
		return h[i].head, true
	}
	c.at = i
	return domain.VersionHead{}, false
}

// pointHeads reads key's heads in every environment, in promotion order.
func (p *promotionReader) pointHeads(kind domain.Kind, key string) ([]domain.VersionHead, error) {
	var heads []domain.VersionHead
	for _, e := range p.order {
		o, err := p.tx.Object(e, kind.Name, key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		h, err := headOf(o)
		if err != nil {
			return nil, err
		}
		heads = append(heads, h)
	}
	return heads, nil
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
	want = usedFirst[T, PT](r.kind, want)
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
			res.Record(section, "created", key)
			if hooks.created != nil {
				hooks.created(obj)
			}
		} else {
			res.Record(section, "updated", key)
		}
	}
	return nil
}

// usedFirst orders a section's objects so that one an object of the same
// section uses (a workflow another triggers) is written before it, as the
// promotion order asks; otherwise the document's order stays. A cycle is
// left to the kind's own check, which names it.
func usedFirst[T any, PT domain.ObjectPtr[T]](kind domain.Kind, want []T) []T {
	index := map[string]int{}
	for i := range want {
		index[PT(&want[i]).ObjectKey()] = i
	}
	out := make([]T, 0, len(want))
	state := make([]byte, len(want)) // 0 unseen, 1 on the way, 2 placed
	var place func(i int)
	place = func(i int) {
		if state[i] != 0 {
			return
		}
		state[i] = 1
		for _, ref := range PT(&want[i]).References() {
			if j, ok := index[ref.Key]; ok && ref.Kind == kind && j != i {
				place(j)
			}
		}
		state[i] = 2
		out = append(out, want[i])
	}
	for i := range want {
		place(i)
	}
	return out
}

// HTTP

type exportOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition" doc:"attachment; filename=\"<env>-config-YYYY-MM-DD.json\""`
	ExportedAt         string `header:"X-Arbor-Exported-At" doc:"When the export was taken (RFC 3339); kept out of the document so equal configurations export equal bytes."`
	ETag               string `header:"ETag" doc:"Version of the environment's configuration (a hash of its canonical document): send it as If-Match with an import into this environment or a promotion into it, which is then refused (412) if the configuration changed since."`
	LeftOut            string `header:"X-Arbor-Left-Out" doc:"With for: the objects left out of the document, as kind/key separated by commas (workflow/wf-prod, guide/g-prod); absent when none."`
	Body               []byte
}

type exportInput struct {
	EnvParam
	For string `query:"for" doc:"Slug of the environment the document is for. Versioned objects born in production stay there: an export of production for another environment leaves them out and names them in X-Arbor-Left-Out. Without it the document is for this environment itself."`
}

type importInput struct {
	EnvParam
	PruneAssignments bool   `query:"prune_assignments" doc:"Remove the role assignments of roles and hierarchy nodes the document removes, instead of refusing the import."`
	DryRun           bool   `query:"dry_run" doc:"Change nothing: answer what the import would do (the configuration diff per section and the access impact), with the version it reviewed."`
	IfMatch          string `header:"If-Match" doc:"The version of this environment's configuration the import was reviewed against (the export's ETag, or config_version of a dry run or an access impact): if the configuration has changed since, the import is refused with 412, naming the current version."`
	ImpactVersion    string `query:"impact_version" doc:"The access impact the import was reviewed with (impact_version of a dry run or an access impact): if what it does to people has changed since (a role assignment made or removed meanwhile, which the configuration's version does not cover), the import is refused with 412."`
	RawBody          []byte `contentType:"application/json"`
}

type importOutput struct {
	Body *domain.ImportResult
}

type promoteInput struct {
	EnvParam
	IfMatch string `header:"If-Match" doc:"The version of this (the target) environment's configuration the promotion was reviewed against (its export's ETag, or config_version of a dry run): if it has changed since, the promotion is refused with 412, naming the current version."`
	Body    api.PromoteRequest
}

// errDryRun ends a dry run's transaction, so that nothing it wrote stays.
var errDryRun = errors.New("dry run")

// dryRun runs apply in s.update, and when dry rolls it back: the answer
// says what it would have done. Secrets it would have made are left out.
func (s *Server) dryRun(ctx context.Context, env string, dry bool, apply func(w *write) (*domain.ImportResult, error)) (*domain.ImportResult, error) {
	var res *domain.ImportResult
	err := s.update(ctx, env, domain.ActAdminister, func(w *write) error {
		var err error
		if res, err = apply(w); err == nil && dry {
			return errDryRun
		}
		return err
	})
	if dry && errors.Is(err, errDryRun) {
		res.DryRun, res.NewOAuthClientSecrets, res.NewWebhookSigningSecrets = true, nil, nil
		return res, nil
	}
	return res, err
}

// ExportFileName is the file name an export is saved under.
func ExportFileName(env string, at time.Time) string {
	return fmt.Sprintf("%s-config-%s.json", env, at.UTC().Format("2006-01-02"))
}

func (s *Server) registerConfigRoutes() {
	const tag = "configuration"
	docSchema := s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[domain.ConfigDocument](), true, "ConfigDocument")

	export := op(api.ExportConfig.Method, api.ExportConfig.Path, "export_config", "Export an environment's configuration", tag)
	export.Description = "The configuration document: permissions, roles and their permissions, hierarchy, OAuth client and webhook configurations, and the content of " + domain.VersionedKindsNamed() + ", in a canonical form (two exports of the same configuration are byte-identical). Never identities, role assignments, API keys, tenants or secrets."
	export.Responses = map[string]*huma.Response{"200": {Description: "The document.", Content: map[string]*huma.MediaType{"application/json": {Schema: docSchema}}}}
	huma.Register(s.api, *export, func(ctx context.Context, in *exportInput) (*exportOutput, error) {
		if in.For != "" {
			if msg := domain.CheckSlug(in.For); msg != "" {
				return nil, s.fail(ctx, (&domain.Problems{{Field: "for", Message: msg}}).Err())
			}
		}
		var body []byte
		var leftOut []string
		var version string
		err := s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, _ domain.Principal) error {
			copies := s.envCopies.in(tx)
			current, err := copies.exportOf(env.Slug)
			if err != nil {
				return err
			}
			version = current.version
			target := in.For
			if target == "" {
				target = env.Slug
			}
			keeps, err := keepsProductionBorn(copies, env.Slug, target)
			if err != nil || !keeps {
				if err == nil {
					body, err = current.bytes()
				}
				return err
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
			ETag:               strconv.Quote(version),
			LeftOut:            strings.Join(leftOut, ", "),
			Body:               body,
		}, nil
	})

	imp := op(api.ImportConfig.Method, api.ImportConfig.Path, "import_config", "Import a configuration document (replace)", tag)
	imp.Description = "Replaces the environment's configuration with the document: what it lacks is removed. The whole document is validated first and every problem reported in one answer; then it is applied in one transaction, so a failure leaves the environment exactly as it was. " +
		"Identities, role assignments, API keys and tenants are never touched; objects new to the environment get fresh secrets, shown once in the answer; existing ones keep theirs. " +
		"The answer names what changed per section and the access impact (the grants removed and added). With dry_run=true nothing is written and the answer says what the import would do; with If-Match the import is refused (412) if the configuration changed since it was reviewed. Owner or admin tokens only."
	imp.MaxBodyBytes = DefaultDocumentLimit
	// The document is decoded and validated whole by the domain, which
	// reports every problem at once.
	imp.SkipValidateBody = true
	huma.Register(s.api, *imp, func(ctx context.Context, in *importInput) (*importOutput, error) {
		doc, err := domain.DecodeConfigDocument(in.RawBody)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		res, err := s.dryRun(ctx, in.Env, in.DryRun, func(w *write) (*domain.ImportResult, error) {
			s.log.InfoContext(ctx, "importing configuration", "environment", w.env.Slug, "source_environment", doc.SourceEnvironment, "counts", doc.Counts(), "dry_run", in.DryRun)
			return s.importConfig(w, doc, ImportOptions{PruneAssignments: in.PruneAssignments, IfMatch: in.IfMatch, ImpactVersion: in.ImpactVersion})
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &importOutput{Body: res}, nil
	})
	s.api.OpenAPI().Paths[api.ImportConfig.Path].Put.RequestBody.Content["application/json"].Schema = docSchema

	promote := op(api.Promote.Method, api.Promote.Path, "promote_config", "Promote another environment's configuration", tag)
	promote.Description = "Export of the from environment and import into this one, in one transaction, with the import's replace semantics; the answer names what changed per section and the access impact. " +
		"With dry_run nothing is written; with If-Match (this environment's configuration version) it is refused (412) if the configuration changed since it was reviewed. Owner or admin tokens only."
	huma.Register(s.api, *promote, func(ctx context.Context, in *promoteInput) (*importOutput, error) {
		if msg := domain.CheckSlug(in.Body.From); msg != "" || in.Body.From == in.Env {
			if msg == "" {
				msg = "must name another environment"
			}
			return nil, s.fail(ctx, (&domain.Problems{{Field: "from", Message: msg}}).Err())
		}
		res, err := s.dryRun(ctx, in.Env, in.Body.DryRun, func(w *write) (*domain.ImportResult, error) {
			doc, leftOut, err := s.exportFrom(w, in.Body.From, "from")
			if err != nil {
				return nil, err
			}
			res, err := s.importConfig(w, doc, ImportOptions{PruneAssignments: in.Body.PruneAssignments, IfMatch: in.IfMatch, ImpactVersion: in.Body.ImpactVersion, Action: "promote"})
			if err == nil {
				res.LeftOut = leftOut
			}
			return res, err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &importOutput{Body: res}, nil
	})
}

// exportFrom exports another environment inside w's transaction, for a
// promotion or a clone into w's environment; field names the request field
// that named it. What stays in the source (workflows and guides born in
// production) is left out of the document and listed.
func (s *Server) exportFrom(w *write, source, field string) (*domain.ConfigDocument, []domain.LeftOut, error) {
	if _, err := s.access(w.tx, w.p, source, domain.ActRead); err != nil {
		return nil, nil, (&domain.Problems{{Field: field, Message: fmt.Sprintf("environment %q not found", source)}}).Err()
	}
	return exportFor(w.tx, source, w.env.Slug)
}

// keepsProductionBorn reports whether source's document for target
// leaves objects out (exportFor): for a target other than production,
// when source holds versioned objects born in production. Read from
// the heads of source's versioned objects.
func keepsProductionBorn(copies *copiesInTx, source, target string) (bool, error) {
	if target == domain.Production {
		return false, nil
	}
	for _, vk := range versionedKinds {
		heads, err := copies.headsOf(source, vk.kind)
		if err != nil {
			return false, err
		}
		for _, h := range heads {
			if h.head.OriginEnvironment == domain.Production {
				return true, nil
			}
		}
	}
	return false, nil
}

// exportFor exports source's configuration as a document for target.
// Workflows and guides born in production are edited only there: a
// document for another environment leaves them out, and says so.
func exportFor(tx store.Tx, source, target string) (*domain.ConfigDocument, []domain.LeftOut, error) {
	doc, err := exportConfig(tx, source)
	if err != nil || target == domain.Production {
		return doc, nil, err
	}
	stored := &domain.ConfigDocument{}
	if err := readVersioned(tx, source, stored); err != nil {
		return nil, nil, err
	}
	return doc, domain.LeaveOutProductionBorn(doc, stored, target), nil
}
