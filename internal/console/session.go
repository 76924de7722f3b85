package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// cookieName names the session cookie. It carries a random session id,
// never the token: the database keeps only the id's hash and the token the
// session acts as.
const cookieName = "arbor_session"

// touchEvery is how stale a session's last use may be recorded: a session
// in use is written at most this often, not on every page.
const touchEvery = time.Minute

func hashSessionID(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:]
}

func (c *Console) registerSessionRoutes(mux *http.ServeMux, base *template.Template) {
	c.signIn = template.Must(template.Must(base.Clone()).ParseFS(files, "templates/signin.html"))
	mux.HandleFunc("GET "+Prefix+"sign-in", func(w http.ResponseWriter, r *http.Request) {
		c.renderSignIn(w, r, http.StatusOK, "")
	})
	mux.HandleFunc("POST "+Prefix+"sign-in", c.handleSignIn)
	mux.HandleFunc("POST "+Prefix+"sign-out", c.handleSignOut)
}

type signInView struct {
	view
	Next  string
	Error string
}

func (c *Console) renderSignIn(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := signInView{view: view{Title: "Sign in"}, Next: safeNext(r.FormValue("next")), Error: msg}
	c.write(w, status, c.signIn, &v)
}

// safeNext keeps a return address only when it is a console page of this
// server: anything else would let a link send a person elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return Prefix + "environments"
	}
	return next
}

func (c *Console) handleSignIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	token := r.PostFormValue("token")
	p, err := c.backend.AccountToken(r.Context(), token)
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeUnauthorized {
			c.renderSignIn(w, r, http.StatusUnauthorized, de.Message)
			return
		}
		c.log.ErrorContext(r.Context(), "console sign-in", "error", err)
		c.renderSignIn(w, r, http.StatusInternalServerError, "The server could not sign you in; its log has details.")
		return
	}
	id := rand.Text() + rand.Text()
	now := c.now().UTC()
	err = c.store.Update(r.Context(), func(tx store.Tx) error {
		// Sign-ins are rare: each clears the expired sessions of everyone.
		if err := tx.ExpireSessions(now.Add(-c.idle), now.Add(-c.max)); err != nil {
			return err
		}
		return tx.InsertSession(store.Session{Hash: hashSessionID(id), TokenID: p.ID, CreatedAt: now, SeenAt: now})
	})
	if err != nil {
		c.log.ErrorContext(r.Context(), "console sign-in", "error", err)
		c.renderSignIn(w, r, http.StatusInternalServerError, "The server could not sign you in; its log has details.")
		return
	}
	http.SetCookie(w, c.cookie(r, id, int(c.max/time.Second)))
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (c *Console) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(cookieName); err == nil {
		if err := c.store.Update(r.Context(), func(tx store.Tx) error { return tx.DeleteSession(hashSessionID(ck.Value)) }); err != nil {
			c.log.ErrorContext(r.Context(), "console sign-out", "error", err)
		}
	}
	http.SetCookie(w, c.cookie(r, "", -1))
	http.Redirect(w, r, Prefix+"sign-in", http.StatusSeeOther)
}

func (c *Console) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     cookieName,
		Value:    value,
		Path:     Prefix,
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   r.TLS != nil || c.secureOrigin,
	}
}

// errNoSession means the request has no live session.
var errNoSession = errors.New("no session")

// session resolves the request's cookie to the principal of its token. A
// session idle too long, too old, signed out, or whose token was revoked
// is gone.
func (c *Console) session(ctx context.Context, r *http.Request) (domain.Principal, error) {
	ck, err := r.Cookie(cookieName)
	if err != nil || ck.Value == "" {
		return domain.Principal{}, errNoSession
	}
	hash := hashSessionID(ck.Value)
	var sess store.Session
	var tok domain.Token
	err = c.store.Lookup(ctx, func(tx store.Tx) error {
		var err error
		sess, tok, err = tx.Session(hash)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return domain.Principal{}, errNoSession
	}
	if err != nil {
		return domain.Principal{}, err
	}
	now := c.now()
	if now.Sub(sess.SeenAt) > c.idle || now.Sub(sess.CreatedAt) > c.max {
		err := c.store.Update(ctx, func(tx store.Tx) error { return tx.DeleteSession(hash) })
		if err != nil {
			return domain.Principal{}, err
		}
		return domain.Principal{}, errNoSession
	}
	if now.Sub(sess.SeenAt) > touchEvery {
		err := c.store.Update(ctx, func(tx store.Tx) error { return tx.TouchSession(hash, now.UTC()) })
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return domain.Principal{}, err
		}
	}
	return backend.TokenPrincipal(tok), nil
}

// signedIn runs next with the session's principal, or sends the person to
// the sign-in page (and back here after it).
func (c *Console) signedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := c.session(r.Context(), r)
		if errors.Is(err, errNoSession) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, Prefix+"sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.plainError(w, http.StatusUnauthorized, "Your session has ended: sign in again at "+Prefix+"sign-in.")
			return
		}
		if err != nil {
			c.log.ErrorContext(r.Context(), "console session", "error", err)
			c.plainError(w, http.StatusInternalServerError, "The server could not read your session; its log has details.")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}
