package backend

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

type principalKey struct{}

// WithEmbeddedPrincipal marks a request as coming from the provider's own
// in-process backend, which acts with owner rights. Only code in this
// process can set it: a request arriving over the network never carries it.
func WithEmbeddedPrincipal(ctx context.Context) context.Context {
	return context.WithValue(ctx, principalKey{}, domain.Principal{Kind: domain.PrincipalEmbedded, Role: domain.RoleOwner, Name: "embedded"})
}

func principalFrom(ctx context.Context) domain.Principal {
	p, _ := ctx.Value(principalKey{}).(domain.Principal)
	return p
}

// public paths need no credential.
func public(path string) bool {
	return path == "/healthz" || path == "/readyz" || strings.HasPrefix(path, "/v1/openapi")
}

// authenticate resolves the request's credential into a Principal, or
// answers 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if public(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		if _, ok := ctx.Value(principalKey{}).(domain.Principal); !ok {
			credentials := r.Header.Values("Authorization")
			if len(credentials) > 1 {
				// Proxies and servers disagree on which of several wins;
				// none is chosen here.
				writeError(w, &domain.Error{Code: domain.CodeValidation, Message: "the request has more than one Authorization header; send exactly one",
					Details: []domain.FieldError{{Field: "Authorization", Message: "must appear once"}}})
				return
			}
			p, err := s.resolve(ctx, r.Header.Get("Authorization"))
			if err != nil {
				var de *domain.Error
				switch {
				case errors.As(err, &de):
				case errors.Is(err, store.ErrUnavailable):
					de = s.unavailable(ctx, err)
					w.Header().Set("Retry-After", retryAfterOutage)
				default:
					s.log.ErrorContext(ctx, "authenticating request", "error", err)
					de = domain.Errorf(domain.CodeInternal, "internal error; the server log has details")
				}
				if de.Code == domain.CodeUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="arbor"`)
				}
				writeError(w, de)
				return
			}
			ctx = context.WithValue(ctx, principalKey{}, p)
			r = r.WithContext(ctx)
		}
		if s.limiter != nil {
			if wait, ok := s.limiter.allow(principalFrom(ctx).Actor()); !ok {
				w.Header().Set("Retry-After", wait)
				writeError(w, domain.Errorf(domain.CodeRateLimited, "rate limit exceeded; retry after %s second(s)", wait))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

var errUnauthorized = domain.Errorf(domain.CodeUnauthorized, "missing or invalid credential: send Authorization: Bearer <account token or environment API key>")

// resolve checks a bearer credential against the stored hashes.
func (s *Server) resolve(ctx context.Context, header string) (domain.Principal, error) {
	// The scheme is case-insensitive (RFC 9110, section 11.1).
	scheme, secret, _ := strings.Cut(strings.TrimSpace(header), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return domain.Principal{}, errUnauthorized
	}
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return domain.Principal{}, errUnauthorized
	}
	prefix, id, ok := domain.ParseSecret(secret)
	if !ok {
		prefix, id = domain.TokenPrefix, bootstrapTokenID
	}
	var p domain.Principal
	err := s.store.Lookup(ctx, func(tx store.Tx) error {
		switch prefix {
		case domain.TokenPrefix:
			tok, hash, err := tx.Token(id)
			if err != nil {
				return err
			}
			if !domain.SecretMatches(secret, hash) {
				return store.ErrNotFound
			}
			p = domain.Principal{Kind: domain.PrincipalAccountToken, ID: tok.ID, Name: tok.Name, Role: tok.Role}
		default:
			key, hash, err := tx.APIKey(id)
			if err != nil {
				return err
			}
			if !domain.SecretMatches(secret, hash) {
				return store.ErrNotFound
			}
			p = domain.Principal{Kind: domain.PrincipalAPIKey, ID: key.ID, Name: key.Name, Environment: key.Environment, Scope: key.Scope}
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return p, errUnauthorized
	}
	return p, err
}

// bootstrapTokenID is the id of an operator-supplied bootstrap token. Such
// a token may have any shape (ARBOR_BOOTSTRAP_TOKEN=…), so it cannot carry
// its id the way generated secrets do.
const bootstrapTokenID = "bootstrap"

// BootstrapOwnerToken creates an owner token when the account has no token
// at all, so a new server can be administered. With value empty a random
// token is generated. It returns the secret and whether one was created.
func (s *Server) BootstrapOwnerToken(ctx context.Context, value string) (string, bool, error) {
	var secret string
	var created bool
	err := s.store.Update(ctx, func(tx store.Tx) error {
		n, err := tx.CountTokens()
		if err != nil || n > 0 {
			return err
		}
		id, generated := domain.NewSecret(domain.TokenPrefix)
		secret = generated
		if value != "" {
			id, secret = bootstrapTokenID, value
		}
		now := s.now().UTC()
		tok := domain.Token{ID: id, Name: "bootstrap owner", Role: domain.RoleOwner, Prefix: domain.SecretPrefix(secret), Version: 1, CreatedAt: now}
		if err := tx.InsertToken(tok, domain.HashSecret(secret)); err != nil {
			return err
		}
		created = true
		return tx.AppendAudit(domain.AuditEntry{At: now, Actor: "bootstrap", Action: "create", Kind: "token", Key: id, Version: 1})
	})
	return secret, created, err
}
