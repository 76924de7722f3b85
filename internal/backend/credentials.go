package backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

type tokenOutput struct {
	Status int
	ETag   string `header:"ETag" doc:"The token's version as an entity tag."`
	Body   domain.Token
}

type tokensOutput struct {
	Body domain.Page[domain.Token]
}

type createTokenInput struct {
	IdempotencyHeader
	Body domain.TokenInput
}

type tokenParam struct {
	ID string `path:"id" doc:"Token id."`
}

type deleteTokenInput struct {
	ID string `path:"id" doc:"Token id."`
	Conditions
}

type apiKeyOutput struct {
	Status int
	ETag   string `header:"ETag"`
	Body   domain.APIKey
}

type apiKeysOutput struct {
	Body domain.Page[domain.APIKey]
}

type createAPIKeyInput struct {
	EnvParam
	IdempotencyHeader
	Body domain.APIKeyInput
}

type APIKeyParams struct {
	Env string `path:"env" doc:"Environment slug."`
	ID  string `path:"id" doc:"API key id."`
}

type putAPIKeyInput struct {
	APIKeyParams
	Conditions
	Body domain.APIKeyInput
}

type deleteAPIKeyInput struct {
	APIKeyParams
	Conditions
}

type listKeysInput struct {
	EnvParam
	PageParams
}

func (s *Server) registerCredentialRoutes() {
	s.registerTokenRoutes()
	s.registerAPIKeyRoutes()
}

