package console

import "strings"

// pagesWhere are the patterns of the registered pages that keep holds,
// in the navigation's order.
func pagesWhere(keep func(p page) bool) []string {
	var out []string
	for _, g := range sortedGroups() {
		for _, p := range g.pages {
			if keep(p) {
				out = append(out, p.Path)
			}
		}
	}
	return out
}

// PagesShown are the patterns of the pages a GET shows, for the tests
// that visit every page.
func PagesShown() []string {
	return pagesWhere(func(p page) bool { return p.Method == "GET" && p.Template != "" })
}

// PagesReviewing are the patterns of the pages a form posts to for a
// review of an uploaded document (the import's): they write nothing.
func PagesReviewing() []string {
	return pagesWhere(func(p page) bool { return p.Method == "POST" && strings.HasSuffix(p.Path, "/review") })
}

// PagesPosted are the patterns of every page a form posts to.
func PagesPosted() []string {
	return pagesWhere(func(p page) bool { return p.Method == "POST" })
}

// PagesWritingContent are the patterns of the pages whose form creates
// (…/new) or edits (…/{key}/edit) the content of a versioned object.
func PagesWritingContent() []string {
	return pagesWhere(func(p page) bool {
		return p.Method == "POST" && (strings.HasSuffix(p.Path, "/new") || strings.HasSuffix(p.Path, "/{key}/edit"))
	})
}
