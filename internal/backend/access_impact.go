package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The access impact: what a proposed change of permissions, roles or the
// hierarchy does to people, computed from the environment's own role
// assignments. It reads in one transaction and changes nothing; nothing
// is audited.

type accessImpactInput struct {
	EnvParam
	Body api.AccessImpactRequest
}

type accessImpactOutput struct {
	Body api.AccessImpactAnswer
}

func (s *Server) registerAccessImpactRoute() {
	impact := op(api.AccessImpact.Method, api.AccessImpact.Path, "access_impact", "What a change of permissions, roles or the hierarchy does to people", "checks")
	impact.Description = "Takes a proposed change, either a configuration document (what an import would write) or a change set (objects put and deleted, by kind and key), " +
		"and answers the grants it removes and adds, computed from the environment's role assignments: each names the identity, the permission, the node (at that node and below) and the assignment that granted or grants it, " +
		fmt.Sprintf("with exact totals per permission and per identity (lists of at most %d). ", api.MaxAccessImpactListed) +
		"A change the backend would refuse (a document removing assigned roles or nodes without prune_assignments, a delete of a role still assigned) is answered with refused and no grants. " +
		"Identity keys are left out for readers who see the environment's customer data obfuscated. Any credential that may read the environment may ask; nothing is changed or audited."
	impact.MaxBodyBytes = DefaultDocumentLimit
	huma.Register(s.api, *impact, func(ctx context.Context, in *accessImpactInput) (*accessImpactOutput, error) {
		proposal, err := decodeImpactRequest(in.Body)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		var out *api.AccessImpactAnswer
		err = s.view(ctx, in.Env, func(tx store.Tx, env domain.Environment, p domain.Principal) error {
			out, err = s.accessImpactOf(tx, env, p, proposal)
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &accessImpactOutput{Body: *out}, nil
	})
	registry := s.api.OpenAPI().Components.Schemas
	request := registry.SchemaFromRef(registry.Schema(reflect.TypeFor[api.AccessImpactRequest](), true, "").Ref)
	request.Properties["document"] = registry.Schema(reflect.TypeFor[domain.ConfigDocument](), true, "ConfigDocument")
	put := registry.SchemaFromRef(registry.Schema(reflect.TypeFor[api.AccessChangePut](), true, "").Ref)
	put.Properties["object"] = &huma.Schema{Type: huma.TypeObject, Description: put.Properties["object"].Description, AdditionalProperties: true}
}

// impactProposal is a decoded AccessImpactRequest: a document, or changes.
type impactProposal struct {
	doc *domain.ConfigDocument
	// shas, when not nil, gives the content shas of doc's objects.
	shas             func(kind domain.Kind, key string) (string, bool)
	pruneAssignments bool
	changes          []domain.AccessChange
}

// decodeImpactRequest reads the document or the change set, reporting
// every problem at once under its field.
func decodeImpactRequest(req api.AccessImpactRequest) (impactProposal, error) {
	hasDoc := len(bytes.TrimSpace(req.Document)) > 0 && string(bytes.TrimSpace(req.Document)) != "null"
	prop := impactProposal{pruneAssignments: req.PruneAssignments}
	var probs domain.Problems
	switch {
	case hasDoc == (req.Changes != nil):
		probs.Add("", "send exactly one of document (a configuration document) and changes (objects put and deleted)")
	case hasDoc:
		doc, err := domain.DecodeConfigDocument(req.Document)
		if err != nil {
			return prop, prefixProblems("document", err)
		}
		if err := doc.Validate().Err(); err != nil {
			return prop, prefixProblems("document", err)
		}
		doc.Canonicalize()
		prop.doc = doc
	default:
		if req.PruneAssignments {
			probs.Add("prune_assignments", "applies to a document only: a change set deletes without cascade, as a plan does")
		}
		for i, put := range req.Changes.Put {
			field := fmt.Sprintf("changes.put[%d]", i)
			c, p := decodeChangePut(field, put)
			probs = append(probs, p...)
			prop.changes = append(prop.changes, c)
		}
		for i, del := range req.Changes.Delete {
			field := fmt.Sprintf("changes.delete[%d]", i)
			kind, _ := domain.KindNamed(del.Kind)
			if msg := domain.CheckKey(del.Key); msg != "" {
				probs.Add(field+".key", "%s", msg)
			}
			prop.changes = append(prop.changes, domain.AccessChange{Field: field, Kind: kind, Key: del.Key, Delete: true})
		}
		if len(prop.changes) == 0 {
			probs.Add("changes", "must put or delete at least one object")
		}
	}
	return prop, probs.Err()
}

// decodeChangePut reads one object a change set writes, strictly, and
// validates it as its PUT would.
func decodeChangePut(field string, put api.AccessChangePut) (domain.AccessChange, domain.Problems) {
	kind, _ := domain.KindNamed(put.Kind)
	c := domain.AccessChange{Field: field, Kind: kind, Key: put.Key}
	var probs domain.Problems
	if msg := domain.CheckKey(put.Key); msg != "" {
		probs.Add(field+".key", "%s", msg)
		return c, probs
	}
	var obj interface {
		domain.Object
		SetObjectKey(string)
	}
	switch kind {
	case domain.KindPermission:
		c.Permission = &domain.Permission{}
		obj = c.Permission
	case domain.KindRole:
		c.Role = &domain.Role{}
		obj = c.Role
	default:
		c.Node = &domain.HierarchyNode{}
		obj = c.Node
	}
	dec := json.NewDecoder(bytes.NewReader(put.Object))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			probs.Add(field+".object."+typeErr.Field, "must be %s", domain.JSONTypeOf(typeErr.Type))
		default:
			probs.Add(field+".object", "is not a %s as its PUT takes it: %s", kind.Noun, strings.TrimPrefix(err.Error(), "json: "))
		}
		return c, probs
	}
	obj.SetObjectKey(put.Key)
	if c.Role != nil {
		c.Role.Normalize()
	}
	probs.Merge(field+".object", obj.Validate())
	return c, probs
}

