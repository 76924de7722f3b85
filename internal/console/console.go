// Package console is Arbor's web console, served by `serve` at /console/
// for the people who do not write Terraform. It is one more client of the
// backend's rules: every page reads and every form writes through the
// backend's own operations, called in-process as the signed-in token's
// principal (see call.go), never through a second path.
//
// Pages come in groups, one file each (pages_<group>.go, templates under
// templates/<group>/): a group registers its pages and its navigation
// links from init, so adding a group touches no other file.
package console

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Prefix is where the console is served.
const Prefix = "/console/"

// Defaults of Config.
const (
	DefaultIdleTimeout = time.Hour
	DefaultMaxAge      = 12 * time.Hour
)

//go:embed templates static
var files embed.FS

// Config configures a Console.
type Config struct {
	Backend *backend.Server
	// Store holds the sessions; it is the backend's database, so every
	// replica knows every session.
	Store  store.Store
	Logger *slog.Logger
	// TrustedOrigins are origins (scheme://host[:port]) whose forms are
	// accepted although the request's Host differs, as behind a load
	// balancer that rewrites it: the console's public URL.
	TrustedOrigins []string
	// IdleTimeout ends a session unused for this long; MaxAge ends any
	// session this long after sign-in.
	IdleTimeout, MaxAge time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Console is the web console's handler.
type Console struct {
	backend   *backend.Server
	store     store.Store
	log       *slog.Logger
	now       func() time.Time
	idle, max time.Duration
	// secureOrigin is true when a trusted origin is https: the cookie is
	// then Secure although TLS ends at a proxy.
	secureOrigin bool
	handler      http.Handler
	pages        map[string]*template.Template
	signIn       *template.Template
}

// New builds the console and its routes.
func New(cfg Config) (*Console, error) {
	if cfg.Backend == nil || cfg.Store == nil {
		return nil, errors.New("console: a backend and its store are required")
	}
	c := &Console{backend: cfg.Backend, store: cfg.Store, log: cfg.Logger, now: cfg.Now, idle: cfg.IdleTimeout, max: cfg.MaxAge, pages: map[string]*template.Template{}}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.idle <= 0 {
		c.idle = DefaultIdleTimeout
	}
	if c.max <= 0 {
		c.max = DefaultMaxAge
	}
	protection := http.NewCrossOriginProtection()
	for _, origin := range cfg.TrustedOrigins {
		if err := protection.AddTrustedOrigin(origin); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w (write it as scheme://host[:port], such as https://arbor.example.com)", origin, err)
		}
		c.secureOrigin = c.secureOrigin || strings.HasPrefix(origin, "https://")
	}
	protection.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.plainError(w, http.StatusForbidden, "This form was sent from another site and was refused. If the console is behind a proxy or load balancer, start serve with --public-url set to the address people use.")
	}))

	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partials.html", "templates/*/*_nav.html")
	if err != nil {
		return nil, err
	}
	// Every page template is parsed once, over the layout: a page may be
	// shown by another route than its own (a refusal, a result).
	err = fs.WalkDir(files, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "templates/layout.html" || name == "templates/partials.html" || name == "templates/signin.html" || strings.HasSuffix(name, "_nav.html") {
			return err
		}
		t, err := template.Must(base.Clone()).ParseFS(files, name)
		c.pages[strings.TrimPrefix(name, "templates/")] = t
		return err
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix, http.FileServerFS(mustSub(files, "."))))
	c.registerSessionRoutes(mux, base)
	for _, g := range sortedGroups() {
		for _, p := range g.pages {
			if _, ok := c.pages[p.Template]; p.Template != "" && !ok {
				return nil, fmt.Errorf("page %s: no template %s", p.Path, p.Template)
			}
			mux.Handle(p.Method+" "+p.Path, c.page(g, p))
		}
	}
	mux.HandleFunc(Prefix+"{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix+"environments", http.StatusSeeOther)
	})
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		c.plainError(w, http.StatusNotFound, "There is no console page at this address.")
	})
	c.handler = securityHeaders(protection.Handler(mux))
	return c, nil
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// ServeHTTP serves the console's pages.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// Mount serves the console (nil: off) beside the API: /console and
// everything under /console/ go to the console, the rest to api untouched
// (the API refuses unclean paths itself, so no mux cleans them here).
func Mount(api http.Handler, c *Console) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if path != "/console" && !strings.HasPrefix(path, Prefix) {
			api.ServeHTTP(w, r)
			return
		}
		switch {
		case c == nil:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintln(w, "The console is off on this server (serve --console=false).")
		case path == "/console":
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		default:
			c.ServeHTTP(w, r)
		}
	})
}

// securityHeaders keeps pages from being framed, sniffed, cached or
// running scripts and styles from anywhere but the console itself.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func (c *Console) plainError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// consolePath builds a console path from segments, each escaped.
func consolePath(segments ...string) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(Prefix, "/"))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// principalOf is the signed-in principal of a console request.
func principalOf(r *http.Request) domain.Principal {
	p, _ := r.Context().Value(principalKey{}).(domain.Principal)
	return p
}

type principalKey struct{}
