package console

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// A page shows only the environments its principal reads. The API tells a
// credential of an environment about the one directly below it (the
// promotion rule reads it, and a client judges a write with it), so its
// promotion answers and refusals may name environments the credential
// cannot open: a production_member's, a development key's. The console
// narrows those answers as it reads them, with the backend's own rule
// (Principal.CanSee), so no page names such an environment or links to
// it.

func init() {
	// seen reports whether a promotion state, as narrowed, holds env: a
	// page links to env's copy only then.
	funcs["seen"] = func(prom domain.Promotion, env string) bool {
		return slices.ContainsFunc(prom.Environments, func(c domain.EnvironmentCopy) bool { return c.Environment == env })
	}
}

// reads reports whether p may open env's pages.
func reads(p domain.Principal, env string) bool {
	return p.CanSee(domain.EnvAccess{Slug: env, IsProduction: env == domain.Production})
}

// narrowAnswer drops from a decoded answer the environments p does not
// read.
func narrowAnswer(p domain.Principal, out any) {
	switch a := out.(type) {
	case *domain.Promotion:
		narrowPromotion(p, a)
	case *domain.PromotionStates:
		a.Order = readable(p, a.Order)
		for i := range a.Items {
			narrowPromotion(p, &a.Items[i])
		}
	}
}

func narrowPromotion(p domain.Principal, prom *domain.Promotion) {
	prom.Order = readable(p, prom.Order)
	prom.Environments = slices.DeleteFunc(prom.Environments, func(c domain.EnvironmentCopy) bool { return !reads(p, c.Environment) })
	if prom.BelowEnvironment != "" && !reads(p, prom.BelowEnvironment) {
		prom.BelowEnvironment, prom.Below = "", nil
	}
}

func readable(p domain.Principal, envs []string) []string {
	return slices.DeleteFunc(slices.Clone(envs), func(env string) bool { return !reads(p, env) })
}

// promotionOrder is the order a promotion refusal spells out.
var promotionOrder = regexp.MustCompile(` \(promotion order: ([^)]*)\)`)

// narrowRefusal rewords a promotion refusal for p: the order it spells
// out keeps the environments p reads, and another environment it names
// is "another environment".
func (c *Console) narrowRefusal(ctx context.Context, p domain.Principal, e *domain.Error) {
	if e.Code != domain.CodePromotionRefused {
		return
	}
	var hidden []string
	err := c.store.View(ctx, func(tx store.Tx) error {
		envs, err := tx.Environments()
		for _, env := range envs {
			if !reads(p, env.Slug) {
				hidden = append(hidden, regexp.QuoteMeta(env.Slug))
			}
		}
		return err
	})
	if err != nil {
		// The environments could not be read, nor so which p reads:
		// name none.
		e.Message = "The promotion rule refused this change: it reaches this environment by promotion from an environment your role does not read."
		return
	}
	if len(hidden) == 0 {
		return
	}
	e.Message = promotionOrder.ReplaceAllStringFunc(e.Message, func(m string) string {
		order := readable(p, strings.Split(promotionOrder.FindStringSubmatch(m)[1], " → "))
		if len(order) < 2 {
			return ""
		}
		return " (promotion order: " + strings.Join(order, " → ") + ")"
	})
	named := regexp.MustCompile(`\b(` + strings.Join(hidden, "|") + `)\b`)
	e.Message = named.ReplaceAllString(e.Message, "another environment")
}
