package console

import (
	"crypto/rand"
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// An environment's API keys: the list, and for the operators who manage
// them (owners and admins: the API decides) a form that creates one, its
// secret shown once on the page that answers it, and a revoke per key.

type apiKeysView struct {
	Env      string
	Page     domain.Page[domain.APIKey]
	Operator bool
	Scopes   []domain.Scope
	Input    domain.APIKeyInput
	// Created is the key just made, with its secret: in this answer only.
	Created        *domain.APIKey
	IdempotencyKey string
}

func apiKeysPage(c *Console, r *http.Request) (any, error) {
	env := r.PathValue("env")
	page, err := listPage[domain.APIKey](c, r, api.ListAPIKeys.URL(env), nil)
	return apiKeysView{Env: env, Page: page, Operator: operator(principalOf(r)), Scopes: domain.Scopes,
		Input: domain.APIKeyInput{Scope: domain.ScopeReadOnly}, IdempotencyKey: rand.Text()}, err
}

func createAPIKey(c *Console, r *http.Request) (any, error) {
	env := r.PathValue("env")
	in := domain.APIKeyInput{Name: r.PostFormValue("name"), Scope: domain.Scope(r.PostFormValue("scope"))}
	// The form's idempotency key makes a form sent twice (a reload, a
	// double click) create one key.
	h := http.Header{}
	if key := r.PostFormValue("idempotency_key"); key != "" {
		h.Set(api.HeaderIdempotencyKey, key)
	}
	var created domain.APIKey
	_, err := c.call(r, api.CreateAPIKey.Method, api.CreateAPIKey.URL(env), nil, h, in, &created)
	v, lerr := apiKeysPage(c, r)
	if lerr != nil {
		return nil, lerr
	}
	kv := v.(apiKeysView)
	if err != nil {
		kv.Input = in
		return nil, refuse(err, kv)
	}
	kv.Created = &created
	return kv, nil
}

func deleteAPIKey(c *Console, r *http.Request) (any, error) {
	env := r.PathValue("env")
	if _, err := c.call(r, api.DeleteAPIKey.Method, api.DeleteAPIKey.URL(env, r.PathValue("id")), nil, nil, nil, nil); err != nil {
		v, lerr := apiKeysPage(c, r)
		if lerr != nil {
			return nil, lerr
		}
		return nil, refuse(err, v)
	}
	return redirect(Prefix + "environments/" + env + "/api-keys"), nil
}
