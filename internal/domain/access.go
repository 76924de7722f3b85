package domain

import (
	"fmt"
	"slices"
)

// OperatorRole is an account token's role: what an operator of the
// backend may do. (Roles that grant permissions are Role objects.)
type OperatorRole string

const (
	RoleOwner            OperatorRole = "owner"
	RoleAdmin            OperatorRole = "admin"
	RoleMember           OperatorRole = "member"
	RoleProductionMember OperatorRole = "production_member"
	RoleViewer           OperatorRole = "viewer"
)

// OperatorRoles lists every operator role, most powerful first.
var OperatorRoles = []OperatorRole{RoleOwner, RoleAdmin, RoleMember, RoleProductionMember, RoleViewer}

// Valid reports whether r is a known role.
func (r OperatorRole) Valid() bool {
	for _, known := range OperatorRoles {
		if r == known {
			return true
		}
	}
	return false
}

// Scope is an environment API key's scope.
type Scope string

const (
	ScopeReadWrite Scope = "read_write"
	ScopeReadOnly  Scope = "read_only"
)

// Scopes lists every API key scope.
var Scopes = []Scope{ScopeReadWrite, ScopeReadOnly}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return slices.Contains(Scopes, s) }

// PrincipalKind says what kind of credential authenticated a request.
type PrincipalKind string

const (
	PrincipalAccountToken PrincipalKind = "account_token"
	PrincipalAPIKey       PrincipalKind = "api_key"
	// PrincipalEmbedded is the provider's own in-process backend; it has
	// owner rights and never travels over a network.
	PrincipalEmbedded PrincipalKind = "embedded"
)

// PrincipalKinds lists every kind of principal.
var PrincipalKinds = []PrincipalKind{PrincipalAccountToken, PrincipalAPIKey, PrincipalEmbedded}

// Principal is who is making a request.
type Principal struct {
	Kind PrincipalKind
	ID   string
	Name string
	// Role is set for account tokens and the embedded principal.
	Role OperatorRole
	// Environment and Scope are set for API keys, which only ever reach
	// their own environment.
	Environment string
	Scope       Scope
}

// Actor names the principal in the audit log.
func (p Principal) Actor() string {
	switch p.Kind {
	case PrincipalEmbedded:
		return "embedded"
	case PrincipalAPIKey:
		return fmt.Sprintf("api_key:%s (%s)", p.ID, p.Name)
	default:
		return fmt.Sprintf("token:%s (%s)", p.ID, p.Name)
	}
}

// Ref identifies the principal's credential, for idempotency records.
func (p Principal) Ref() string {
	return string(p.Kind) + ":" + p.ID
}

// Action is what a request wants to do, for authorization.
type Action int

const (
	// ActRead reads objects.
	ActRead Action = iota
	// ActWrite writes environment-scoped configuration and data.
	ActWrite
	// ActManageIdentities writes account-level identities.
	ActManageIdentities
	// ActAdminister manages environments, API keys, account settings,
	// tokens, audit, and configuration import and promotion.
	ActAdminister
	// ActGrantOwner creates owner tokens.
	ActGrantOwner
)

// EnvAccess describes the environment a request touches, if any.
type EnvAccess struct {
	// Slug is empty for account-level requests.
	Slug         string
	IsProduction bool
}

// CanSee reports whether p may know that environment env exists. A request
// for an environment the principal cannot see is answered as not found.
func (p Principal) CanSee(env EnvAccess) bool {
	if env.Slug == "" {
		return true
	}
	switch {
	case p.Kind == PrincipalAPIKey:
		return p.Environment == env.Slug
	case p.Role == RoleProductionMember:
		return env.IsProduction
	}
	return true
}

// Authorize checks that p may perform act on env. productionWriteAccess is
// the account setting, which gates the production_member role.
func (p Principal) Authorize(act Action, env EnvAccess, productionWriteAccess bool) error {
	if !p.CanSee(env) {
		return NotFound("environment", env.Slug)
	}
	if p.Kind == PrincipalAPIKey {
		switch {
		case act == ActRead:
			return nil
		case act == ActWrite && env.Slug != "" && p.Scope == ScopeReadWrite:
			return nil
		case act == ActWrite && env.Slug != "":
			return Errorf(CodeForbidden, "this API key is read_only; use a read_write key of environment %q or an account token to write", p.Environment)
		default:
			return Errorf(CodeForbidden, "environment API keys cannot do this; use an account token with the admin or owner role")
		}
	}
	if p.Role == RoleProductionMember && !productionWriteAccess {
		return Errorf(CodeForbidden, "the production_member role is usable only while production write access is on (arbor_account_settings.production_write_access)")
	}
	need := map[Action][]OperatorRole{
		ActRead:             {RoleOwner, RoleAdmin, RoleMember, RoleProductionMember, RoleViewer},
		ActWrite:            {RoleOwner, RoleAdmin, RoleMember, RoleProductionMember},
		ActManageIdentities: {RoleOwner, RoleAdmin, RoleMember},
		ActAdminister:       {RoleOwner, RoleAdmin},
		ActGrantOwner:       {RoleOwner},
	}[act]
	for _, r := range need {
		if p.Role == r {
			return nil
		}
	}
	return Errorf(CodeForbidden, "the %s role cannot do this (needs one of %v)", p.Role, need)
}

// SeesObfuscatedData reports whether customer data is redacted for p in an
// environment that obfuscates it.
func (p Principal) SeesObfuscatedData() bool {
	return p.Kind == PrincipalAccountToken && p.Role == RoleViewer
}
