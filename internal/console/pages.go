package console

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A group is a set of pages and their navigation links, registered from
// its file's init (pages_<group>.go).
type group struct {
	// Order places the group's links in the navigation.
	Order int
	// Section titles the group's links in the navigation ("Access control").
	Section string
	// Environment is true when the group's pages are per environment:
	// its links then follow the environment switcher.
	Environment bool
	Links       []link
	pages       []page
}

// A link is one entry of the navigation; Path may hold {env}.
type link struct {
	Label, Path string
}

// A page is one route of the console. Handle returns what the template
// shows, or a redirect or download value; Template is under templates/.
type page struct {
	Method, Path string
	Template     string
	Title        string
	Handle       func(c *Console, r *http.Request) (any, error)
	// Streams is true for a page that reads its multipart upload as a
	// stream (an import's review): its form is not parsed before it.
	Streams bool
}

var groups []*group

// register adds a group of pages; each pages_<group>.go calls it from init.
func register(g *group, pages ...page) {
	g.pages = pages
	groups = append(groups, g)
}

func sortedGroups() []*group {
	out := slices.Clone(groups)
	slices.SortStableFunc(out, func(a, b *group) int { return a.Order - b.Order })
	return out
}

// view is what the layout shows around every page.
type view struct {
	Title     string
	Principal domain.Principal
	// Environments are those the principal reaches, in promotion order,
	// for the switcher; Env is the page's environment, if any.
	Environments []domain.Environment
	Env          string
	// Switch is the page's address with {env} left to fill: the
	// switcher's links.
	Switch     string
	Nav        []navSection
	Path       string
	Data       any
	Message    string
	Errors     map[string]string
	Notice     string
	Breadcrumb string
}

type fieldErrorArg struct {
	Errors map[string]string
	Field  string
}

type navSection struct {
	Title string
	Links []navLink
}

type navLink struct {
	Label, Href string
	Current     bool
}

// maxFormBytes caps a form: an uploaded configuration document, carried
// again by its review's confirm form in base64 (4/3 of its size), with room
// for the form around it.
const maxFormBytes = backend.DefaultDocumentLimit/3*4 + 1<<20

// shownKeys is how many keys a list of keys shows before "and N more".
const shownKeys = 50

// redirect is a page's answer that sends the browser elsewhere.
type redirect string

// download is a page's answer that is a file.
type download struct {
	Name, ContentType string
	Body              []byte
}

// formError is a page's answer to a refused form: the page is shown again
// with the API's error on its fields.
type formError struct {
	Status int
	Data   any
	Err    *apiError
	// Template, when set, shows the error on another page than the
	// route's own, under Title: when that is empty, the title of the page
	// that shows Template (titleOf). A route's own title may say what it
	// does when it succeeds ("Configuration imported"), which a refusal
	// must not.
	Template, Title string
}

// formBool reads the boolean field name of r's form (its query for a
// GET): true or false, as a checkbox or a pair of radio buttons sends it,
// absent meaning false (an unchecked checkbox sends nothing). Anything
// else is refused, naming the field, as the API refuses a JSON boolean
// that is not one; it is never read as false.
func formBool(r *http.Request, name string) (bool, error) {
	switch v := r.FormValue(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation,
			Message: fmt.Sprintf("the form's field %s must be true or false, not %q: nothing was written", name, v),
			Details: []domain.FieldError{{Field: name, Message: "must be true or false"}}}}
	}
}

// badFormText refuses a form holding a name or value that is not UTF-8,
// URL-encoded or multipart (but on a page that reads its upload as a
// stream, streams). The API refuses such text rather than replace it with
// U+FFFD, and the console sends a form's values to it as JSON, whose
// encoder would replace it: the console refuses it first, naming the
// field.
func badFormText(r *http.Request, streams bool) error {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	var err error
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		if streams {
			return nil
		}
		// What the handler would parse anyway; a file of such a form is
		// no field the console reads.
		err = r.ParseMultipartForm(maxFormMemory)
	default:
		return nil
	}
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation, Message: "the form could not be read: " + err.Error()}}
	}
	for name, values := range r.PostForm {
		field := name
		if !utf8.ValidString(name) {
			field = strings.ToValidUTF8(name, "\uFFFD")
		}
		for _, v := range append([]string{name}, values...) {
			if !utf8.ValidString(v) {
				return &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation,
					Message: fmt.Sprintf("the form's field %s holds text that is not valid UTF-8: nothing was written; type it again", field),
					Details: []domain.FieldError{{Field: field, Message: "must be valid UTF-8 text"}}}}
			}
		}
	}
	return nil
}

// maxFormMemory is how much of a multipart form is held in memory while
// it is read (the rest of a file goes to a temporary file).
const maxFormMemory = 1 << 20

