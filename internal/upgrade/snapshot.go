package upgrade

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Snapshot is every GET answer a server gives over its objects, by path:
// each listing with all of its pages joined, each object, each version
// history, each environment's export. Which paths exist is read from the
// server's own OpenAPI document, so a snapshot taken from the previous
// release holds what that release served, and no more.
type Snapshot map[string]any

// notObjects are GET routes that describe the server, not what it stores.
var notObjects = regexp.MustCompile(`^/(healthz|readyz|metrics)$|^/v1/openapi`)

// servedPaths lists the path templates of the server's GET routes.
func servedPaths(ctx context.Context, c *API) ([]string, error) {
	doc, err := c.Expect(ctx, http.StatusOK, http.MethodGet, "/v1/openapi.json", nil)
	if err != nil {
		return nil, err
	}
	paths, _ := doc["paths"].(map[string]any)
	var out []string
	for p, item := range paths {
		ops, _ := item.(map[string]any)
		if _, ok := ops["get"]; ok && !notObjects.MatchString(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// param matches a path template's parameters.
var param = regexp.MustCompile(`\{[a-z_]+\}`)

// TakeSnapshot reads every object c's credential can see.
func TakeSnapshot(ctx context.Context, c *API) (Snapshot, error) {
	templates, err := servedPaths(ctx, c)
	if err != nil {
		return nil, err
	}
	snap := Snapshot{}
	// Templates sort parents first ("/a" < "/a/{key}"), so a listing is
	// read before the items whose parameters it gives.
	for _, tmpl := range templates {
		paths, err := expand(snap, tmpl)
		if err != nil {
			return nil, err
		}
		for _, p := range paths {
			v, err := readAll(ctx, c, p)
			if err != nil {
				return nil, err
			}
			snap[p] = v
		}
	}
	return snap, nil
}

// expand fills a template's parameters from the listings already read: a
// parameter names a field of the items of the listing at the template's
// path up to it ({key}: an item's key, or its id where it has no key).
func expand(snap Snapshot, tmpl string) ([]string, error) {
	loc := param.FindStringIndex(tmpl)
	if loc == nil {
		return []string{tmpl}, nil
	}
	listing, name := tmpl[:loc[0]-1], tmpl[loc[0]+1:loc[1]-1]
	rest := tmpl[loc[1]:]
	// A role assignment's three parameters come from one item together.
	for strings.HasPrefix(rest, "/{") && param.MatchString(rest) {
		next := param.FindStringIndex(rest)
		if next[0] != 1 {
			break
		}
		name += "," + rest[next[0]+1:next[1]-1]
		rest = rest[next[1]:]
	}
	var out []string
	for _, parent := range pathsOf(snap, listing) {
		page, _ := snap[parent].(map[string]any)
		items, _ := page["items"].([]any)
		for _, it := range items {
			item, _ := it.(map[string]any)
			var values []string
			for _, field := range strings.Split(name, ",") {
				v, ok := item[field].(string)
				if !ok && field == "key" {
					v, ok = item["id"].(string)
				}
				if !ok && field == "env" {
					v, ok = item["slug"].(string)
				}
				if !ok {
					return nil, fmt.Errorf("expanding %s: an item of %s has no %s", tmpl, parent, field)
				}
				values = append(values, url.PathEscape(v))
			}
			filled, err := expand(snap, parent+"/"+strings.Join(values, "/")+rest)
			if err != nil {
				return nil, err
			}
			out = append(out, filled...)
		}
	}
	return out, nil
}

// pathsOf lists the snapshot's paths that a template matches.
func pathsOf(snap Snapshot, tmpl string) []string {
	var out []string
	for p := range snap {
		if matches(tmpl, p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// matches reports whether path fills template ({x}: any one segment).
func matches(template, path string) bool {
	quoted := strings.ReplaceAll(regexp.QuoteMeta(template), `\{`, "{")
	quoted = strings.ReplaceAll(quoted, `\}`, "}")
	return regexp.MustCompile("^" + param.ReplaceAllString(quoted, `[^/]+`) + "$").MatchString(path)
}

// readAll reads a path; a listing is read page by page and its items
// joined.
func readAll(ctx context.Context, c *API, path string) (any, error) {
	var items []any
	cursor := ""
	for {
		p := path
		if cursor != "" {
			p += "?cursor=" + url.QueryEscape(cursor)
		}
		a, err := c.Do(ctx, http.MethodGet, p, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", p, err)
		}
		if a.Status != http.StatusOK {
			return nil, fmt.Errorf("GET %s: status %d: %.300s", p, a.Status, a.Body)
		}
		v, err := a.JSON()
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", p, err)
		}
		page, ok := v.(map[string]any)
		pageItems, isList := page["items"].([]any)
		if !ok || !isList {
			return v, nil
		}
		items = append(items, pageItems...)
		next, _ := page["next_cursor"].(string)
		if next == "" {
			return map[string]any{"items": items}, nil
		}
		cursor = next
	}
}

// Change is a difference that a release makes on purpose: at a path
// matching Path (a template, {x} for any segment), the field at Field (a
// dotted path from the answer's top) may differ from the previous
// release's value, for the reason Why.
type Change struct {
	Path, Field, Why string
}

// Compare reports every way now fails to answer what was: a path no longer
// served, an object or item missing, a field missing or changed. Fields and
// objects that now has and was lacks are new, not differences. The
// expected changes are not reported.
func Compare(was, now Snapshot, expected []Change) []string {
	var diffs []string
	var paths []string
	for p := range was {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		got, ok := now[p]
		if !ok {
			diffs = append(diffs, p+": no longer answered")
			continue
		}
		compareValue(&diffs, p, "", was[p], got, expectedAt(expected, p))
	}
	return diffs
}

func expectedAt(expected []Change, path string) map[string]bool {
	fields := map[string]bool{}
	for _, c := range expected {
		if matches(c.Path, path) {
			fields[c.Field] = true
		}
	}
	return fields
}

// index is an item's position in a field path; an expected change names
// a field of every item as items[].field.
var index = regexp.MustCompile(`\[\d+\]`)

func compareValue(diffs *[]string, path, field string, was, now any, expected map[string]bool) {
	if expected[index.ReplaceAllString(field, "[]")] {
		return
	}
	at := path
	if field != "" {
		at += " " + field
	}
	switch w := was.(type) {
	case map[string]any:
		n, ok := now.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: was an object, now %s", at, brief(now)))
			return
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := n[k]; !ok {
				if !expected[index.ReplaceAllString(join(field, k), "[]")] {
					*diffs = append(*diffs, fmt.Sprintf("%s: %s is gone (was %s)", at, k, brief(w[k])))
				}
				continue
			}
			compareValue(diffs, path, join(field, k), w[k], n[k], expected)
		}
	case []any:
		n, ok := now.([]any)
		if !ok || len(n) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: was %s, now %s", at, brief(was), brief(now)))
			return
		}
		for i := range w {
			compareValue(diffs, path, fmt.Sprintf("%s[%d]", field, i), w[i], n[i], expected)
		}
	default:
		if brief(was) != brief(now) {
			*diffs = append(*diffs, fmt.Sprintf("%s: was %s, now %s", at, brief(was), brief(now)))
		}
	}
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
