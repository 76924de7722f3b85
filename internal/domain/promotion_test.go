package domain

import (
	"strings"
	"testing"
)

// The promotion matrix, for every versioned kind: each case is an object's
// state across development → staging (→ qa) → production, a write or
// delete in one environment, and the expected outcome. Content versions
// ("v1", "v2") are real objects of the kind, hashed by ContentSHA, so the
// matrix also proves that active is no part of any kind's content.
func TestPromotionMatrix(t *testing.T) {
	for _, kind := range VersionedKinds {
		t.Run(kind.Name, func(t *testing.T) { promotionMatrix(t, kind) })
	}
}

// versionedSamples make, per versioned kind, a valid object whose content
// is variant; a kind without a sample fails the matrix.
var versionedSamples = map[string]func(variant string) VersionedObject{
	KindWorkflow.Name: func(variant string) VersionedObject {
		w := validWorkflow()
		w.Name = variant
		return w
	},
	KindGuide.Name: func(variant string) VersionedObject {
		g := validGuide()
		g.Content.Title = variant
		return g
	},
	KindPartial.Name: func(variant string) VersionedObject {
		p := validPartial()
		p.Content = variant
		return p
	},
	KindTranslation.Name: func(variant string) VersionedObject {
		t := validTranslation()
		t.Strings["welcome"] = variant
		return t
	},
	KindEmailLayout.Name: func(variant string) VersionedObject {
		l := validEmailLayout()
		l.Name = variant
		return l
	},
}

func promotionMatrix(t *testing.T, kind Kind) {
	sample, ok := versionedSamples[kind.Name]
	if !ok {
		t.Fatalf("versioned kind %s has no sample in versionedSamples", kind.Name)
	}
	sha := func(variant string) string {
		o := sample(variant)
		if p := o.Validate(); len(p) > 0 {
			t.Fatalf("sample %s is invalid: %v", variant, p)
		}
		return ContentSHA(o)
	}
	// inactive is variant switched off: the same content.
	inactive := func(variant string) string {
		o := sample(variant)
		if a, ok := o.(Activatable); ok {
			off := false
			a.GetActivation().Active = &off
		}
		return ContentSHA(o)
	}
	three := []string{"development", "staging", "production"}
	four := []string{"development", "staging", "qa", "production"}
	head := func(env, variant, origin string) VersionHead {
		return VersionHead{Environment: env, SHA: sha(variant), OriginEnvironment: origin}
	}
	devOnly := []VersionHead{head("development", "v1", "development")}
	inStaging := []VersionHead{head("development", "v2", "development"), head("staging", "v1", "development")}
	everywhere := []VersionHead{head("development", "v1", "development"), head("staging", "v1", "development"), head("production", "v1", "development")}
	prodBorn := []VersionHead{head("production", "p1", "production")}
	inQA := []VersionHead{head("development", "v2", "development"), head("staging", "v2", "development"), head("qa", "v1", "development")}
	cases := []struct {
		name    string
		order   []string // nil: development → staging → production
		env     string
		state   []VersionHead
		access  bool
		write   string // sha written; "" = delete
		origin  string // expected origin after a write
		refusal string // expected refusal, "" = allowed
	}{
		{"create in development", nil, "development", nil, false, sha("v1"), "development", ""},
		{"edit in development", nil, "development", devOnly, false, sha("v2"), "development", ""},
		{"promote to staging", nil, "staging", devOnly, false, sha("v1"), "development", ""},
		{"skip staging", nil, "production", devOnly, false, sha("v1"), "", `does not exist in staging: apply it to staging first`},
		{"un-promoted change to staging", nil, "staging", inStaging, false, sha("v3"), "", `differs from its version in development`},
		{"promote change to staging", nil, "staging", inStaging, false, sha("v2"), "development", ""},
		{"change production before staging", nil, "production", inStaging, false, sha("v2"), "", `differs from its version in staging`},
		{"edit in production", nil, "production", everywhere, false, sha("v9"), "", `apply this change to staging first`},
		{"edit in production with write access", nil, "production", everywhere, true, sha("v9"), "", `is edited only in development`},
		{"active only in production", nil, "production", everywhere, false, inactive("v1"), "development", ""},
		{"active only in staging, behind development", nil, "staging", inStaging, false, inactive("v1"), "development", ""},
		{"create in staging", nil, "staging", nil, false, sha("v1"), "", `does not exist in development: apply it to development first`},
		{"create in production, access off", nil, "production", nil, false, sha("p1"), "", `turn production write access on`},
		{"create in production, access on", nil, "production", nil, true, sha("p1"), "production", ""},
		{"edit production-born, access on", nil, "production", prodBorn, true, sha("p2"), "production", ""},
		{"edit production-born, access off", nil, "production", prodBorn, false, sha("p2"), "", `edited there only while production write access is on`},
		{"active of production-born, access off", nil, "production", prodBorn, false, inactive("p1"), "production", ""},
		{"production-born key in development", nil, "development", prodBorn, true, sha("x"), "", `created in production and is edited only there`},
		{"production-born key in staging", nil, "staging", prodBorn, true, sha("p1"), "", `created in production and is edited only there`},
		{"promote staging to qa", four, "qa", inQA, false, sha("v2"), "development", ""},
		{"qa takes staging's content, not development's", four, "qa", []VersionHead{head("development", "v3", "development"), head("staging", "v2", "development")}, false, sha("v3"), "", `differs from its version in staging`},
		{"production waits for qa", four, "production", inQA, false, sha("v2"), "", `differs from its version in qa`},
		{"production takes qa's content", four, "production", inQA, false, sha("v1"), "development", ""},
		{"skip qa", four, "production", []VersionHead{head("development", "v1", "development"), head("staging", "v1", "development")}, false, sha("v1"), "", `does not exist in qa: apply it to qa first`},
		{"delete in development", nil, "development", everywhere, false, "", "", ""},
		{"delete in staging before development", nil, "staging", everywhere, false, "", "", `still exists in development: delete it there first`},
		{"delete in staging after development", nil, "staging", []VersionHead{head("staging", "v1", "development")}, false, "", "", ""},
		{"delete in production before qa", four, "production", []VersionHead{head("qa", "v1", "development"), head("production", "v1", "development")}, false, "", "", `still exists in qa: delete it there first`},
		{"delete production-born, access on", nil, "production", prodBorn, true, "", "", ""},
		{"delete production-born, access off", nil, "production", prodBorn, false, "", "", `deleted there only while production write access is on`},
	}
	for _, c := range cases {
		order := c.order
		if order == nil {
			order = three
		}
		p := NewPromotion(kind, "welcome", c.env, order, c.access, c.state)
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
		case c.refusal != "" && !strings.Contains(err.Error(), kind.Noun+` "welcome"`):
			t.Errorf("%s: the refusal does not name the %s: %v", c.name, kind.Noun, err)
		case c.refusal != "" && !strings.Contains(err.Error(), "(promotion order: "+strings.Join(order, " → ")+")"):
			t.Errorf("%s: the refusal does not give the promotion order: %v", c.name, err)
		case c.refusal != "" && err.(*Error).Code != CodePromotionRefused:
			t.Errorf("%s: code %s", c.name, err.(*Error).Code)
		case c.write != "" && c.refusal == "" && origin != c.origin:
			t.Errorf("%s: origin %q, want %q", c.name, origin, c.origin)
		}
	}
}
