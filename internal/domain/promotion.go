package domain

import (
	"fmt"
	"strings"
)

// VersionHead is a versioned object as the promotion rule sees it in one
// environment.
type VersionHead struct {
	Environment       string `json:"environment" doc:"Environment the object is in."`
	SHA               string `json:"sha" doc:"Content hash there."`
	OriginEnvironment string `json:"origin_environment" doc:"Where the object was created."`
	Version           int64  `json:"version,omitempty" doc:"The object's version there (each environment counts its own writes); absent where it is not known."`
}

// Promotion is everything the promotion rule needs to judge a write or a
// delete of one versioned object (a workflow, a guide) in one environment.
// The backend builds it in the write's transaction; the provider reads it
// at plan time and calls the same methods, so a plan fails with the
// message the backend would give. The rule is the same for every
// versioned kind; only the noun in its messages differs.
type Promotion struct {
	Kind        string `json:"kind" doc:"The object's kind, as in the audit log (workflow, guide)." example:"workflow"`
	Key         string `json:"key" doc:"The object's key."`
	Environment string `json:"environment" doc:"Environment written."`
	// Order is every environment, first (development) to last (production).
	Order                 []string `json:"order" nullable:"false" doc:"The promotion order, development first, production last."`
	ProductionWriteAccess bool     `json:"production_write_access" doc:"The account setting."`
	// Current is the object in Environment, nil when absent.
	Current *VersionHead `json:"current,omitempty" doc:"The object in this environment, absent when it has none."`
	// BelowEnvironment is the environment directly below ("" for the first).
	BelowEnvironment string `json:"below_environment,omitempty" doc:"The environment a change must reach first; absent for development."`
	// Below is the object in BelowEnvironment, nil when absent.
	Below *VersionHead `json:"below,omitempty" doc:"The object in the environment below, absent when it has none."`
	// Origin is the object's origin environment wherever it exists, ""
	// when it exists nowhere yet.
	Origin string `json:"origin_environment,omitempty" doc:"Where the object was created, absent when it exists nowhere yet."`
	// Environments is the object in every environment, in promotion
	// order, and how each copy compares with the one below it.
	Environments []EnvironmentCopy `json:"environments,omitempty" doc:"The object in each environment the credential may see, in promotion order, and how each compares with the environment below."`
}

// PromotionStates is a page of the promotion states of one versioned
// kind's objects written in one environment: one item for each key that
// exists in that environment or the one directly below, in key order.
// Keys that exist only elsewhere are not listed: a key of one environment
// never learns the names of another's objects from it. For a key without
// an item, the promotion rule answers as for a key that exists nowhere
// (Absent), unless the last page sets CheckUnlistedKeys: some key left out
// is judged otherwise (one created in production, refused everywhere
// else; or, for production, one that exists only further down), so a
// client about to create a key the listing lacks asks the promotion route
// of that key.
type PromotionStates struct {
	Kind                  string      `json:"kind" doc:"The objects' kind, as in the audit log (workflow, guide)." example:"workflow"`
	Environment           string      `json:"environment" doc:"Environment written."`
	Order                 []string    `json:"order" nullable:"false" doc:"The promotion order, development first, production last."`
	ProductionWriteAccess bool        `json:"production_write_access" doc:"The account setting."`
	Items                 []Promotion `json:"items" nullable:"false" doc:"The promotion state of each key that exists in this environment or the one directly below, in key order."`
	NextCursor            string      `json:"next_cursor,omitempty" doc:"Pass as cursor to fetch the next page; absent on the last page."`
	// CheckUnlistedKeys is set on the last page only.
	CheckUnlistedKeys bool `json:"check_unlisted_keys,omitempty" doc:"On the last page: some key the pages leave out, because it exists only in other environments, is judged otherwise than a key that exists nowhere (one created in production; from production, one that has not reached the environment below). Before creating a key the pages do not list, read that key's promotion route."`
}

// Absent is the promotion state of a key the states list no item for
// when the listing does not set CheckUnlistedKeys: the rule answers for
// it as for an object that exists in no environment.
func (s PromotionStates) Absent(kind Kind, key string) Promotion {
	return NewPromotion(kind, key, s.Environment, s.Order, s.ProductionWriteAccess, nil)
}

// NewPromotion is the promotion state of object key of kind written in
// env: order is every environment, first to last, and heads the object in
// each environment that has it, in any order.
func NewPromotion(kind Kind, key, env string, order []string, productionWriteAccess bool, heads []VersionHead) Promotion {
	p := PromotionRule(kind, key, env, order, productionWriteAccess, heads)
	p.Environments = promotionStatus(order, heads)
	return p
}

