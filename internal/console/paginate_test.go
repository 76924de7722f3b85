package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
)

// numbered finds the objects fillKinds made on a page: a kind's key with
// its number (permission-00042, tok00042), grouped by what precedes the
// number.
var numbered = regexp.MustCompile(`\b([a-z]+(?:-[a-z]+)*-|tok|key)(\d{5})\b`)

// Every page the console registers, with more than two pages' worth of
// objects of every kind, tokens, API keys and role assignments: no page
// names more than a page of any of them, and a page that names a full
// page of them links to what follows.
func TestEveryPageShowsAtMostAPage(t *testing.T) {
	const n, page = 110, 50
	s := newSite(t)
	keys := fillKinds(t, s, n)
	b := s.browser()
	b.signIn(s.owner)
	for _, pattern := range console.PagesShown() {
		path, ok := benchPath(pattern, keys)
		if !ok {
			t.Errorf("%s: no object to show on it", pattern)
			continue
		}
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Errorf("%s: %d", path, p.status)
			continue
		}
		main := p.body[strings.Index(p.body, "<main"):]
		seen := map[string]map[string]bool{}
		for _, m := range numbered.FindAllStringSubmatch(main, -1) {
			if seen[m[1]] == nil {
				seen[m[1]] = map[string]bool{}
			}
			seen[m[1]][m[2]] = true
		}
		for family, numbers := range seen {
			switch {
			case len(numbers) > page:
				t.Errorf("%s names %d %s… objects, more than a page (%d)", path, len(numbers), family, page)
			case len(numbers) == page && !strings.Contains(main, `rel="next"`) && !strings.Contains(main, " more"):
				t.Errorf("%s names a full page of %s… objects and no way to the rest", path, family)
			}
		}
	}
}
