package domain

import "time"

// The two environments every account has. Development is first in the
// promotion order, production last; neither can be deleted.
const (
	Development = "development"
	Production  = "production"
)

// Environment is one step of the promotion order.
type Environment struct {
	Slug                  string    `json:"slug" doc:"Immutable identifier, used in paths." example:"staging"`
	Name                  string    `json:"name" doc:"Display name."`
	Description           string    `json:"description" doc:"Free-text description."`
	ObfuscateCustomerData bool      `json:"obfuscate_customer_data" doc:"Whether viewer tokens see tenant properties redacted in this environment."`
	DefaultLocale         string    `json:"default_locale" doc:"The BCP 47 locale whose translations a message uses when its recipient has none (or one no translation holds)." example:"en"`
	Position              int       `json:"position" readOnly:"true" doc:"1-based place in the promotion order: development is 1, production is last."`
	Builtin               bool      `json:"builtin" readOnly:"true" doc:"True for development and production, which cannot be deleted."`
	Version               int64     `json:"version" readOnly:"true" doc:"Incremented on every write; send it in If-Match to update exactly this version."`
	CreatedAt             time.Time `json:"created_at" readOnly:"true"`
	UpdatedAt             time.Time `json:"updated_at" readOnly:"true"`
}

// EnvironmentInput is the writable part of an environment.
type EnvironmentInput struct {
	Name                  string `json:"name" maxLength:"255" doc:"Display name."`
	Description           string `json:"description,omitempty" doc:"Free-text description."`
	ObfuscateCustomerData bool   `json:"obfuscate_customer_data,omitempty" doc:"Redact tenant properties for viewer tokens in this environment."`
	DefaultLocale         string `json:"default_locale,omitempty" doc:"The BCP 47 locale, in canonical form (en, en-US, pt-BR), whose translations a message uses when its recipient has none; en when absent." example:"en"`
}

// DefaultLocale is an environment's default locale when none is given.
const DefaultLocale = "en"

// Locale is the default locale the input asks for: DefaultLocale when it
// names none.
func (in EnvironmentInput) Locale() string {
	if in.DefaultLocale == "" {
		return DefaultLocale
	}
	return in.DefaultLocale
}

// Validate checks the writable fields.
func (in EnvironmentInput) Validate() Problems {
	var p Problems
	checkText(&p, "name", in.Name, MaxNameLength, true)
	checkText(&p, "description", in.Description, MaxDescriptionLength, false)
	if in.DefaultLocale != "" {
		if msg := CheckLocale(in.DefaultLocale); msg != "" {
			p.Add("default_locale", "%s", msg)
		}
	}
	return p
}

// NewEnvironmentInput is the body of an environment creation.
type NewEnvironmentInput struct {
	Slug string `json:"slug" doc:"Immutable identifier: 2–63 characters of lowercase letters, digits and -." example:"staging"`
	EnvironmentInput
	CopyFrom string `json:"copy_from,omitempty" doc:"Slug of an environment whose configuration the new one starts with, copied in the same transaction: permissions, roles, hierarchy, OAuth client and webhook configurations, workflows, guides and the other versioned content, the channels' definitions without their credentials and the variables that are not sensitive, with their values. Identities, role assignments, API keys, tenants, channel credentials and sensitive variables are never copied (the answer's needs lists what to supply); secrets are generated anew."`
}

// Validate checks a creation request.
func (in NewEnvironmentInput) Validate() Problems {
	var p Problems
	if msg := CheckSlug(in.Slug); msg != "" {
		p.Add("slug", "%s", msg)
	}
	p = append(p, in.EnvironmentInput.Validate()...)
	if in.CopyFrom != "" {
		if msg := CheckSlug(in.CopyFrom); msg != "" {
			p.Add("copy_from", "%s", msg)
		} else if in.CopyFrom == in.Slug {
			p.Add("copy_from", "must name another environment")
		}
	}
	return p
}

// EnvironmentExists refuses the creation of an environment that exists.
func EnvironmentExists(slug string) *Error {
	hint := "import it to manage it"
	if slug == Development || slug == Production {
		hint = "it is built in: read it with the arbor_environment data source or adopt it with terraform import"
	}
	return Errorf(CodeConflict, "environment %s already exists; %s", slug, hint)
}

// CreatedEnvironment answers an environment's creation: the environment,
// and what copy_from copied into it.
type CreatedEnvironment struct {
	Environment
	Copy *ImportResult `json:"copy,omitempty" doc:"What copy_from copied, with the secrets of the OAuth clients and webhooks it created: shown only in this answer."`
	// Needs is what copy_from could not carry.
	Needs []Needed `json:"needs,omitempty" doc:"With copy_from: what the new environment needs before it sends, because a copy never carries secrets: the channels copied without their credentials, and the sensitive variables left out (create them with their values)."`
}

// What a copied environment may need: a channel its credentials, a
// sensitive variable (left out of the copy) its value.
const (
	NeedCredentials = "credentials"
	NeedValue       = "value"
)

// NeedKinds are the things a copied environment may need.
var NeedKinds = []string{NeedCredentials, NeedValue}

// Needed is one thing copy_from could not carry into a new environment.
type Needed struct {
	Kind  string `json:"kind" doc:"The object's kind, as in the audit log: channel or variable." example:"channel"`
	Key   string `json:"key" doc:"The object's key." example:"postmark"`
	Needs string `json:"needs" values:"needs" doc:"What it needs: credentials (the channel was copied without them) or value (the sensitive variable was left out: create it with its value)."`
}

// Settings are the account-wide settings.
type Settings struct {
	ProductionWriteAccess bool `json:"production_write_access" doc:"Allow workflows to be created and edited directly in production; enables the production_member role."`
	// Server-set, and left out when zero, so a writer's Settings value
	// sends only what it may write.
	Version   int64     `json:"version,omitempty" readOnly:"true" doc:"Incremented on every write; send it in If-Match to update exactly this version."`
	UpdatedAt time.Time `json:"updated_at,omitzero" readOnly:"true"`
}

// InitialSettingsVersion is the version of settings never written: a new
// store starts them at it.
const InitialSettingsVersion = 1

// Written reports whether the settings were written since the store was
// created.
func (s Settings) Written() bool { return s.Version > InitialSettingsVersion }
