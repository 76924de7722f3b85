package store

import (
	"slices"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// configKinds are the names of the kinds whose keys a write stamps.
var configKinds = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range domain.ConfigSections {
		m[s.Kind.Name] = true
	}
	return m
}()

// Written is what the running write transaction of a store writes, as it
// goes: the environments it changes and whether it changes account-level
// objects (the change numbers it stamps when it succeeds), and each
// environment and kind of the objects it writes (the kind stamps) with
// their keys (the key stamps). Both stores' transactions note their
// writes in one.
type Written struct {
	Envs    []string
	Account bool
	Kinds   []EnvKind
	// Keys holds, by environment and configuration kind, the keys of
	// the objects the write puts or deletes (TouchKey), in the order it
	// does; a key written again may be there twice.
	Keys map[EnvKind][]string
}

// EnvKind is an environment and a kind of objects written there.
type EnvKind struct{ Env, Kind string }

// Touch notes that the write changes env ("" for account-level objects).
func (w *Written) Touch(env string) {
	if env == "" {
		w.Account = true
		return
	}
	if !slices.Contains(w.Envs, env) {
		w.Envs = append(w.Envs, env)
	}
}

// touchKind notes that the write writes objects of kind in env, and so
// changes env: TouchKey's, which notes the key too.
func (w *Written) touchKind(env, kind string) {
	w.Touch(env)
	if env == "" {
		// Account-level objects are in no environment's export.
		return
	}
	if k := (EnvKind{env, kind}); !slices.Contains(w.Kinds, k) {
		w.Kinds = append(w.Kinds, k)
	}
}

// TouchKey notes that the write puts or deletes the object env, kind,
// key, and so writes objects of kind in env. Keys are noted for the kinds
// of the configuration document alone (domain.ConfigSections), which an
// export is made of: the objects an application writes all day (role
// assignments, tenants) stamp their kind and leave no row per key.
func (w *Written) TouchKey(env, kind, key string) {
	w.touchKind(env, kind)
	if env == "" || !configKinds[kind] {
		return
	}
	if w.Keys == nil {
		w.Keys = map[EnvKind][]string{}
	}
	k := EnvKind{env, kind}
	if keys := w.Keys[k]; len(keys) == 0 || keys[len(keys)-1] != key {
		w.Keys[k] = append(keys, key)
	}
}

// Any reports whether the write changed anything a change number counts.
func (w *Written) Any() bool { return len(w.Envs) > 0 || w.Account }
