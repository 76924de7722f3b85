package backend

import (
	"slices"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Every versioned kind has its part of configuration documents, in
// document order: a kind missing from versionedKinds would never be
// exported, imported or removed.
func TestVersionedKindsAreServed(t *testing.T) {
	var served []domain.Kind
	for _, vk := range versionedKinds {
		served = append(served, vk.kind)
	}
	if !slices.Equal(served, domain.VersionedKinds) {
		t.Errorf("versionedKinds serve %v, the domain's versioned kinds are %v", served, domain.VersionedKinds)
	}
}
