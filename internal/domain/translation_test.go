package domain

import (
	"strings"
	"testing"
)

func validTranslation() *Translation {
	return &Translation{Key: "en-US", Strings: map[string]string{"welcome": "Welcome, {{ recipient.name }}!", "billing.due": "Payment due"}}
}

// A translation's key is its locale, in canonical BCP 47 form, optionally
// after a namespace.
func TestTranslationKey(t *testing.T) {
	for key, want := range map[string]string{
		"en":            "",
		"en-US":         "",
		"pt-BR":         "",
		"zh-Hant-TW":    "",
		"billing.en-US": "",
		"welcome.en":    "",
		"en-us":         `is written "en-US"`,
		"english":       "not a BCP 47 locale",
		"Billing.en":    "namespace",
		".en":           "namespace",
		"billing.":      "not a BCP 47 locale",
		"welcome":       "not a BCP 47 locale",
	} {
		got := CheckTranslationKey(key)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", key, got, want)
		}
	}
	ns, locale := SplitTranslationKey("billing.pt-BR")
	if ns != "billing" || locale != "pt-BR" {
		t.Errorf("split: %q %q", ns, locale)
	}
}

func TestTranslationValidate(t *testing.T) {
	if p := validTranslation().Validate(); len(p) > 0 {
		t.Fatalf("a valid translation has problems: %v", p)
	}
	tr := validTranslation()
	tr.Strings["bad key!"] = "x"
	tr.Strings["long"] = strings.Repeat("x", MaxTranslationString+1)
	fields := problemFields(tr.Validate())
	if strings.Join(fields, " ") != "strings strings.long" && strings.Join(fields, " ") != "strings.long strings" {
		t.Errorf("problems at %v", fields)
	}
}
