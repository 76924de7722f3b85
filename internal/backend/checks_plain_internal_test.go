package backend

import (
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// TestParsePlainQuestion: what the plain path reads, and what it leaves
// to huma.
func TestParsePlainQuestion(t *testing.T) {
	want := domain.AccessQuestion{IdentityKey: "ada", Permission: "docs.read", NodeKey: "team-a"}
	for _, body := range []string{
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a"}`,
		" \r\n\t{ \"node_key\" : \"team-a\" ,\n\"permission\":\"docs.read\",\"identity_key\":\"ada\"}\n",
	} {
		if q, ok := parsePlainQuestion([]byte(body)); !ok || q != want {
			t.Errorf("%q: %+v %v, want %+v", body, q, ok, want)
		}
	}
	if q, ok := parsePlainQuestion([]byte(`{"identity_key":"","permission":"a b","node_key":"<&>"}`)); !ok || q != (domain.AccessQuestion{Permission: "a b", NodeKey: "<&>"}) {
		t.Errorf("keys the index refuses are still read as sent: %+v %v", q, ok)
	}
	for _, body := range []string{
		``,
		`{}`,
		`[]`,
		`{"identity_key":"ada","permission":"docs.read"}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a","x":"y"}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a","node_key":"b"}`,
		`{"identity_key":"ada","permission":"docs.read","identity_key":"ada","node_key":"team-a"}`,
		`{"IDENTITY_KEY":"ada","permission":"docs.read","node_key":"team-a"}`,
		`{"identity_key":"\u0061da","permission":"docs.read","node_key":"team-a"}`,
		`{"identity_key":"adé","permission":"docs.read","node_key":"team-a"}`,
		"{\"identity_key\":\"a\tda\",\"permission\":\"docs.read\",\"node_key\":\"team-a\"}",
		`{"identity_key":null,"permission":"docs.read","node_key":"team-a"}`,
		`{"identity_key":1,"permission":"docs.read","node_key":"team-a"}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a",}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a"`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a"}}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team-a"} x`,
		`{"identity_key":"ada" "permission":"docs.read","node_key":"team-a"}`,
		`{"identity_key""ada","permission":"docs.read","node_key":"team-a"}`,
		"\v{\"identity_key\":\"ada\",\"permission\":\"docs.read\",\"node_key\":\"team-a\"}",
	} {
		if q, ok := parsePlainQuestion([]byte(body)); ok {
			t.Errorf("%q read as plain: %+v", body, q)
		}
	}
}
