package api

import "testing"

// URL escapes each parameter into one segment, and a wrong count still
// makes a path (which the server does not serve) rather than a panic.
func TestRouteURL(t *testing.T) {
	r := Route{"GET", "/v1/environments/{env}/role-assignments/{identity_key}/{role_key}/{node_key}"}
	for _, c := range []struct {
		params []string
		want   string
	}{
		{[]string{"dev", "a/b", "r", "n"}, "/v1/environments/dev/role-assignments/a%2Fb/r/n"},
		{[]string{"dev", "a", "r"}, "/v1/environments/dev/role-assignments/a/r/"},
		{[]string{"dev", "a", "r", "n", "x"}, "/v1/environments/dev/role-assignments/a/r/n/x"},
	} {
		if got := r.URL(c.params...); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.params, got, c.want)
		}
	}
}
