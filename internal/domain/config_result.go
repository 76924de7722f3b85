package domain

// ImportResult says what a configuration import (or promotion, or clone)
// did to its target, per document section.
type ImportResult struct {
	Environment       string         `json:"environment" doc:"The environment written."`
	SourceEnvironment string         `json:"source_environment" doc:"The environment the document came from."`
	Created           map[string]int `json:"created" doc:"Objects created, per section."`
	Updated           map[string]int `json:"updated" doc:"Objects whose configuration changed, per section."`
	Deleted           map[string]int `json:"deleted" doc:"Objects the document lacked, removed, per section."`
	Unchanged         map[string]int `json:"unchanged" doc:"Objects already as the document says, per section."`
	// Kept lists, per versioned section, the objects created in the
	// target itself, which a document from another environment never
	// removes.
	Kept map[string][]string `json:"kept,omitempty" doc:"Per versioned section, the objects created in the target environment itself, kept although a document from another environment lacks them."`
	// Untouched are the sections the document's format version predates.
	Untouched []string `json:"untouched,omitempty" doc:"Sections the document's format version predates (a version-1 document carries no email layouts, partials or translations), left exactly as they were."`
	// LeftOut are the source's objects a promotion or clone did not copy.
	LeftOut               []LeftOut `json:"left_out,omitempty" doc:"Objects of the source environment the copy left out, each with why: versioned objects born in production stay in production."`
	PrunedRoleAssignments int       `json:"pruned_role_assignments" doc:"Role assignments removed with their roles or nodes (only with prune_assignments)."`
	// Diff names, per section, the objects created, updated and deleted.
	Diff map[string]SectionDiff `json:"diff" doc:"Per section with a change, the keys of the objects created, updated and deleted: the configuration diff."`
	// AccessImpact is what the import did (or, in a dry run, would do)
	// to people: the grants it removes and adds.
	// ImpactVersion is AccessImpact's Version before its lists were
	// capped: what impact_version must name.
	ImpactVersion string        `json:"impact_version" doc:"Version of the whole access impact (before its lists are capped): a dry run's answer gives it for the impact_version of the import or promotion that confirms it, refused (412) if what it does to people changed since."`
	AccessImpact  *AccessImpact `json:"access_impact" doc:"What the import does to people: the grants it removes and adds, computed from the environment's role assignments (lists capped, totals exact)."`
	// ConfigVersion is the version of the target's configuration the
	// import was checked against: what If-Match must name.
	ConfigVersion string `json:"config_version" doc:"Version of the environment's configuration before the import (as its export's ETag): a dry run's answer gives the version it reviewed, for the If-Match of the import or promotion that confirms it."`
	// ConfigVersionAfter is the version the import leaves.
	ConfigVersionAfter       string                            `json:"config_version_after" doc:"Version of the environment's configuration after the import (in a dry run, the version it would have)."`
	DryRun                   bool                              `json:"dry_run,omitempty" doc:"Set when nothing was written: the answer says what the import would do."`
	NewOAuthClientSecrets    map[string]OAuthClientCredentials `json:"new_oauth_client_secrets,omitempty" doc:"Credentials of OAuth clients created by this import, shown only here."`
	NewWebhookSigningSecrets map[string]string                 `json:"new_webhook_signing_secrets,omitempty" doc:"Signing secrets of webhooks created by this import, shown only here."`
}

// SectionDiff names the objects of one section an import changes.
type SectionDiff struct {
	Created []string `json:"created,omitempty" doc:"Keys of the objects created."`
	Updated []string `json:"updated,omitempty" doc:"Keys of the objects whose configuration changes."`
	Deleted []string `json:"deleted,omitempty" doc:"Keys of the objects removed."`
}

// Record adds a change of key in section to the diff.
func (r *ImportResult) Record(section, change, key string) {
	if r.Diff == nil {
		r.Diff = map[string]SectionDiff{}
	}
	d := r.Diff[section]
	switch change {
	case "created":
		d.Created = append(d.Created, key)
		r.Created[section]++
	case "updated":
		d.Updated = append(d.Updated, key)
		r.Updated[section]++
	default:
		d.Deleted = append(d.Deleted, key)
		r.Deleted[section]++
	}
	r.Diff[section] = d
}

// LeftOut names an object a copy between environments did not carry.
type LeftOut struct {
	Kind   string `json:"kind" doc:"The object's kind, as in the audit log (workflow)." example:"workflow"`
	Key    string `json:"key" doc:"The object's key."`
	Reason string `json:"reason" doc:"Why it was left out."`
}

// OAuthClientCredentials are a new OAuth client's id and secret.
type OAuthClientCredentials struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// NewImportResult is an empty result with every section counted at zero.
func NewImportResult(env, source string) *ImportResult {
	r := &ImportResult{Environment: env, SourceEnvironment: source, Diff: map[string]SectionDiff{},
		Created: map[string]int{}, Updated: map[string]int{}, Deleted: map[string]int{}, Unchanged: map[string]int{}}
	for _, s := range ConfigSections {
		r.Created[s.Name], r.Updated[s.Name], r.Deleted[s.Name], r.Unchanged[s.Name] = 0, 0, 0, 0
	}
	return r
}
