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
			p, read, err := s.resolve(ctx, r.Header.Get("Authorization"), environmentOfPath(r.URL.Path), objectOfRequest(r), writes(r.Method))
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
			ctx = context.WithValue(ctx, requestReadKey{}, read)
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

// resolve checks a bearer credential against the stored hashes. The same
// statement reads the environment the path names (env, "" for none) with
// its change numbers, so that a request answered from memory (an access
// check) makes no other read. The credential is read on every request,
// never remembered: a credential revoked through any replica is refused by
// every replica from the moment the revocation commits.
//
// A GET of one object reads the object in the same statement (object; nil
// for any other request), and the handler takes it from there once the
// credential holds: one statement per object read.
//
// A request that writes (credentialOnly: PUT, PATCH, DELETE) reads the
// credential alone: its write reads the environment again under the write
// lock, and the request statement would read the settings and environment
// rows that the writes before it have just updated, beside them.
func (s *Server) resolve(ctx context.Context, header, env string, object *store.Ref, credentialOnly bool) (domain.Principal, requestRead, error) {
	read := requestRead{env: env, object: object}
	// The scheme is case-insensitive (RFC 9110, section 11.1).
	scheme, secret, _ := strings.Cut(strings.TrimSpace(header), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return domain.Principal{}, read, errUnauthorized
	}
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return domain.Principal{}, read, errUnauthorized
	}
	prefix, id, ok := domain.ParseSecret(secret)
	if !ok {
		prefix, id = domain.TokenPrefix, bootstrapTokenID
	}
	kind := store.CredentialAPIKey
	if prefix == domain.TokenPrefix {
		kind = store.CredentialToken
	}
	err := s.store.Lookup(ctx, func(tx store.Tx) error {
		var err error
		if credentialOnly {
			read.state, err = credential(tx, kind, id)
			return err
		}
		read.state, err = tx.Request(kind, id, env, object)
		return err
	})
	if err != nil {
		return domain.Principal{}, read, err
	}
	st := read.state
	if (st.Token == nil && st.APIKey == nil) || !domain.SecretMatches(secret, st.Hash) {
		return domain.Principal{}, read, errUnauthorized
	}
	read.ok = !credentialOnly
	if tok := st.Token; tok != nil {
		return TokenPrincipal(*tok), read, nil
	}
	key := st.APIKey
	return domain.Principal{Kind: domain.PrincipalAPIKey, ID: key.ID, Name: key.Name, Environment: key.Environment, Scope: key.Scope}, read, nil
}

// environmentOfPath is the environment slug a request path names, "" for
// none.
func environmentOfPath(path string) string {
	rest, ok := strings.CutPrefix(path, "/v1/environments/")
	if !ok {
		return ""
	}
	slug, _, _ := strings.Cut(rest, "/")
	return slug
}

// objectOfRequest is the object a GET of one keyed object reads, judged
// from its path alone (the route is matched later): an environment's
// /v1/environments/{env}/{collection}/{key} or an account-level
// /v1/{collection}/{key}. Keys holding a slash (role assignments) are not
// recognised and read as any other request does.
func objectOfRequest(r *http.Request) *store.Ref {
	if r.Method != http.MethodGet {
		return nil
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		return nil
	}
	parts := strings.Split(rest, "/")
	env, account := "", true
	if len(parts) == 4 && parts[0] == "environments" {
		env, account, parts = parts[1], false, parts[2:]
	}
	if len(parts) != 2 || parts[1] == "" {
		return nil
	}
	for _, k := range domain.Kinds {
		if k.Collection == parts[0] && k.Account == account {
			return &store.Ref{Environment: env, Kind: k.Name, Key: parts[1]}
		}
	}
	return nil
}

// writes reports whether requests of method write, reading nothing
// resolve's request statement reads but the credential (see resolve).
func writes(method string) bool {
	return method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// credential reads the credential of kind and id alone, as the request
// statement would (store.Tx.Request): absent, it is nil.
func credential(tx store.Tx, kind store.CredentialKind, id string) (store.RequestState, error) {
	var st store.RequestState
	var err error
	if kind == store.CredentialToken {
		var tok domain.Token
		if tok, st.Hash, err = tx.Token(id); err == nil {
			st.Token = &tok
		}
	} else {
		var key domain.APIKey
		if key, st.Hash, err = tx.APIKey(id); err == nil {
			st.APIKey = &key
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return store.RequestState{}, nil
	}
	return st, err
}

type requestReadKey struct{}

// requestRead is what resolve read with the credential.
type requestRead struct {
	// env is the environment slug asked for, object the object; ok says
	// state was read.
	env    string
	object *store.Ref
	ok     bool
	state  store.RequestState
}

// requestObject returns the object of kind and key in env as resolve read
// it with the credential, and whether it did read it (found or not).
func requestObject(ctx context.Context, env string, kind domain.Kind, key string) (*store.Object, bool) {
	read, _ := ctx.Value(requestReadKey{}).(requestRead)
	want := store.Ref{Environment: scope(kind, env), Kind: kind.Name, Key: key}
	if !read.ok || read.object == nil || *read.object != want {
		return nil, false
	}
	return read.state.Object, true
}

// requestEnvironment authorizes act on the environment slug names (none
// for "") from what was read with the request's credential, and returns it
// with its change numbers; a request that came with no credential read
// (the embedded provider's) reads them now. An environment the principal
// may not see is reported as not found, as access does.
func (s *Server) requestEnvironment(ctx context.Context, slug string, act domain.Action) (domain.Environment, store.Changes, error) {
	p := principalFrom(ctx)
	read, _ := ctx.Value(requestReadKey{}).(requestRead)
	if !read.ok || read.env != slug {
		var env domain.Environment
		var changes store.Changes
		err := s.store.View(ctx, func(tx store.Tx) error {
			var err error
			if env, err = s.access(tx, p, slug, act); err != nil || slug == "" {
				return err
			}
			changes, err = tx.Changes(slug)
			return err
		})
		return env, changes, err
	}
	where := domain.EnvAccess{Slug: slug, IsProduction: slug == domain.Production}
	var env domain.Environment
	if slug != "" {
		if !p.CanSee(where) || read.state.Environment == nil {
			return env, store.Changes{}, domain.NotFound("environment", slug)
		}
		env = *read.state.Environment
	}
	writeAccess := p.Role == domain.RoleProductionMember && read.state.Settings.ProductionWriteAccess
	return env, read.state.Changes, p.Authorize(act, where, writeAccess)
}

// TokenPrincipal is the principal an account token acts as.
func TokenPrincipal(tok domain.Token) domain.Principal {
	return domain.Principal{Kind: domain.PrincipalAccountToken, ID: tok.ID, Name: tok.Name, Role: tok.Role}
}

// AccountToken checks an account token's secret, as a request's
// Authorization header is checked, and returns the principal it acts as.
// The console's sign-in takes account tokens only: an environment API key
// is for programs, and is refused like a wrong token.
func (s *Server) AccountToken(ctx context.Context, secret string) (domain.Principal, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" || strings.ContainsAny(secret, " \t\r\n") {
		return domain.Principal{}, errSignIn
	}
	p, _, err := s.resolve(ctx, "Bearer "+secret, "", nil, false)
	var de *domain.Error
	if errors.As(err, &de) && de.Code == domain.CodeUnauthorized {
		return p, errSignIn
	}
	if err == nil && p.Kind != domain.PrincipalAccountToken {
		return domain.Principal{}, errSignIn
	}
	return p, err
}

var errSignIn = domain.Errorf(domain.CodeUnauthorized, "that is not an account token of this server: sign in with an account token (arbt_…), not an environment API key")

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
