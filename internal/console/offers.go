package console

import "github.com/arborhq/terraform-provider-arbor/internal/domain"

// A page offers an action only to a principal the backend lets take it:
// the review of a promotion or an import reads for every role, but its
// confirm form is an operator's.

func init() {
	// administers is administers for templates: a page offers an
	// operator's form (import, promote, create an environment) only then.
	funcs["administers"] = administers
}

// administers reports whether p may administer env ("" for the account),
// with the backend's own authorization. Production write access gates
// only the production_member role, which never administers: the setting
// does not change the answer.
func administers(p domain.Principal, env string) bool {
	return p.Authorize(domain.ActAdminister, domain.EnvAccess{Slug: env, IsProduction: env == domain.Production}, false) == nil
}