// collectionWords names kinds by their collections, in words and in
// order: "workflows, guides, email layouts".
func collectionWords(kinds []domain.Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = strings.ReplaceAll(k.Collection, "-", " ")
	}
	return strings.Join(names, ", ")
}

// titleOf is the title of the page whose GET shows template, "" for none.
func titleOf(template string) string {
	for _, g := range groups {
		for _, p := range g.pages {
			if p.Method == http.MethodGet && p.Template == template && p.Title != "" {
				return p.Title
			}
		}
	}
	return ""
}

func (e *formError) Error() string { return e.Err.Error() }

// show is a page's answer rendered with another template than the
// route's own.
type show struct {
	Template string
	Data     any
}

// refuse turns an API error into a form error showing data again; other
// errors pass.
func refuse(err error, data any) error {
	var ae *apiError
	if errors.As(err, &ae) && ae.Status < 500 {
		return &formError{Status: ae.Status, Data: data, Err: ae}
	}
	return err
}

func (c *Console) page(g *group, p page) http.Handler {
	return c.signedIn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		v := &view{Title: p.Title, Path: r.URL.Path, Env: r.PathValue("env")}
		var data any
		err := badFormText(r, p.Streams)
		if err == nil {
			data, err = p.Handle(c, r)
		}
		status := http.StatusOK
		tmpl := p.Template
		var fe *formError
		switch {
		case errors.As(err, &fe):
			status, data = fe.Status, fe.Data
			if fe.Template != "" && fe.Template != tmpl {
				tmpl, v.Title = fe.Template, cmp.Or(fe.Title, titleOf(fe.Template), "Nothing was written")
			}
			v.Message = fe.Err.API.Message
			v.Errors = map[string]string{}
			for _, d := range fe.Err.API.Details {
				v.Errors[d.Field] = d.Message
			}
		case err != nil:
			c.fail(w, r, g, p, v, err)
			return
		}
		switch d := data.(type) {
		case redirect:
			http.Redirect(w, r, string(d), http.StatusSeeOther)
			return
		case show:
			tmpl, data = d.Template, d.Data
		case download:
			w.Header().Set("Content-Type", d.ContentType)
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", d.Name))
			w.Write(d.Body)
			return
		}
		v.Data = data
		if err := c.frame(r, g, p, v); err != nil {
			c.fail(w, r, g, p, v, err)
			return
		}
		c.writeTimed(w, status, c.pages[tmpl], v, start)
		c.log.DebugContext(r.Context(), "console page", "path", r.URL.Path, "took", time.Since(start))
	}))
}

// frame fills the layout's part of a view: the switcher and navigation.
func (c *Console) frame(r *http.Request, g *group, p page, v *view) error {
	v.Principal = principalOf(r)
	if v.Title == "" {
		v.Title = g.Section
	}
	envs, err := environmentsOf(c, r)
	if err != nil {
		return err
	}
	v.Environments = envs
	current := v.Env
	if current == "" && len(envs) > 0 {
		current = envs[0].Slug
	}
	if g.Environment {
		// The switcher keeps the page when it is a list, else goes to
		// the list the page belongs to.
		v.Switch = p.Path
		if strings.Count(strings.TrimPrefix(p.Path, Prefix+"environments/{env}/"), "/") > 0 || strings.Contains(p.Path, "{key") {
			if len(g.Links) > 0 {
				v.Switch = g.Links[0].Path
			}
		}
	} else {
		v.Switch = Prefix + "environments/{env}/access"
	}
	for _, gg := range sortedGroups() {
		if len(gg.Links) == 0 {
			continue
		}
		sec := navSection{Title: gg.Section}
		for _, l := range gg.Links {
			if !mayOpen(v.Principal, l, current) {
				continue
			}
			href := strings.ReplaceAll(l.Path, "{env}", url.PathEscape(current))
			sec.Links = append(sec.Links, navLink{Label: l.Label, Href: href, Current: href == r.URL.Path})
		}
		if len(sec.Links) == 0 {
			continue
		}
		if gg.Environment {
			sec.Title += " · " + current
		}
		// Groups of one section (each kind of Notifications is a group,
		// so that its detail pages switch to its own list) share a heading.
		if n := len(v.Nav); n > 0 && v.Nav[n-1].Title == sec.Title {
			v.Nav[n-1].Links = append(v.Nav[n-1].Links, sec.Links...)
			continue
		}
		v.Nav = append(v.Nav, sec)
	}
	return nil
}

// administered are the API's listings that the backend reads for
// operators only (it authorizes them as administering the account): the
// console page that mirrors one (/console/tokens mirrors /v1/tokens) is
// linked for principals allowed to administer, never shown to the others
// as a link that answers 403.
var administered = map[string]bool{api.ListTokens.Path: true, api.ListAudit.Path: true, api.ListAPIKeys.Path: true}

