package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func TestCheckHierarchyMove(t *testing.T) {
	// global → emea → france, and apac.
	parents := map[string]string{"global": "", "emea": "global", "france": "emea", "apac": ""}
	parentOf := func(k string) (string, error) { return parents[k], nil }
	for _, c := range []struct {
		node, parent string
		cycle        string
	}{
		{"emea", "apac", ""},
		{"france", "global", ""},
		{"apac", "france", ""},
		{"global", "france", "global → emea → france"},
		{"emea", "france", "emea → france"},
		{"emea", "emea", "emea"},
	} {
		err := domain.CheckHierarchyMove(c.node, c.parent, parentOf)
		switch {
		case c.cycle == "" && err != nil:
			t.Errorf("%s under %s: %v", c.node, c.parent, err)
		case c.cycle != "" && (err == nil || !strings.Contains(err.Error(), "("+c.cycle+")") || !strings.Contains(err.Error(), "parent_key")):
			t.Errorf("%s under %s: %v, want the cycle %s named under parent_key", c.node, c.parent, err, c.cycle)
		}
	}
	// A damaged store that loops never hangs the check.
	loop := func(k string) (string, error) { return map[string]string{"x": "y", "y": "x"}[k], nil }
	if err := domain.CheckHierarchyMove("a", "x", loop); err == nil {
		t.Error("a looping hierarchy is accepted")
	}
	broken := errors.New("store down")
	if err := domain.CheckHierarchyMove("a", "b", func(string) (string, error) { return "", broken }); !errors.Is(err, broken) {
		t.Errorf("store errors are not passed on: %v", err)
	}
}

func TestRoleAssignmentKey(t *testing.T) {
	var a domain.RoleAssignment
	if a.ObjectKey() != "" {
		t.Errorf("an empty assignment has key %q", a.ObjectKey())
	}
	a.SetObjectKey(domain.RoleAssignmentKey("ada", "editor", "emea"))
	if a.IdentityKey != "ada" || a.RoleKey != "editor" || a.NodeKey != "emea" || a.ObjectKey() != "ada/editor/emea" {
		t.Errorf("round trip: %+v", a)
	}
	a.SetObjectKey("ada/editor")
	if probs := a.Validate(); len(probs) != 1 || probs[0].Field != "node_key" {
		t.Errorf("a key of two parts: %v", probs)
	}
}

func TestSortedSet(t *testing.T) {
	if got := domain.SortedSet([]string{"b", "a", "b"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("got %v", got)
	}
	if got := domain.SortedSet(nil); got == nil || len(got) != 0 {
		t.Errorf("nil gives %#v, want an empty set", got)
	}
	in := []string{"b", "a"}
	domain.SortedSet(in)
	if in[0] != "b" {
		t.Error("SortedSet changed its argument")
	}
}

func TestSetProblemsNameTheMember(t *testing.T) {
	c := domain.OAuthClient{Key: "c", Name: "C", RedirectURIs: []string{"https://ok.example/cb", "http://app.example/cb"}, Scopes: []string{"ok", "not ok"}}
	probs := c.Validate()
	var got []string
	for _, p := range probs {
		got = append(got, p.Field+": "+p.Message)
	}
	want := []string{
		`redirect_uris: "http://app.example/cb" must use https (http is allowed only for localhost)`,
		`scopes: "not ok" must be ` + domain.ScopeRule,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCheckSigningSecretNeverRepeatsIt(t *testing.T) {
	for _, s := range []string{"short", "with a space 0123456789", "tab\tinside-0123456789", strings.Repeat("x", 256)} {
		msg := domain.CheckSigningSecret(s)
		if msg == "" || strings.Contains(msg, s) {
			t.Errorf("%q: %q", s, msg)
		}
	}
	if msg := domain.CheckSigningSecret(domain.NewSigningSecret()); msg != "" {
		t.Errorf("a generated secret is refused: %s", msg)
	}
}

func TestIdentityEmail(t *testing.T) {
	a := domain.Identity{Email: "Ada@Example.com"}
	b := domain.Identity{Email: "ada@example.COM"}
	if a.EmailIdentity() != b.EmailIdentity() {
		t.Error("emails differing in case are different identities")
	}
	long := strings.Repeat("a", 250) + "@example.com"
	if msg := domain.CheckIdentityEmail(long); !strings.Contains(msg, "254") {
		t.Errorf("a %d-character email: %q", len(long), msg)
	}
}
