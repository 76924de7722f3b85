package backend

import (
	"context"
	"fmt"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Variables: each environment's own values for templates. A sensitive
// value is sealed apart from the stored body and never returned.

// secretVariableValue names the sealed value of a sensitive variable.
const secretVariableValue = "value"

var variableRules = &rules[domain.Variable]{
	kind: domain.KindVariable,
	check: func(w *write, old, v *domain.Variable) error {
		if err := domain.CheckVariableWrite(old, v).Err(); err != nil {
			return err
		}
		if !v.Sensitive {
			return nil
		}
		supplied := v.Value
		// Kept out of the stored body, and out of the answer.
		v.Value = ""
		if supplied != "" {
			ref := objectRef(domain.KindVariable, w.env.Slug, v.Key)
			w.afterStore(func() error { return w.sealSecret(ref, secretVariableValue, supplied) })
		}
		return nil
	},
}

type listVariablesInput struct {
	ListParams
}

// VariableValues returns env's variables by key, sensitive values opened:
// what templates read as vars.<key>. It bypasses authorization: it is for
// the backend's own use (rendering), never an API response.
func (s *Server) VariableValues(ctx context.Context, env string) (map[string]string, error) {
	var values map[string]string
	err := s.store.View(ctx, func(tx store.Tx) error {
		variables, err := listAll[domain.Variable](tx, domain.KindVariable, env)
		if err != nil {
			return err
		}
		values = make(map[string]string, len(variables))
		for _, v := range variables {
			if !v.Sensitive {
				values[v.Key] = v.Value
				continue
			}
			ref := objectRef(domain.KindVariable, env, v.Key)
			sealed, err := tx.Secret(ref, secretVariableValue)
			if err != nil {
				return fmt.Errorf("reading the sealed value of variable %q: %w", v.Key, err)
			}
			value, err := s.sealer.Open(sealed, sealContext(ref, secretVariableValue))
			if err != nil {
				return fmt.Errorf("opening the sealed value of variable %q: %w", v.Key, err)
			}
			values[v.Key] = string(value)
		}
		return nil
	})
	return values, err
}

// registerVariableRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerVariableRoutes() {
	registerEnvObjects[domain.Variable, *domain.Variable, listVariablesInput](s, variableRules, "variables", nil, routeOptions{})
}