func (s *Server) registerTokenRoutes() {
	const tag = "tokens"
	create := op(api.CreateToken.Method, api.CreateToken.Path, "create_token", "Create an account token", tag)
	create.Description = "The secret is in this response only; it is stored hashed. Owner or admin tokens only; only owners create owner tokens."
	create.DefaultStatus = http.StatusCreated
	huma.Register(s.api, *create, func(ctx context.Context, in *createTokenInput) (*tokenOutput, error) {
		if err := in.Body.Validate().Err(); err != nil {
			return nil, s.fail(ctx, err)
		}
		act := domain.ActAdminister
		if in.Body.Role == domain.RoleOwner {
			act = domain.ActGrantOwner
		}
		var tok *domain.Token
		err := s.update(ctx, "", act, func(w *write) error {
			var err error
			tok, err = idempotent(w, in.IdempotencyKey, fingerprint(http.MethodPost, "/v1/tokens", in.Body), tokenUnchanged(w), func() (*domain.Token, error) {
				id, secret := domain.NewSecret(domain.TokenPrefix)
				t := domain.Token{ID: id, Name: in.Body.Name, Role: in.Body.Role, Prefix: domain.SecretPrefix(secret), Version: 1, CreatedAt: w.now}
				if err := w.tx.InsertToken(t, domain.HashSecret(secret)); err != nil {
					return nil, err
				}
				t.Secret = secret
				return &t, w.audit("create", "token", id, 1, map[string]domain.OperatorRole{"role": t.Role})
			})
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &tokenOutput{Status: http.StatusCreated, ETag: etag(tok.Version), Body: *tok}, nil
	})

	huma.Register(s.api, *op(api.ListTokens.Method, api.ListTokens.Path, "list_tokens", "List account tokens", tag),
		func(ctx context.Context, in *PageParams) (*tokensOutput, error) {
			after, err := in.after()
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			out := &tokensOutput{}
			err = s.store.View(ctx, func(tx store.Tx) error {
				if _, err := s.access(tx, principalFrom(ctx), "", domain.ActAdminister); err != nil {
					return err
				}
				toks, err := tx.Tokens(after, in.limit()+1)
				out.Body = pageOf(toks, in.limit(), func(t domain.Token) string { return t.ID })
				return err
			})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return out, nil
		})

	huma.Register(s.api, *op(api.GetToken.Method, api.GetToken.Path, "get_token", "Get an account token", tag),
		func(ctx context.Context, in *tokenParam) (*tokenOutput, error) {
			var tok domain.Token
			err := s.store.View(ctx, func(tx store.Tx) error {
				if _, err := s.access(tx, principalFrom(ctx), "", domain.ActAdminister); err != nil {
					return err
				}
				var err error
				tok, _, err = tx.Token(in.ID)
				if errors.Is(err, store.ErrNotFound) {
					return domain.NotFound("token", in.ID)
				}
				return err
			})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &tokenOutput{Status: http.StatusOK, ETag: etag(tok.Version), Body: tok}, nil
		})

	del := op(api.DeleteToken.Method, api.DeleteToken.Path, "delete_token", "Revoke an account token", tag)
	del.Description = "The token stops working at once. The last owner token cannot be revoked."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, *del, func(ctx context.Context, in *deleteTokenInput) (*struct{}, error) {
		err := s.update(ctx, "", domain.ActAdminister, func(w *write) error {
			tok, _, err := w.tx.Token(in.ID)
			if errors.Is(err, store.ErrNotFound) {
				return domain.NotFound("token", in.ID)
			}
			if err != nil {
				return err
			}
			if err := in.check("token", in.ID, true, tok.Version); err != nil {
				return err
			}
			if tok.Role == domain.RoleOwner {
				if err := w.p.Authorize(domain.ActGrantOwner, domain.EnvAccess{}, false); err != nil {
					return err
				}
				if owners, err := countOwners(w.tx); err != nil {
					return err
				} else if owners == 1 {
					return domain.Errorf(domain.CodeConflict, "token %s is the last owner token; create another owner token first", in.ID)
				}
			}
			if err := w.tx.DeleteToken(in.ID); err != nil {
				return err
			}
			return w.audit("delete", "token", in.ID, tok.Version, nil)
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return nil, nil
	})
}

func countOwners(tx store.Tx) (int, error) {
	toks, err := tx.Tokens("", 0)
	n := 0
	for _, t := range toks {
		if t.Role == domain.RoleOwner {
			n++
		}
	}
	return n, err
}

func (s *Server) registerAPIKeyRoutes() {
	const tag = "api-keys"
	create := op(api.CreateAPIKey.Method, api.CreateAPIKey.Path, "create_api_key", "Create an environment API key", tag)
	create.Description = "The secret is in this response only; it is stored hashed. The key reaches only this environment; its name is unique in it (a second key of the same name is refused with 409). Owner or admin tokens only."
	create.DefaultStatus = http.StatusCreated
	huma.Register(s.api, *create, func(ctx context.Context, in *createAPIKeyInput) (*apiKeyOutput, error) {
		if err := in.Body.Validate().Err(); err != nil {
			return nil, s.fail(ctx, err)
		}
		var key *domain.APIKey
		err := s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			var err error
			key, err = idempotent(w, in.IdempotencyKey, fingerprint(http.MethodPost, "/v1/environments/"+in.Env+"/api-keys", in.Body), apiKeyUnchanged(w), func() (*domain.APIKey, error) {
				if err := nameFree(w.tx, w.env.Slug, in.Body.Name, ""); err != nil {
					return nil, err
				}
				id, secret := domain.NewSecret(domain.APIKeyPrefix)
				k := domain.APIKey{ID: id, Environment: w.env.Slug, Name: in.Body.Name, Scope: in.Body.Scope, Prefix: domain.SecretPrefix(secret), Version: 1, CreatedAt: w.now}
				if err := w.tx.InsertAPIKey(k, domain.HashSecret(secret)); err != nil {
					return nil, err
				}
				k.Secret = secret
				return &k, w.audit("create", "api_key", id, 1, map[string]domain.Scope{"scope": k.Scope})
			})
			return err
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &apiKeyOutput{Status: http.StatusCreated, ETag: etag(key.Version), Body: *key}, nil
	})

	huma.Register(s.api, *op(api.ListAPIKeys.Method, api.ListAPIKeys.Path, "list_api_keys", "List an environment's API keys", tag),
		func(ctx context.Context, in *listKeysInput) (*apiKeysOutput, error) {
			after, err := in.after()
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			out := &apiKeysOutput{}
			err = s.store.View(ctx, func(tx store.Tx) error {
				env, err := s.access(tx, principalFrom(ctx), in.Env, domain.ActAdminister)
				if err != nil {
					return err
				}
				keys, err := tx.APIKeys(env.Slug, after, in.limit()+1)
				out.Body = pageOf(keys, in.limit(), func(k domain.APIKey) string { return k.ID })
				return err
			})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return out, nil
		})

	// loadKey finds a key of the environment; a key of another environment
	// is not found, exactly like a missing one.
	loadKey := func(tx store.Tx, env, id string) (domain.APIKey, error) {
		k, _, err := tx.APIKey(id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && k.Environment != env) {
			return k, domain.Errorf(domain.CodeNotFound, "API key %q not found in environment %s", id, env)
		}
		return k, err
	}

	huma.Register(s.api, *op(api.GetAPIKey.Method, api.GetAPIKey.Path, "get_api_key", "Get an environment API key", tag),
		func(ctx context.Context, in *APIKeyParams) (*apiKeyOutput, error) {
			var key domain.APIKey
			err := s.store.View(ctx, func(tx store.Tx) error {
				env, err := s.access(tx, principalFrom(ctx), in.Env, domain.ActAdminister)
				if err != nil {
					return err
				}
				key, err = loadKey(tx, env.Slug, in.ID)
				return err
			})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &apiKeyOutput{Status: http.StatusOK, ETag: etag(key.Version), Body: key}, nil
		})

	put := op(api.PutAPIKey.Method, api.PutAPIKey.Path, "update_api_key", "Rename or re-scope an API key", tag)
	huma.Register(s.api, *put, func(ctx context.Context, in *putAPIKeyInput) (*apiKeyOutput, error) {
		if err := in.Body.Validate().Err(); err != nil {
			return nil, s.fail(ctx, err)
		}
		var key domain.APIKey
		err := s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			var err error
			if key, err = loadKey(w.tx, w.env.Slug, in.ID); err != nil {
				return err
			}
			if err := in.check("API key", in.ID, true, key.Version); err != nil {
				return err
			}
			if err := nameFree(w.tx, w.env.Slug, in.Body.Name, key.ID); err != nil {
				return err
			}
			key.Name, key.Scope = in.Body.Name, in.Body.Scope
			key.Version++
			if err := w.tx.UpdateAPIKey(key); err != nil {
				return err
			}
			return w.audit("update", "api_key", key.ID, key.Version, map[string]domain.Scope{"scope": key.Scope})
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &apiKeyOutput{Status: http.StatusOK, ETag: etag(key.Version), Body: key}, nil
	})

	del := op(api.DeleteAPIKey.Method, api.DeleteAPIKey.Path, "delete_api_key", "Revoke an API key", tag)
	del.Description = "The key stops working at once."
	del.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, *del, func(ctx context.Context, in *deleteAPIKeyInput) (*struct{}, error) {
		err := s.update(ctx, in.Env, domain.ActAdminister, func(w *write) error {
			key, err := loadKey(w.tx, w.env.Slug, in.ID)
			if err != nil {
				return err
			}
			if err := in.check("API key", in.ID, true, key.Version); err != nil {
				return err
			}
			if err := w.tx.DeleteAPIKey(key.ID); err != nil {
				return err
			}
			return w.audit("delete", "api_key", key.ID, key.Version, nil)
		})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return nil, nil
	})
}

// tokenUnchanged is the replay condition of token creations: the token is
// still there, unchanged.
func tokenUnchanged(w *write) func(first *domain.Token) (bool, error) {
	return func(first *domain.Token) (bool, error) {
		tok, _, err := w.tx.Token(first.ID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil && tok.Version == first.Version, err
	}
}

// apiKeyUnchanged is the replay condition of API key creations: the key is
// still there, unchanged, so a revoked key is never handed out again.
func apiKeyUnchanged(w *write) func(first *domain.APIKey) (bool, error) {
	return func(first *domain.APIKey) (bool, error) {
		k, _, err := w.tx.APIKey(first.ID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil && k.Environment == first.Environment && k.Version == first.Version, err
	}
}

// nameFree refuses a key name another key of the environment (than self)
// holds: the name is what recognises a key, so that a create retried after
// its answer was lost finds the key it made rather than making a second
// live credential. The SQLite store runs writes one at a time, so the
// check holds until the transaction commits; a store running writes
// concurrently needs a unique index on (environment, name) as well.
func nameFree(tx store.Tx, env, name, self string) error {
	keys, err := tx.APIKeys(env, "", 0)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.Name == name && k.ID != self {
			msg := fmt.Sprintf("already used by API key %s", k.ID)
			return &domain.Error{Code: domain.CodeConflict, Message: fmt.Sprintf("API key name %q is %s in environment %s; names are unique per environment: choose another name, or import that key", name, msg, env),
				Details: []domain.FieldError{{Field: "name", Message: msg}}}
		}
	}
	return nil
}
