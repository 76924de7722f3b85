package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Account pages: settings, identities, tokens and the audit log.
func init() {
	register(&group{Order: 20, Section: "Account", Links: []link{
		{"Settings", Prefix + "settings"},
		{"Identities", Prefix + "identities"},
		{"Tokens", Prefix + "tokens"},
		{"Audit log", Prefix + "audit"},
	}},
		page{Method: "GET", Path: Prefix + "settings", Template: "account/settings.html", Title: "Settings", Handle: settingsPage},
		page{Method: "GET", Path: Prefix + "settings/review", Template: "account/settings_review.html", Title: "Review the change", Handle: reviewSettings},
		page{Method: "POST", Path: Prefix + "settings", Template: "account/settings_review.html", Title: "Review the change", Handle: putSettings},
		page{Method: "GET", Path: Prefix + "identities", Template: "account/identities.html", Title: "Identities", Handle: identitiesPage},
		page{Method: "GET", Path: Prefix + "tokens", Template: "account/tokens.html", Title: "Tokens", Handle: tokensPage},
		page{Method: "POST", Path: Prefix + "tokens", Template: "account/tokens.html", Title: "Tokens", Handle: createToken},
		page{Method: "POST", Path: Prefix + "tokens/{id}/delete", Template: "account/tokens.html", Title: "Tokens", Handle: deleteToken},
		page{Method: "GET", Path: Prefix + "audit", Template: "account/audit.html", Title: "Audit log", Handle: auditPage},
	)
}

type settingsView struct {
	Settings domain.Settings
	Operator bool
	Saved    bool
}

func settingsPage(c *Console, r *http.Request) (any, error) {
	var st domain.Settings
	_, err := c.call(r, api.GetSettings.Method, api.GetSettings.Path, nil, nil, nil, &st)
	return settingsView{Settings: st, Operator: operator(principalOf(r)), Saved: r.URL.Query().Get("saved") != ""}, err
}

// settingsReview says what switching production write access changes,
// counted from what the account holds now.
type settingsReview struct {
	Current, Want domain.Settings
	// ProductionMembers are the first of the tokens whose role works
	// only while the setting is on; Members counts them all.
	ProductionMembers []domain.Token
	Members           int
	// ProductionBorn counts, per kind, the objects created in production,
	// editable there only while the setting is on.
	ProductionBorn []kindCount
	reviewed       string
}

// Born says ProductionBorn in words: the kinds with objects, with their
// counts ("1 guide, 3 workflows"), or "no object" when none.
func (v settingsReview) Born() string {
	var parts []string
	for _, k := range v.ProductionBorn {
		switch {
		case k.Count == 1:
			parts = append(parts, "1 "+k.Singular)
		case k.Count > 1:
			parts = append(parts, fmt.Sprintf("%d %s", k.Count, strings.ReplaceAll(k.Noun, "-", " ")))
		}
	}
	if len(parts) == 0 {
		return "no object"
	}
	return strings.Join(parts, ", ")
}

// Reviewed fingerprints what the review says switching changes: the
// tokens whose role it stops or starts and the objects it makes
// read-only or editable. A confirm after any of them changed is refused
// and the review shown again, as a change of the settings is (If-Match
// on their version): the person confirms what they read. The check is
// the console's, made just before the write, not within it: a token made
// between the two is not caught (the settings' own version is, by the
// API).
func (v settingsReview) Reviewed() string { return v.reviewed }

// Unchanged is true when the setting already is what the review would
// make it.
func (v settingsReview) Unchanged() bool {
	return v.Want.ProductionWriteAccess == v.Current.ProductionWriteAccess
}

// namedMembers is how many production members the settings review names.
const namedMembers = 20

