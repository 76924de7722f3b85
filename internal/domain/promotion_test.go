package domain

import (
	"strings"
	"testing"
)

// The promotion matrix: each case is a workflow's state across
// development → staging → production, a write or delete in one
// environment, and the expected outcome.
func TestPromotionMatrix(t *testing.T) {
	order := []string{"development", "staging", "production"}
	head := func(env, sha, origin string) *WorkflowHead {
		return &WorkflowHead{Environment: env, SHA: sha, OriginEnvironment: origin}
	}
	type state map[string]*WorkflowHead
	promotion := func(env string, s state, access bool) Promotion {
		p := Promotion{Key: "welcome", Environment: env, Order: order, ProductionWriteAccess: access, Current: s[env]}
		for i, e := range order {
			if e == env && i > 0 {
				p.BelowEnvironment = order[i-1]
				p.Below = s[order[i-1]]
			}
		}
		for _, e := range order {
			if h := s[e]; h != nil && p.Origin == "" {
				p.Origin = h.OriginEnvironment
			}
		}
		return p
	}
	devOnly := state{"development": head("development", "v1", "development")}
	inStaging := state{"development": head("development", "v2", "development"), "staging": head("staging", "v1", "development")}
	everywhere := state{"development": head("development", "v1", "development"), "staging": head("staging", "v1", "development"), "production": head("production", "v1", "development")}
	prodBorn := state{"production": head("production", "p1", "production")}
	cases := []struct {
		name    string
		env     string
		state   state
		access  bool
		write   string // sha written; "" = delete
		origin  string // expected origin after a write
		refusal string // expected refusal, "" = allowed
	}{
		{"create in development", "development", state{}, false, "v1", "development", ""},
		{"edit in development", "development", devOnly, false, "v2", "development", ""},
		{"promote to staging", "staging", devOnly, false, "v1", "development", ""},
		{"skip staging", "production", devOnly, false, "v1", "", `does not exist in staging: apply it to staging first`},
		{"un-promoted change to staging", "staging", inStaging, false, "v3", "", `differs from its version in development`},
		{"promote change to staging", "staging", inStaging, false, "v2", "development", ""},
		{"change production before staging", "production", inStaging, false, "v2", "", `differs from its version in staging`},
		{"edit in production", "production", everywhere, false, "v9", "", `apply this change to staging first`},
		{"edit in production with write access", "production", everywhere, true, "v9", "", `is edited only in development`},
		{"active only in production", "production", everywhere, false, "v1", "development", ""},
		{"create in staging", "staging", state{}, false, "v1", "", `does not exist in development: apply it to development first`},
		{"create in production, access off", "production", state{}, false, "p1", "", `turn production write access on`},
		{"create in production, access on", "production", state{}, true, "p1", "production", ""},
		{"edit production-born, access on", "production", prodBorn, true, "p2", "production", ""},
		{"edit production-born, access off", "production", prodBorn, false, "p2", "", `edited there only while production write access is on`},
		{"production-born key in development", "development", prodBorn, true, "x", "", `created in production and is edited only there`},
		{"delete in development", "development", everywhere, false, "", "", ""},
		{"delete in staging before development", "staging", everywhere, false, "", "", `still exists in development: delete it there first`},
		{"delete in staging after development", "staging", state{"staging": head("staging", "v1", "development")}, false, "", "", ""},
		{"delete production-born, access on", "production", prodBorn, true, "", "", ""},
		{"delete production-born, access off", "production", prodBorn, false, "", "", `deleted there only while production write access is on`},
	}
	for _, c := range cases {
		p := promotion(c.env, c.state, c.access)
		var err error
		var origin string
		if c.write == "" {
			err = p.CheckDelete()
		} else {
			origin, err = p.CheckWrite(c.write)
		}
		switch {
		case c.refusal == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.refusal != "" && (err == nil || !strings.Contains(err.Error(), c.refusal)):
			t.Errorf("%s: got %v, want a refusal containing %q", c.name, err, c.refusal)
		case c.refusal != "" && !strings.Contains(err.Error(), "(promotion order: development → staging → production)"):
			t.Errorf("%s: the refusal does not give the promotion order: %v", c.name, err)
		case c.refusal != "" && err.(*Error).Code != CodePromotionRefused:
			t.Errorf("%s: code %s", c.name, err.(*Error).Code)
		case c.write != "" && c.refusal == "" && origin != c.origin:
			t.Errorf("%s: origin %q, want %q", c.name, origin, c.origin)
		}
	}
}