// PromotionRule is NewPromotion without Environments: what the promotion
// rule reads (CheckWrite, CheckDelete), for an import plan, which asks it
// of every versioned object of a document and shows no state. heads is
// kept: Current and Below point into it.
func PromotionRule(kind Kind, key, env string, order []string, productionWriteAccess bool, heads []VersionHead) Promotion {
	p := Promotion{Kind: kind.Name, Key: key, Environment: env, Order: order, ProductionWriteAccess: productionWriteAccess}
	for i, e := range order {
		if e == env && i > 0 {
			p.BelowEnvironment = order[i-1]
		}
	}
	// The origin is read in promotion order, so every environment agrees
	// on it even if the object's copies disagree.
	for _, e := range order {
		for i := range heads {
			h := &heads[i]
			if h.Environment != e {
				continue
			}
			if p.Origin == "" {
				p.Origin = h.OriginEnvironment
			}
			switch e {
			case env:
				p.Current = h
			case p.BelowEnvironment:
				p.Below = h
			}
		}
	}
	return p
}

// noun is how messages name the object's kind; a promotion state read
// from elsewhere may name a kind this build does not know.
func (p Promotion) noun() string {
	for _, k := range VersionedKinds {
		if k.Name == p.Kind {
			return k.Noun
		}
	}
	return "object"
}

func (p Promotion) order() string { return strings.Join(p.Order, " → ") }

func (p Promotion) refuse(format string, args ...any) error {
	return &Error{Code: CodePromotionRefused, Message: fmt.Sprintf(format, args...) + fmt.Sprintf(" (promotion order: %s)", p.order())}
}

// CheckWrite judges a write of content with the given sha and returns the
// origin environment the object has after it.
//
//   - Content equal to what the environment holds is always accepted: only
//     active, which is per environment, changes.
//   - A new object is created in the first environment; in production
//     only while production write access is on (its origin is then
//     production). Anywhere else it must first exist below.
//   - An object is edited freely in its origin environment (production:
//     only while production write access is on).
//   - Elsewhere a write must carry exactly the content of the environment
//     directly below: that is a promotion. An object that originated in
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
		return "", p.refuse("%s %q does not exist in %s: create it in %s and promote it, or turn production write access on (arbor_account_settings) to create it directly in production", p.noun(), p.Key, p.BelowEnvironment, first)
	case origin == "":
		return "", p.refuse("%s %q does not exist in %s: apply it to %s first", p.noun(), p.Key, p.BelowEnvironment, p.BelowEnvironment)
	case origin == p.Environment && origin == Production && !p.ProductionWriteAccess:
		return "", p.refuse("%s %q was created in production and is edited there only while production write access is on (arbor_account_settings)", p.noun(), p.Key)
	case origin == p.Environment:
		return origin, nil
	case origin == Production:
		return "", p.refuse("%s %q was created in production and is edited only there; its key cannot be used in %s", p.noun(), p.Key, p.Environment)
	case p.Below == nil:
		return "", p.refuse("%s %q does not exist in %s: apply it to %s first", p.noun(), p.Key, p.BelowEnvironment, p.BelowEnvironment)
	case p.Below.SHA != sha:
		return "", p.refuse("%s %q differs from its version in %s (sha %s): apply this change to %s first; %s %q is edited only in %s and reaches %s by promotion", p.noun(), p.Key, p.BelowEnvironment, short(p.Below.SHA), p.BelowEnvironment, p.noun(), p.Key, origin, p.Environment)
	}
	return p.Origin, nil
}

// CheckDelete judges the deletion of the object from Environment: in its
// origin environment it may go (production: while production write access
// is on); elsewhere only once the environment below no longer has it.
func (p Promotion) CheckDelete() error {
	if p.Current == nil {
		return nil
	}
	origin := p.Current.OriginEnvironment
	switch {
	case origin == p.Environment && origin == Production && !p.ProductionWriteAccess:
		return p.refuse("%s %q was created in production and is deleted there only while production write access is on (arbor_account_settings)", p.noun(), p.Key)
	case origin == p.Environment:
		return nil
	case p.Below != nil:
		return p.refuse("%s %q still exists in %s: delete it there first; deletions follow the promotion order too", p.noun(), p.Key, p.BelowEnvironment)
	}
	return nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