// mayOpen reports whether the navigation shows l to p while env is the
// switcher's environment, with the backend's own authorization.
func mayOpen(p domain.Principal, l link, env string) bool {
	mirror := "/v1/" + strings.TrimPrefix(l.Path, Prefix)
	if !administered[mirror] {
		return true
	}
	return administers(p, env)
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, g *group, p page, v *view, err error) {
	status := http.StatusInternalServerError
	var ae *apiError
	if errors.As(err, &ae) && ae.Status < 500 {
		status = ae.Status
		v.Message = ae.API.Message
	} else {
		c.log.ErrorContext(r.Context(), "console page", "path", r.URL.Path, "error", err)
		v.Message = "The server could not show this page; its log has details."
	}
	v.Data = nil
	if ferr := c.frame(r, g, p, v); ferr != nil {
		c.plainError(w, status, v.Message)
		return
	}
	c.write(w, status, c.pages["error.html"], v)
}

func (c *Console) write(w http.ResponseWriter, status int, t *template.Template, v any) {
	c.writeTimed(w, status, t, v, time.Time{})
}

// writeTimed is write for a page whose handler began at start: the
// answer's Server-Timing header says how long the server took to make it
// (browsers show it beside the request; the page benchmarks read it).
func (c *Console) writeTimed(w http.ResponseWriter, status int, t *template.Template, v any, start time.Time) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		c.log.Error("console template", "error", err)
		c.plainError(w, http.StatusInternalServerError, "The server could not show this page; its log has details.")
		return
	}
	page, field, rest := buf.Bytes(), func(io.Writer) error { return nil }, []byte(nil)
	if vw, ok := v.(*view); ok {
		if s, ok := vw.Data.(spliced); ok {
			// A field of megabytes (a document carried to its confirm)
			// is written in the marker's place, not through the buffer.
			marker, f := s.splice()
			if before, after, found := bytes.Cut(page, []byte(marker)); found {
				page, field, rest = before, f, after
			}
		}
	}
	if !start.IsZero() {
		w.Header().Set("Server-Timing", fmt.Sprintf("page;dur=%.2f", float64(time.Since(start).Microseconds())/1000))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	// An error writing is the client's going away: nothing to tell it.
	w.Write(page)
	field(w)
	w.Write(rest)
}

// spliced is a page's data holding a field too large to pass through the
// template: the template writes marker where it goes, and the page is
// written with what field writes in the marker's place.
type spliced interface {
	splice() (marker string, field func(io.Writer) error)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

var funcs = template.FuncMap{
	"time": formatTime,
	// versioned names the versioned kinds, from their list: "workflows,
	// guides, …".
	"versioned": func() string { return collectionWords(domain.VersionedKinds) },
	// path builds a console address from segments, each escaped.
	"path": func(segments ...string) string { return consolePath(segments...) },
	"envpath": func(pattern, env string) string {
		return strings.ReplaceAll(pattern, "{env}", url.PathEscape(env))
	},
	"json": func(v any) string {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err.Error()
		}
		return string(b)
	},
	"rawjson": func(b json.RawMessage) string { return string(b) },
	"join":    strings.Join,
	"next": func(r string, cursor string) string {
		return "?cursor=" + url.QueryEscape(cursor)
	},
	"contains": slices.Contains[[]string],
	// fe is the argument of the fielderror template: the page's errors
	// and one field's name.
	"fe":  func(v *view, field string) fieldErrorArg { return fieldErrorArg{Errors: v.Errors, Field: field} },
	"add": func(a, b int) int { return a + b },
	// first and more show a long list of keys (a review's) as its first
	// shownKeys and a count of the rest.
	"first": func(keys []string) []string { return keys[:min(len(keys), shownKeys)] },
	"more":  func(keys []string) int { return max(len(keys)-shownKeys, 0) },
	// firstGrants and moreGrants are first and more for the grants an
	// access impact lists: a page shows as many as a person reads; the
	// rest are counted, and listed by the API.
	"firstGrants": func(grants []domain.AccessGrant) []domain.AccessGrant { return grants[:min(len(grants), shownKeys)] },
	"maxListed":   func() int { return api.MaxAccessImpactListed },
	// firstProblems and moreProblems are first and more for a refusal's
	// problems, of which a document can have one per object.
	"firstProblems": func(ps []domain.FieldError) []domain.FieldError { return ps[:min(len(ps), shownKeys)] },
	"moreProblems":  func(ps []domain.FieldError) int { return max(len(ps)-shownKeys, 0) },
	"moreGrants":    func(grants []domain.AccessGrant, total int) int { return max(total-min(len(grants), shownKeys), 0) },
	"deref":         func(b *bool) bool { return b != nil && *b },
	// steps is the argument of the workflow-steps template, which calls
	// itself for the steps inside branches.
	"steps": func(env string, steps []domain.Step) stepsArg { return stepsArg{Env: env, Steps: steps} },
}

type stepsArg struct {
	Env   string
	Steps []domain.Step
}
