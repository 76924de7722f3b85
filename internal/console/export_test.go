package console

import "strings"

// PagesShown are the patterns of the pages a GET shows, for the tests
// that visit every page.
func PagesShown() []string {
	var out []string
	for _, g := range sortedGroups() {
		for _, p := range g.pages {
			if p.Method == "GET" && p.Template != "" {
				out = append(out, p.Path)
			}
		}
	}
	return out
}

// PagesReviewing are the patterns of the pages a form posts to for a
// review of an uploaded document (the import's): they write nothing.
func PagesReviewing() []string {
	var out []string
	for _, g := range sortedGroups() {
		for _, p := range g.pages {
			if p.Method == "POST" && strings.HasSuffix(p.Path, "/review") {
				out = append(out, p.Path)
			}
		}
	}
	return out
}

// PagesPosted are the patterns of every page a form posts to.
func PagesPosted() []string {
	var out []string
	for _, g := range sortedGroups() {
		for _, p := range g.pages {
			if p.Method == "POST" {
				out = append(out, p.Path)
			}
		}
	}
	return out
}

// PagesWritingContent are the patterns of the pages whose form creates
// (…/new) or edits (…/{key}/edit) the content of a versioned object.
func PagesWritingContent() []string {
	var out []string
	for _, g := range sortedGroups() {
		for _, p := range g.pages {
			if p.Method == "POST" && (strings.HasSuffix(p.Path, "/new") || strings.HasSuffix(p.Path, "/{key}/edit")) {
				out = append(out, p.Path)
			}
		}
	}
	return out
}
