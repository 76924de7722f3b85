package backend

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// If-Match as RFC 9110 reads it: empty list elements are skipped, "" is
// a tag (of no version), a quote left open or a * among tags is refused.
func TestParseIfMatch(t *testing.T) {
	for header, want := range map[string]string{
		`"1"`:            `"1"`,
		`, "1"`:          `"1"`,
		`"1",`:           `"1"`,
		`"1", , "2"`:     `"1" or "2"`,
		`W/"1", "2"`:     `W/"1" or "2"`,
		`""`:             `""`,
		`3`:              `"3"`,
		` * `:            `*`,
		`"1`:             "invalid",
		`"1", *`:         "invalid",
		`,`:              "invalid",
		`"1" "2"`:        "invalid",
		`sha256-ab, "x"`: `"sha256-ab" or "x"`,
	} {
		m, err := parseIfMatch(header)
		got := m.String()
		if err != nil {
			got = "invalid"
		}
		if got != want {
			t.Errorf("%q: %s, want %s", header, got, want)
		}
	}
}

// An If-Match sent on two lines is one list (RFC 9110, section 5.3): the
// routes, which read a header's first line, are given it joined.
func TestConditionLinesAreJoined(t *testing.T) {
	r := httptest.NewRequest("PUT", "/v1/environments/development/permissions/x", nil)
	r.Header.Add("If-Match", `"1"`)
	r.Header.Add("If-Match", `"2"`)
	var got string
	joinConditionLines(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Get("If-Match") })).
		ServeHTTP(httptest.NewRecorder(), r)
	if got != `"1", "2"` {
		t.Errorf("If-Match as the route reads it: %q", got)
	}
}
