package console_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// seedEveryEnvironment writes an object of every kind in development,
// copies it into a new staging and promotes staging into production, so
// every environment holds every kind; production write access is on, and
// development holds a guide, spring, that has not been promoted.
func seedEveryEnvironment(t *testing.T, s *site) map[string]string {
	t.Helper()
	keys := seedSamples(t, s, func(path, body string) { s.api(s.owner, "PUT", path, body, &struct{}{}) })
	s.api(s.owner, "POST", "/v1/environments", `{"slug":"staging","name":"Staging","copy_from":"development"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/channels/in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`, &struct{}{})
	s.api(s.owner, "POST", "/v1/environments/production/promote", `{"from":"staging"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/development/guides/spring", `{"name":"Spring","type":"banner","channel_key":"in-app","content":{"body":"Spring"}}`, &struct{}{})
	return keys
}

// signedIn is a browser signed in with a token of role.
func signedIn(s *site, role domain.OperatorRole) *browser {
	token := s.owner
	if role != domain.RoleOwner {
		token = s.token(string(role))
	}
	b := s.browser()
	b.signIn(token)
	return b
}

var (
	hrefs   = regexp.MustCompile(`href="([^"]*)"`)
	sideNav = regexp.MustCompile(`(?s)<nav class="side".*?</nav>`)
)

// consoleLinks are the same-origin console addresses a page links to,
// and those of its side navigation.
func consoleLinks(body string) (all, nav []string) {
	pick := func(s string) []string {
		var out []string
		for _, m := range hrefs.FindAllStringSubmatch(s, -1) {
			href := html.UnescapeString(m[1])
			if strings.HasPrefix(href, "?") {
				continue
			}
			if strings.HasPrefix(href, console.Prefix) && !strings.HasPrefix(href, console.Prefix+"static/") {
				out = append(out, href)
			}
		}
		return out
	}
	return pick(body), pick(sideNav.FindString(body))
}

// maxCrawled bounds the pages one role's crawl visits.
const maxCrawled = 600

// crawl visits, as b, every console page reachable from the environments
// card by GET, each address once, following the query links of a page
// (the next page, a diff) from that page's address; visit sees each page.
func crawl(t *testing.T, b *browser, visit func(path string, p page, fromNav bool)) int {
	t.Helper()
	type target struct {
		path string
		nav  bool
	}
	queue := []target{{path: console.Prefix + "environments", nav: true}}
	seen := map[string]bool{queue[0].path: true}
	for len(queue) > 0 && len(seen) <= maxCrawled {
		at := queue[0]
		queue = queue[1:]
		p := b.get(at.path)
		visit(at.path, p, at.nav)
		if testing.Verbose() {
			t.Logf("%d %s", p.status, at.path)
		}
		if p.status != http.StatusOK {
			continue
		}
		all, nav := consoleLinks(p.body)
		navs := map[string]bool{}
		for _, href := range nav {
			navs[href] = true
		}
		base, _ := url.Parse(at.path)
		for _, m := range hrefs.FindAllStringSubmatch(p.body, -1) {
			if href := html.UnescapeString(m[1]); strings.HasPrefix(href, "?") {
				all = append(all, base.Path+href)
			}
		}
		for _, href := range all {
			if !seen[href] {
				seen[href] = true
				queue = append(queue, target{path: href, nav: navs[href]})
			}
		}
	}
	if len(seen) > maxCrawled {
		t.Errorf("the crawl stopped at %d addresses: raise maxCrawled or find what multiplies them", maxCrawled)
	}
	return len(seen)
}

// Every role, on a site with an object of every kind in every
// environment, follows every link the console shows it: none leads to a
// missing page, a server error, a refused question or a page the role
// may not open.
func TestEveryLinkOpensForEveryRole(t *testing.T) {
	s := newSite(t)
	seedEveryEnvironment(t, s)
	for _, role := range domain.OperatorRoles {
		t.Run(string(role), func(t *testing.T) {
			b := signedIn(s, role)
			n := crawl(t, b, func(path string, p page, fromNav bool) {
				switch {
				case p.status < 400:
				case fromNav:
					t.Errorf("%s: the navigation links to a page that answers %d %s", path, p.status, firstLine(p.body))
				default:
					t.Errorf("%s: %d %s", path, p.status, firstLine(p.body))
				}
			})
			t.Logf("%d addresses", n)
		})
	}
}

