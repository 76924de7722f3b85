package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Access control, per environment (seed 003's pages): the overview, the
// hierarchy as a tree, identities with their assignments here, roles,
// permissions, integrations, API keys and the access check.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 30, Section: "Access control", Environment: true, Links: []link{
		{"Overview", env + "access"},
		{"Hierarchy", env + "hierarchy-nodes"},
		{"Identities", env + "identities"},
		{"Roles", env + "roles"},
		{"Permissions", env + "permissions"},
		{"Integrations", env + "oauth-clients"},
		{"API keys", env + "api-keys"},
		{"Access check", env + "access/check"},
	}},
		page{Method: "GET", Path: env + "access", Template: "access/overview.html", Title: "Access control", Handle: accessOverview},
		page{Method: "GET", Path: env + "hierarchy-nodes", Template: "access/hierarchy.html", Title: "Hierarchy", Handle: hierarchyPage},
		page{Method: "GET", Path: env + "hierarchy-nodes/{key}", Template: "access/node.html", Title: "Hierarchy node", Handle: nodePage},
		page{Method: "GET", Path: env + "identities", Template: "access/identities.html", Title: "Identities", Handle: envIdentitiesPage},
		page{Method: "GET", Path: env + "identities/{key}", Template: "access/identity.html", Title: "Identity", Handle: envIdentityPage},
		page{Method: "GET", Path: env + "roles", Template: "access/roles.html", Title: "Roles", Handle: rolesPage},
		page{Method: "GET", Path: env + "roles/{key}", Template: "access/role.html", Title: "Role", Handle: rolePage},
		page{Method: "GET", Path: env + "permissions", Template: "access/permissions.html", Title: "Permissions", Handle: permissionsPage},
		page{Method: "GET", Path: env + "permissions/{key}", Template: "access/permission.html", Title: "Permission", Handle: permissionPage},
		page{Method: "GET", Path: env + "oauth-clients", Template: "access/oauth_clients.html", Title: "Integrations", Handle: oauthClientsPage},
		page{Method: "GET", Path: env + "webhooks", Template: "access/webhooks.html", Title: "Integrations", Handle: webhooksPage},
		page{Method: "GET", Path: env + "api-keys", Template: "access/api_keys.html", Title: "API keys", Handle: apiKeysPage},
		page{Method: "POST", Path: env + "api-keys", Template: "access/api_keys.html", Title: "API keys", Handle: createAPIKey},
		page{Method: "POST", Path: env + "api-keys/{id}/delete", Template: "access/api_keys.html", Title: "API keys", Handle: deleteAPIKey},
		page{Method: "GET", Path: env + "access/check", Template: "access/check.html", Title: "Access check", Handle: accessCheckPage},
	)
}

// envView is what every per-environment page shows: its environment and
// its data.
type envView[T any] struct {
	Env  string
	Page domain.Page[T]
	// Filter is the listing's filter, kept in the next page's address.
	Filter url.Values
}

// NextHref is the address of the next page, with the filter.
func (v envView[T]) NextHref() string {
	if v.Page.NextCursor == "" {
		return ""
	}
	q := url.Values{}
	for k, vs := range v.Filter {
		q[k] = vs
	}
	q.Set(api.QueryCursor, v.Page.NextCursor)
	return "?" + q.Encode()
}

func listOf[T any](c *Console, r *http.Request, kind domain.Kind, filter url.Values) (envView[T], error) {
	env := r.PathValue("env")
	page, err := listPage[T](c, r, api.ObjectRoutes(kind).List.URL(env), filter)
	return envView[T]{Env: env, Page: page, Filter: filter}, err
}

func getObject[T any](c *Console, r *http.Request, kind domain.Kind, key string) (*T, error) {
	out := new(T)
	_, err := c.call(r, http.MethodGet, api.ObjectRoutes(kind).Get.URL(r.PathValue("env"), key), nil, nil, nil, out)
	return out, err
}

type overviewView struct {
	Env    domain.Environment
	Counts []overviewCount
}

// overviewCount is one kind's line of the overview, with the page that
// lists its objects.
type overviewCount struct {
	kindCount
	Href string
}

// listedOn is the page that lists a kind's objects where it is not the
// kind's own collection: role assignments are shown per identity.
var listedOn = map[string]string{domain.KindRoleAssignment.Name: "identities"}

func accessOverview(c *Console, r *http.Request) (any, error) {
	var env domain.Environment
	if _, err := c.call(r, api.GetEnvironment.Method, api.GetEnvironment.URL(r.PathValue("env")), nil, nil, nil, &env); err != nil {
		return nil, err
	}
	v := overviewView{Env: env}
	for _, k := range []domain.Kind{domain.KindPermission, domain.KindRole, domain.KindHierarchyNode, domain.KindRoleAssignment, domain.KindOAuthClient, domain.KindWebhook} {
		// One page says "50 or more": the overview walks no listing.
		page, err := listPage[struct{}](c, r, api.ObjectRoutes(k).List.URL(env.Slug), url.Values{api.QueryLimit: {"51"}, api.QueryCursor: {""}})
		if err != nil {
			return nil, err
		}
		list := k.Collection
		if on, ok := listedOn[k.Name]; ok {
			list = on
		}
		v.Counts = append(v.Counts, overviewCount{kindCount: kindCount{Noun: k.Collection, Count: len(page.Items)}, Href: consolePath("environments", env.Slug, list)})
	}
	return v, nil
}

func hierarchyPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.HierarchyNode](c, r, domain.KindHierarchyNode, url.Values{"roots_only": {"true"}})
}

type nodeView struct {
	Env         string
	Node        *domain.HierarchyNode
	Ancestors   []string
	Children    envView[domain.HierarchyNode]
	Assignments []domain.RoleAssignment
}

// maxDepth bounds the walk up a node's ancestors.
const maxDepth = 64

func nodePage(c *Console, r *http.Request) (any, error) {
	key := r.PathValue("key")
	node, err := getObject[domain.HierarchyNode](c, r, domain.KindHierarchyNode, key)
	if err != nil {
		return nil, err
	}
	v := nodeView{Env: r.PathValue("env"), Node: node}
	for parent := node.ParentKey; parent != "" && len(v.Ancestors) < maxDepth; {
		v.Ancestors = append([]string{parent}, v.Ancestors...)
		p, err := getObject[domain.HierarchyNode](c, r, domain.KindHierarchyNode, parent)
		if err != nil {
			return nil, err
		}
		parent = p.ParentKey
	}
	if v.Children, err = listOf[domain.HierarchyNode](c, r, domain.KindHierarchyNode, url.Values{"parent_key": {key}}); err != nil {
		return nil, err
	}
	assignments, err := listPage[domain.RoleAssignment](c, r, api.ObjectRoutes(domain.KindRoleAssignment).List.URL(v.Env), url.Values{"node_key": {key}, api.QueryCursor: {""}})
	v.Assignments = assignments.Items
	return v, err
}

// identityAssignments groups a page of assignments by identity.
type identityAssignments struct {
	IdentityKey string
	Assignments []domain.RoleAssignment
}

type envIdentitiesView struct {
	envView[domain.RoleAssignment]
	Groups []identityAssignments
}

func envIdentitiesPage(c *Console, r *http.Request) (any, error) {
	list, err := listOf[domain.RoleAssignment](c, r, domain.KindRoleAssignment, nil)
	v := envIdentitiesView{envView: list}
	for _, a := range list.Page.Items {
		if n := len(v.Groups); n == 0 || v.Groups[n-1].IdentityKey != a.IdentityKey {
			v.Groups = append(v.Groups, identityAssignments{IdentityKey: a.IdentityKey})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Assignments = append(g.Assignments, a)
	}
	return v, err
}

type envIdentityView struct {
	Env         string
	Identity    domain.Identity
	Assignments envView[domain.RoleAssignment]
}

func envIdentityPage(c *Console, r *http.Request) (any, error) {
	key := r.PathValue("key")
	v := envIdentityView{Env: r.PathValue("env")}
	if _, err := c.call(r, http.MethodGet, api.ObjectRoutes(domain.KindIdentity).Get.URL(key), nil, nil, nil, &v.Identity); err != nil {
		return nil, err
	}
	var err error
	v.Assignments, err = listOf[domain.RoleAssignment](c, r, domain.KindRoleAssignment, url.Values{"identity_key": {key}})
	return v, err
}

func rolesPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Role](c, r, domain.KindRole, nil)
}

type roleView struct {
	Env     string
	Role    *domain.Role
	Holders envView[domain.RoleAssignment]
}

func rolePage(c *Console, r *http.Request) (any, error) {
	key := r.PathValue("key")
	role, err := getObject[domain.Role](c, r, domain.KindRole, key)
	if err != nil {
		return nil, err
	}
	holders, err := listOf[domain.RoleAssignment](c, r, domain.KindRoleAssignment, url.Values{"role_key": {key}})
	return roleView{Env: r.PathValue("env"), Role: role, Holders: holders}, err
}

func permissionsPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Permission](c, r, domain.KindPermission, nil)
}

type permissionView struct {
	Env        string
	Permission *domain.Permission
	Roles      envView[domain.Role]
}

func permissionPage(c *Console, r *http.Request) (any, error) {
	key := r.PathValue("key")
	perm, err := getObject[domain.Permission](c, r, domain.KindPermission, key)
	if err != nil {
		return nil, err
	}
	roles, err := listOf[domain.Role](c, r, domain.KindRole, url.Values{"permission": {key}})
	return permissionView{Env: r.PathValue("env"), Permission: perm, Roles: roles}, err
}

func oauthClientsPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.OAuthClient](c, r, domain.KindOAuthClient, nil)
}

func webhooksPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Webhook](c, r, domain.KindWebhook, nil)
}

type checkView struct {
	Env      string
	Question domain.AccessQuestion
	Answer   *domain.AccessAnswer
}

func accessCheckPage(c *Console, r *http.Request) (any, error) {
	q := r.URL.Query()
	v := checkView{Env: r.PathValue("env"), Question: domain.AccessQuestion{
		IdentityKey: strings.TrimSpace(q.Get("identity_key")),
		Permission:  strings.TrimSpace(q.Get("permission")),
		NodeKey:     strings.TrimSpace(q.Get("node_key")),
	}}
	// A question with a part missing (a link that names the identity
	// only) shows the form, filled with what it has, to be completed.
	if v.Question.IdentityKey == "" || v.Question.Permission == "" || v.Question.NodeKey == "" {
		return v, nil
	}
	// A check reads only: the form is a GET, so an answer can be shared
	// as a link.
	var answer domain.AccessAnswer
	if _, err := c.call(r, api.CheckAccess.Method, api.CheckAccess.URL(v.Env), nil, nil, v.Question, &answer); err != nil {
		return nil, refuse(err, v)
	}
	v.Answer = &answer
	return v, nil
}