// prefixProblems puts a validation error's fields under prefix.
func prefixProblems(prefix string, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation {
		return err
	}
	var probs domain.Problems
	probs.Merge(prefix, de.Details)
	return probs.Err()
}

// accessImpactOf measures a proposal against env's state in tx, a read
// transaction.
func (s *Server) accessImpactOf(tx store.Tx, env domain.Environment, p domain.Principal, prop impactProposal) (*api.AccessImpactAnswer, error) {
	copies := s.envCopies.in(tx)
	export, err := copies.exportOf(env.Slug)
	if err != nil {
		return nil, err
	}
	// The copy is shared: read, never changed.
	current, version := export.doc, export.version
	assignments, err := listAll[domain.RoleAssignment](tx, domain.KindRoleAssignment, env.Slug)
	if err != nil {
		return nil, err
	}
	before := domain.AccessState{Roles: current.Roles, Nodes: current.HierarchyNodes, Assignments: assignments}
	var after domain.AccessState
	var refused domain.Problems
	if prop.doc != nil {
		_, err := domain.PlanImport(importTargetOf(tx, env.Slug, current, copies.headsOf, prop.shas), prop.doc, prop.pruneAssignments)
		var de *domain.Error
		switch {
		case errors.As(err, &de) && de.Code == domain.CodeConflict:
			refused = prefixFields("document", de.Details)
		case err != nil:
			return nil, err
		}
		after = prop.doc.AccessState(assignments)
	} else {
		after, refused = domain.ApplyAccessChanges(env.Slug, before, keysOfPermissions(current.Permissions), prop.changes)
	}
	impact := domain.EmptyAccessImpact()
	if len(refused) == 0 {
		impact = domain.ComputeAccessImpact(env.Slug, before, after)
	}
	return presentImpact(env, p, version, refused, impact), nil
}

// presentImpact caps an impact's lists and leaves identity keys out for a
// reader who sees env's customer data obfuscated.
func presentImpact(env domain.Environment, p domain.Principal, version string, refused domain.Problems, impact *domain.AccessImpact) *api.AccessImpactAnswer {
	impactVersion := ""
	if len(refused) == 0 {
		impactVersion = impact.Version()
	}
	impact.Cap(api.MaxAccessImpactListed)
	if env.ObfuscateCustomerData && p.SeesObfuscatedData() {
		impact.Obfuscate()
		impactVersion = ""
	}
	if refused == nil {
		refused = domain.Problems{}
	}
	return &api.AccessImpactAnswer{Environment: env.Slug, ConfigVersion: version, Refused: refused,
		CustomerDataObfuscated: env.ObfuscateCustomerData, ImpactVersion: impactVersion, AccessImpact: *impact}
}

func prefixFields(prefix string, details []domain.FieldError) domain.Problems {
	var probs domain.Problems
	probs.Merge(prefix, details)
	return probs
}

func keysOfPermissions(ps []domain.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key
	}
	return out
}
