package backend

import (
	"errors"
	"fmt"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// rules is what differs between kinds of keyed objects; the generic
// operations below do the rest (access, preconditions, references,
// versions, audit) the same way for every kind.
type rules[T any] struct {
	kind domain.Kind
	// check validates obj against the rest of the store and sets its
	// computed fields (from old, which is nil on create).
	check func(w *write, old, obj *T) error
	// uniques lists the values no other object of the kind may hold.
	uniques func(obj *T) []store.Unique
	// created runs in the same transaction after an object is first
	// stored; secrets shown once are generated here.
	created func(w *write, obj *T) error
	// deleting runs before a delete; cascade is the request's cascade flag.
	deleting func(w *write, obj *T, cascade bool) error
	// present adjusts an object for the principal reading it.
	present func(env domain.Environment, p domain.Principal, obj *T)
}

// checkRefs makes sure every object obj points at exists, reporting every
// missing one at once, each under the field that names it.
func checkRefs(tx store.Tx, env string, refs []domain.Ref) ([]store.Ref, error) {
	var probs domain.Problems
	out := make([]store.Ref, 0, len(refs))
	for _, r := range refs {
		sr := store.Ref{Environment: scope(r.Kind, env), Kind: r.Kind.Name, Key: r.Key}
		_, err := tx.Object(sr.Environment, sr.Kind, sr.Key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			probs.Add(r.Field, "%s", r.Missing(env))
		case err != nil:
			return nil, err
		}
		out = append(out, sr)
	}
	return out, probs.Err()
}

// describeRefs names referring objects for messages: `role "editor"`.
func describeRefs(refs []store.Ref, env string) string {
	named := make([]string, len(refs))
	for i, r := range refs {
		noun := r.Kind
		if k, ok := domain.KindNamed(r.Kind); ok {
			noun = k.Noun
		}
		named[i] = fmt.Sprintf("%s %q", noun, r.Key)
		if r.Environment != env && r.Environment != "" {
			named[i] += " in " + r.Environment
		}
	}
	return domain.ListShort(named)
}
