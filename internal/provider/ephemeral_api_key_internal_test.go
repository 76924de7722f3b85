package provider

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Every Open names its key apart, within the name's length limit.
func TestOpenedKeyNames(t *testing.T) {
	if a, b := openedKeyName("ci"), openedKeyName("ci"); a == b || !strings.HasPrefix(a, "ci (ephemeral ") {
		t.Errorf("two opens named %q and %q", a, b)
	}
	long := strings.Repeat("é", domain.MaxNameLength)
	got := openedKeyName(long)
	if n := utf8.RuneCountInString(got); n > domain.MaxNameLength || !utf8.ValidString(got) || !strings.Contains(got, "(ephemeral ") {
		t.Errorf("a name of %d characters opens as one of %d: %q", domain.MaxNameLength, n, got)
	}
	if p := (domain.APIKeyInput{Name: got, Scope: domain.ScopeReadOnly}).Validate(); len(p) != 0 {
		t.Errorf("the opened name is invalid: %v", p)
	}
}
