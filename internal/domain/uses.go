package domain

import (
	"fmt"
	"regexp"
	"slices"
)

// Versioned objects use one another: an email step names its layout
// (layout_key), a template renders partials ({% render 'key' %}). A use
// is a reference (References), so the used object cannot be deleted while
// in use, and it follows the promotion order: the used object must be
// present where its user is written and, when the write is a promotion,
// hold there the content it holds in the environment below
// (Promotion.CheckUse).

// renderTag finds the partials a template renders: {% render 'key' %}.
var renderTag = regexp.MustCompile(`\{%-?\s*render\s+['"]([a-z0-9_-]+)['"]`)

// partialRefs are the partials rendered by templates, each named by the
// field that renders it, every partial once.
func partialRefs(templates map[string]string) []Ref {
	var refs []Ref
	seen := map[string]bool{}
	fields := make([]string, 0, len(templates))
	for f := range templates {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, field := range fields {
		for _, m := range renderTag.FindAllStringSubmatch(templates[field], -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				refs = append(refs, Ref{Kind: KindPartial, Key: m[1], Field: field})
			}
		}
	}
	return refs
}

// VersionedUses are the references of obj to objects of versioned kinds.
func VersionedUses(obj Object) []Ref {
	var uses []Ref
	for _, r := range obj.References() {
		if slices.Contains(VersionedKinds, r.Kind) {
			uses = append(uses, r)
		}
	}
	return uses
}

// CheckUse judges one use of a versioned object written in the
// promotion's environment by an object of user: used is the used
// object's promotion state there. The used object must be present; when
// the write is a promotion (promoted), it must also hold there the content
// it holds in the environment below, so that the two arrive together and
// in order.
func (used Promotion) CheckUse(user string, use Ref, promoted bool) error {
	name := fmt.Sprintf("%s %q", use.Kind.Noun, use.Key)
	switch {
	case used.Current == nil && used.Environment == used.Order[0]:
		return used.refuse("%s uses %s (%s), which does not exist in %s: create it first", user, name, use.Field, used.Environment)
	case used.Current == nil:
		return used.refuse("%s uses %s (%s), which does not exist in %s: apply %s to %s first", user, name, use.Field, used.Environment, name, used.Environment)
	case promoted && used.Below != nil && used.Below.SHA != used.Current.SHA:
		return used.refuse("%s uses %s (%s), which differs in %s from its version in %s: apply %s to %s first, so the two arrive together", user, name, use.Field, used.Environment, used.BelowEnvironment, name, used.Environment)
	}
	return nil
}
