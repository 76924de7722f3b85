package backend

import (
	"maps"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// knownQueryParameters refuses a request naming a query parameter its
// route does not document: a misspelt filter (`key_prefx`) would otherwise
// be ignored, and a listing meant to be narrow would answer everything.
func knownQueryParameters(ctx huma.Context, next func(huma.Context)) {
	// Most requests have no query: nothing to parse, sort or compare.
	if ctx.URL().RawQuery == "" {
		next(ctx)
		return
	}
	known := queryParameters(ctx.Operation())
	var probs domain.Problems
	for _, name := range slices.Sorted(maps.Keys(queryOf(ctx))) {
		if !slices.Contains(known, name) {
			takes := "takes no query parameters"
			if len(known) > 0 {
				takes = "takes " + strings.Join(known, ", ")
			}
			probs.Add(name, "is not a query parameter of %s %s; it %s", ctx.Operation().Method, ctx.Operation().Path, takes)
		}
	}
	if len(probs) > 0 {
		_, w := humago.Unwrap(ctx)
		writeError(w, probs.Err().(*domain.Error))
		return
	}
	next(ctx)
}

// queryParameters are the names of an operation's query parameters, sorted.
func queryParameters(op *huma.Operation) []string {
	var names []string
	for _, p := range op.Parameters {
		if p.In == "query" {
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	return names
}

func queryOf(ctx huma.Context) map[string][]string {
	u := ctx.URL()
	return u.Query()
}