// A production_member reads production only: no page it reaches names
// another environment that is no object's origin (staging) or links to
// another environment, whether crawled or listed by the page registry.
func TestProductionMembersSeeOnlyProduction(t *testing.T) {
	s := newSite(t)
	keys := seedEveryEnvironment(t, s)
	b := signedIn(s, domain.RoleProductionMember)
	check := func(path string, p page) {
		if p.status != http.StatusOK {
			return
		}
		if strings.Contains(strings.ToLower(p.body), "staging") {
			t.Errorf("%s names staging", path)
		}
		all, _ := consoleLinks(p.body)
		for _, href := range all {
			if strings.HasPrefix(href, console.Prefix+"environments/") && !strings.HasPrefix(href, console.Prefix+"environments/production") {
				t.Errorf("%s links to %s", path, href)
			}
		}
	}
	crawl(t, b, func(path string, p page, _ bool) { check(path, p) })
	for _, pattern := range console.PagesShown() {
		path, ok := fill(strings.ReplaceAll(pattern, "{env}", domain.Production), keys)
		if !ok {
			continue
		}
		check(path, b.get(path+queryFor(path)))
	}
	// A refused write says why without naming the environments below.
	p := b.post("/console/environments/production/guides/new", url.Values{"key": {"spring"}, "name": {"Spring"}, "type": {"banner"}, "channel_key": {"in-app"}, "content.body": {"Spring"}})
	if p.status != http.StatusConflict {
		t.Fatalf("creating a key that development holds: %d %s", p.status, firstLine(p.body))
	}
	if body := strings.ToLower(p.body); strings.Contains(body, "staging") || strings.Contains(body, "development") {
		t.Errorf("the refusal names another environment:\n%s", p.body)
	}
}

// An identity's "Check this identity's access" link, which names the
// identity only, opens the check form filled with it.
func TestAccessCheckWithAPartOfTheQuestionShowsTheForm(t *testing.T) {
	s := newSite(t)
	seedSamples(t, s, func(path, body string) { s.api(s.owner, "PUT", path, body, &struct{}{}) })
	b := signedIn(s, domain.RoleViewer)
	p := b.get("/console/environments/development/identities/ada").expect(t, http.StatusOK)
	link := regexp.MustCompile(`href="([^"]*access/check\?identity_key=[^"]*)"`).FindStringSubmatch(p.body)
	if link == nil {
		t.Fatalf("no access check link:\n%s", p.body)
	}
	check := b.get(html.UnescapeString(link[1])).expect(t, http.StatusOK, `name="identity_key" value="ada"`)
	if strings.Contains(check.body, "must not be empty") {
		t.Errorf("the form shows errors before it is sent:\n%s", check.body)
	}
}

// A viewer is offered no form that writes, on any page the console
// registers: only the sign-out.
func TestViewersAreOfferedNoWrite(t *testing.T) {
	s := newSite(t)
	keys := seedEveryEnvironment(t, s)
	b := signedIn(s, domain.RoleViewer)
	forms := regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	for _, pattern := range console.PagesShown() {
		path, ok := fill(pattern, keys)
		if !ok {
			continue
		}
		p := b.get(path + queryFor(path))
		for _, m := range forms.FindAllStringSubmatch(p.body, -1) {
			if m[1] != console.Prefix+"sign-out" {
				t.Errorf("%s offers a viewer a form to %s", path, m[1])
			}
		}
	}
}

var alert = regexp.MustCompile(`(?s)role="alert">(.*?)</div>`)

// firstLine is what a page says went wrong: its alert, or its first line.
func firstLine(s string) string {
	if m := alert.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	if i := strings.Index(s, "\n"); i >= 0 {
		return s[:i]
	}
	return s
}
