package backend_test

import (
	"fmt"
	"testing"
)

// A filtered listing pages correctly whatever the filter leaves out,
// including when a page fills exactly at the end of what was examined.
func TestFilteredPagination(t *testing.T) {
	a := newAPI(t)
	for _, w := range []struct {
		key    string
		active bool
	}{{"wf-a", true}, {"wf-b", false}, {"wf-c", true}, {"wf-d", true}, {"wf-e", false}, {"wf-f", true}} {
		a.putWorkflow(a.owner, "development", w.key, fmt.Sprintf(`{"name":"W","active":%t}`, w.active), 201)
	}
	var keys []string
	path := "/v1/environments/development/workflows?active=true&limit=2"
	for pages := 0; ; pages++ {
		page := a.expect(a.do(a.owner, "GET", path, ""), 200).json()
		for _, it := range page["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		next, _ := page["next_cursor"].(string)
		if next == "" || pages > 5 {
			break
		}
		path = "/v1/environments/development/workflows?active=true&limit=2&cursor=" + next
	}
	if fmt.Sprint(keys) != "[wf-a wf-c wf-d wf-f]" {
		t.Errorf("active workflows paged as %v", keys)
	}
}
