package domain

import (
	"fmt"
	"strings"
)

// WorkflowHead is a workflow as the promotion rule sees it in one
// environment.
type WorkflowHead struct {
	Environment       string `json:"environment" doc:"Environment the workflow is in."`
	SHA               string `json:"sha" doc:"Content hash there."`
	OriginEnvironment string `json:"origin_environment" doc:"Where the workflow was created."`
}

// Promotion is everything the promotion rule needs to judge a write or a
// delete of one workflow in one environment. The backend builds it in the
// write's transaction; the provider reads it at plan time and calls the
// same methods, so a plan fails with the message the backend would give.
type Promotion struct {
	Key         string `json:"key" doc:"Workflow key."`
	Environment string `json:"environment" doc:"Environment written."`
	// Order is every environment, first (development) to last (production).
	Order                 []string `json:"order" nullable:"false" doc:"The promotion order, development first, production last."`
	ProductionWriteAccess bool     `json:"production_write_access" doc:"The account setting."`
	// Current is the workflow in Environment, nil when absent.
	Current *WorkflowHead `json:"current,omitempty" doc:"The workflow in this environment, absent when it has none."`
	// BelowEnvironment is the environment directly below ("" for the first).
	BelowEnvironment string `json:"below_environment,omitempty" doc:"The environment a change must reach first; absent for development."`
	// Below is the workflow in BelowEnvironment, nil when absent.
	Below *WorkflowHead `json:"below,omitempty" doc:"The workflow in the environment below, absent when it has none."`
	// Origin is the workflow's origin environment wherever it exists, ""
	// when it exists nowhere yet.
	Origin string `json:"origin_environment,omitempty" doc:"Where the workflow was created, absent when it exists nowhere yet."`
}

func (p Promotion) order() string { return strings.Join(p.Order, " → ") }

func (p Promotion) refuse(format string, args ...any) error {
	return &Error{Code: CodePromotionRefused, Message: fmt.Sprintf(format, args...) + fmt.Sprintf(" (promotion order: %s)", p.order())}
}

// CheckWrite judges a write of content with the given sha and returns the
// origin environment the workflow has after it.
//
//   - Content equal to what the environment holds is always accepted: only
//     active, which is per environment, changes.
//   - A new workflow is created in the first environment; in production
//     only while production write access is on (its origin is then
//     production). Anywhere else it must first exist below.
//   - A workflow is edited freely in its origin environment (production:
//     only while production write access is on).
//   - Elsewhere a write must carry exactly the content of the environment
//     directly below: that is a promotion. A workflow that originated in
//     production is refused in every other environment.
func (p Promotion) CheckWrite(sha string) (string, error) {
	if p.Current != nil && p.Current.SHA == sha {
		return p.Current.OriginEnvironment, nil
	}
	first := p.Order[0]
	switch origin := p.Origin; {
	case origin == "" && p.Environment == first:
		return first, nil
	case origin == "" && p.Environment == Production && p.ProductionWriteAccess:
		return Production, nil
	case origin == "" && p.Environment == Production:
		return "", p.refuse("workflow %q does not exist in %s: create it in %s and promote it, or turn production write access on (arbor_account_settings) to create it directly in production", p.Key, p.BelowEnvironment, first)
	case origin == "":
		return "", p.refuse("workflow %q does not exist in %s: apply it to %s first", p.Key, p.BelowEnvironment, p.BelowEnvironment)
	case origin == p.Environment && origin == Production && !p.ProductionWriteAccess:
		return "", p.refuse("workflow %q was created in production and is edited there only while production write access is on (arbor_account_settings)", p.Key)
	case origin == p.Environment:
		return origin, nil
	case origin == Production:
		return "", p.refuse("workflow %q was created in production and is edited only there; its key cannot be used in %s", p.Key, p.Environment)
	case p.Below == nil:
		return "", p.refuse("workflow %q does not exist in %s: apply it to %s first", p.Key, p.BelowEnvironment, p.BelowEnvironment)
	case p.Below.SHA != sha:
		return "", p.refuse("workflow %q differs from its version in %s (sha %s): apply this change to %s first; workflow %q is edited only in %s and reaches %s by promotion", p.Key, p.BelowEnvironment, short(p.Below.SHA), p.BelowEnvironment, p.Key, origin, p.Environment)
	}
	return p.Origin, nil
}

// CheckDelete judges the deletion of the workflow from Environment: in its
// origin environment it may go (production: while production write access
// is on); elsewhere only once the environment below no longer has it.
func (p Promotion) CheckDelete() error {
	if p.Current == nil {
		return nil
	}
	origin := p.Current.OriginEnvironment
	switch {
	case origin == p.Environment && origin == Production && !p.ProductionWriteAccess:
		return p.refuse("workflow %q was created in production and is deleted there only while production write access is on (arbor_account_settings)", p.Key)
	case origin == p.Environment:
		return nil
	case p.Below != nil:
		return p.refuse("workflow %q still exists in %s: delete it there first; deletions follow the promotion order too", p.Key, p.BelowEnvironment)
	}
	return nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
