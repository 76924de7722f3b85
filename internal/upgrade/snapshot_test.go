package upgrade

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	was := Snapshot{
		"/v1/environments/development/roles": map[string]any{"items": []any{
			map[string]any{"key": "editor", "name": "Editor", "permissions": []any{"a", "b"}},
		}},
		"/v1/environments/development/roles/editor": map[string]any{"key": "editor", "name": "Editor", "version": 3},
		"/v1/settings": map[string]any{"production_write_access": true},
	}
	for _, c := range []struct {
		name     string
		now      Snapshot
		expected []Change
		want     []string
	}{
		{name: "the same answers, and new fields and paths", now: Snapshot{
			"/v1/environments/development/roles": map[string]any{"items": []any{
				map[string]any{"key": "editor", "name": "Editor", "permissions": []any{"a", "b"}, "added": 1},
			}},
			"/v1/environments/development/roles/editor": map[string]any{"key": "editor", "name": "Editor", "version": 3},
			"/v1/settings":  map[string]any{"production_write_access": true},
			"/v1/new-thing": map[string]any{},
		}},
		{name: "a path no longer served, a field gone, a value changed, an item lost", now: Snapshot{
			"/v1/environments/development/roles": map[string]any{"items": []any{
				map[string]any{"key": "editor", "name": "Editor", "permissions": []any{"a"}},
			}},
			"/v1/environments/development/roles/editor": map[string]any{"key": "editor", "version": 4},
		}, want: []string{
			"/v1/environments/development/roles items[0].permissions: was",
			"/v1/environments/development/roles/editor: name is gone",
			"/v1/environments/development/roles/editor version: was 3, now 4",
			"/v1/settings: no longer answered",
		}},
		{name: "expected changes are not reported", now: Snapshot{
			"/v1/environments/development/roles": map[string]any{"items": []any{
				map[string]any{"key": "editor", "name": "Editor", "permissions": []any{"a"}},
			}},
			"/v1/environments/development/roles/editor": map[string]any{"key": "editor", "name": "Editor", "version": 4},
			"/v1/settings": map[string]any{"production_write_access": true},
		}, expected: []Change{
			{Path: "/v1/environments/{env}/roles", Field: "items[].permissions", Why: "test"},
			{Path: "/v1/environments/{env}/roles/{key}", Field: "version", Why: "test"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Compare(was, c.now, c.expected)
			if len(got) != len(c.want) {
				t.Fatalf("got %d differences, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("difference %d: got %q, want it to start %q", i, got[i], c.want[i])
				}
			}
		})
	}
}
