package console

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