func reviewSettings(c *Console, r *http.Request) (any, error) {
	var st domain.Settings
	if _, err := c.call(r, api.GetSettings.Method, api.GetSettings.Path, nil, nil, nil, &st); err != nil {
		return nil, err
	}
	want, err := formBool(r, "production_write_access")
	if err != nil {
		return nil, err
	}
	v := settingsReview{Current: st, Want: domain.Settings{ProductionWriteAccess: want, Version: st.Version}}
	// The API decides who may see tokens and production's objects (a
	// first page of each, which it refuses to whoever may not); the store
	// then counts, walking no listing.
	if _, err := listPage[domain.Token](c, r, api.ListTokens.Path, url.Values{"limit": {"1"}, "cursor": {""}}); err != nil {
		return nil, err
	}
	for _, k := range domain.VersionedKinds {
		if _, err := listPage[struct{}](c, r, api.ObjectRoutes(k).List.URL(domain.Production), url.Values{"limit": {"1"}, "cursor": {""}}); err != nil {
			return nil, err
		}
	}
	err = c.store.View(r.Context(), func(tx store.Tx) error {
		var err error
		if v.ProductionMembers, v.Members, err = tx.TokensWithRole(domain.RoleProductionMember, namedMembers); err != nil {
			return err
		}
		// What the review says, fingerprinted (Reviewed): every
		// member's token, and the last write of each versioned kind in
		// production, which a production-born object's creation or
		// deletion moves.
		h := sha256.New()
		all := v.ProductionMembers
		if v.Members > len(all) {
			if all, _, err = tx.TokensWithRole(domain.RoleProductionMember, v.Members); err != nil {
				return err
			}
		}
		for _, t := range all {
			fmt.Fprintf(h, "token %s\n", t.ID)
		}
		stamps, err := tx.KindStamps(domain.Production)
		if err != nil {
			return err
		}
		for _, k := range domain.VersionedKinds {
			n, err := c.backend.CountBornIn(tx, domain.Production, k, domain.Production)
			if err != nil {
				return err
			}
			v.ProductionBorn = append(v.ProductionBorn, kindCount{Noun: k.Collection, Singular: k.Noun, Count: n})
			fmt.Fprintf(h, "%s %d %d\n", k.Name, n, stamps.Kinds[k.Name])
		}
		v.reviewed = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func putSettings(c *Console, r *http.Request) (any, error) {
	want, err := formBool(r, "production_write_access")
	if err != nil {
		return nil, err
	}
	in := domain.Settings{ProductionWriteAccess: want}
	// If-Match: the version reviewed. A change made since is refused, and
	// the review is shown again from what holds now; so is a confirm after
	// what the review counted changed (a production member's token made
	// meanwhile).
	h := http.Header{api.HeaderIfMatch: {strconv.Quote(r.PostFormValue("version"))}}
	now, err := reviewSettings(c, r)
	if err != nil {
		return nil, err
	}
	if now.(settingsReview).Reviewed() != r.PostFormValue("reviewed") {
		return nil, refuse(&apiError{Status: http.StatusPreconditionFailed, API: domain.Error{Code: domain.CodePreconditionFailed,
			Message: "what switching changes is no longer what you reviewed (a token or an object of production was made or removed since): nothing was written; read the review again below"}}, now)
	}
	if _, err := c.call(r, api.PutSettings.Method, api.PutSettings.Path, nil, h, in, nil); err != nil {
		return nil, refuse(err, now)
	}
	return redirect(Prefix + "settings?saved=1"), nil
}

type listView[T any] struct {
	Page     domain.Page[T]
	Operator bool
}

func identitiesPage(c *Console, r *http.Request) (any, error) {
	page, err := listPage[domain.Identity](c, r, api.ObjectRoutes(domain.KindIdentity).List.URL(), nil)
	return listView[domain.Identity]{Page: page}, err
}

type tokensView struct {
	Page           domain.Page[domain.Token]
	Operator       bool
	Roles          []domain.OperatorRole
	Input          domain.TokenInput
	Created        *domain.Token
	IdempotencyKey string
	Self           string
}

func tokensPage(c *Console, r *http.Request) (any, error) {
	page, err := listPage[domain.Token](c, r, api.ListTokens.Path, nil)
	p := principalOf(r)
	return tokensView{Page: page, Operator: operator(p), Roles: domain.OperatorRoles, IdempotencyKey: rand.Text(), Self: p.ID,
		Input: domain.TokenInput{Role: domain.RoleViewer}}, err
}

func createToken(c *Console, r *http.Request) (any, error) {
	in := domain.TokenInput{Name: r.PostFormValue("name"), Role: domain.OperatorRole(r.PostFormValue("role"))}
	h := http.Header{}
	if key := r.PostFormValue("idempotency_key"); key != "" {
		h.Set(api.HeaderIdempotencyKey, key)
	}
	var created domain.Token
	_, err := c.call(r, api.CreateToken.Method, api.CreateToken.Path, nil, h, in, &created)
	v, lerr := tokensPage(c, r)
	if lerr != nil {
		return nil, lerr
	}
	tv := v.(tokensView)
	if err != nil {
		tv.Input = in
		return nil, refuse(err, tv)
	}
	// The secret is in this answer only: shown once, here.
	tv.Created = &created
	return tv, nil
}

func deleteToken(c *Console, r *http.Request) (any, error) {
	id := r.PathValue("id")
	if _, err := c.call(r, api.DeleteToken.Method, api.DeleteToken.URL(id), nil, nil, nil, nil); err != nil {
		v, lerr := tokensPage(c, r)
		if lerr != nil {
			return nil, lerr
		}
		return nil, refuse(err, v)
	}
	return redirect(Prefix + "tokens"), nil
}

type auditView struct {
	Page                     domain.Page[domain.AuditEntry]
	Environment, Kind, Actor string
	Kinds                    []string
	Next                     string
}

// auditKinds suggest the object types the audit log names, for its
// filter: the keyed kinds and what the backend records beside them.
var auditKinds = func() []string {
	out := []string{"environment", "settings", "token", "api_key", "configuration"}
	for _, k := range domain.Kinds {
		out = append(out, k.Name)
	}
	return out
}()

func auditPage(c *Console, r *http.Request) (any, error) {
	q := url.Values{}
	v := auditView{Environment: r.URL.Query().Get("environment"), Kind: r.URL.Query().Get("kind"), Actor: r.URL.Query().Get("actor"), Kinds: auditKinds}
	for name, value := range map[string]string{api.QueryEnvironment: v.Environment, api.QueryKind: v.Kind, api.QueryActor: v.Actor} {
		if value != "" {
			q.Set(name, value)
		}
	}
	page, err := listPage[domain.AuditEntry](c, r, api.ListAudit.Path, q)
	v.Page = page
	if page.NextCursor != "" {
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set(api.QueryCursor, page.NextCursor)
		v.Next = "?" + next.Encode()
	}
	return v, err
}
