package backend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
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

// TestParsePlainBatch: what the plain path reads of a batch, and what it
// leaves to huma.
func TestParsePlainBatch(t *testing.T) {
	const ada = `{"identity_key":"ada","permission":"docs.read","node_key":"team-a"}`
	want := domain.AccessQuestion{IdentityKey: "ada", Permission: "docs.read", NodeKey: "team-a"}
	grace := domain.AccessQuestion{IdentityKey: "grace", Permission: "docs.write", NodeKey: "org"}
	for body, questions := range map[string][]domain.AccessQuestion{
		`{"checks":[` + ada + `]}`: {want},
		" \r\n\t{ \"checks\" :\n[ " + ada + " ,\n{\"node_key\":\"org\" , \"identity_key\":\"grace\",\"permission\":\"docs.write\"} ]\t}\n": {want, grace},
		`{"checks":[` + strings.Repeat(ada+",", domain.MaxAccessChecks-1) + ada + `]}`:                                                     slices.Repeat([]domain.AccessQuestion{want}, domain.MaxAccessChecks),
		`{"checks":[{"identity_key":"","permission":"","node_key":""}]}`:                                                                   {{}},
	} {
		qs, ok := parsePlainBatch([]byte(body))
		if !ok || len(qs) != len(questions) {
			t.Errorf("%.100q: %d questions %v, want %d", body, len(qs), ok, len(questions))
			continue
		}
		for i := range qs {
			if qs[i] != questions[i] {
				t.Errorf("%.100q: question %d %+v, want %+v", body, i, qs[i], questions[i])
			}
		}
		if cap(qs) < len(qs) || cap(qs) > domain.MaxAccessChecks {
			t.Errorf("%.100q: capacity %d for %d questions", body, cap(qs), len(qs))
		}
	}
	for _, body := range []string{
		``,
		`{}`,
		`[]`,
		`[` + ada + `]`,
		ada,
		`{"checks":[]}`,
		`{"checks":null}`,
		`{"checks":` + ada + `}`,
		`{"checks":[` + strings.Repeat(ada+",", domain.MaxAccessChecks) + ada + `]}`,
		`{"checks":[` + ada + `],"checks":[` + ada + `]}`,
		`{"checks":[` + ada + `],"extra":1}`,
		`{"extra":1,"checks":[` + ada + `]}`,
		`{"Checks":[` + ada + `]}`,
		`{"ch\u0065cks":[` + ada + `]}`,
		`{"checks":[` + ada + `,]}`,
		`{"checks":[` + ada + `,null]}`,
		`{"checks":[` + ada + ` ` + ada + `]}`,
		`{"checks":[` + ada + `]`,
		`{"checks":[` + ada + `]}}`,
		`{"checks":[` + ada + `]} x`,
		`{"checks"[` + ada + `]}`,
		`{"checks":[` + ada + `,{"identity_key":"ada","permission":"docs.read","node_key":"team-a","node_key":"b"}]}`,
		`{"checks":[` + ada + `,{"identity_key":"\u0061da","permission":"docs.read","node_key":"team-a"}]}`,
		`{"checks":[` + ada + `,{"identity_key":"adé","permission":"docs.read","node_key":"team-a"}]}`,
		`{"checks":[` + ada + `,{"identity_key":"ada","permission":"docs.read"}]}`,
	} {
		if qs, ok := parsePlainBatch([]byte(body)); ok {
			t.Errorf("%.100q read as plain: %d questions", body, len(qs))
		}
	}
}

// FuzzPlainAccessBodies: whatever the plain path reads as a question or a
// batch, encoding/json reads strictly (no unknown field, nothing after)
// as the same questions, within the batch's bounds: the plain path never
// answers a body that huma would read as something else or refuse.
func FuzzPlainAccessBodies(f *testing.F) {
	f.Add([]byte(`{"identity_key":"ada","permission":"docs.read","node_key":"team-a"}`))
	f.Add([]byte(` {"node_key":"n","identity_key":"i","permission":"p"} `))
	f.Add([]byte(`{"checks":[{"identity_key":"ada","permission":"docs.read","node_key":"team-a"},{"identity_key":"bo","permission":"p","node_key":"n"}]}`))
	f.Add([]byte(`{"checks":[]}`))
	f.Add([]byte(`{"identity_key":"\u0061","permission":"p","node_key":"n"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		strict := func(v any) error {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				return err
			}
			if _, err := dec.Token(); err != io.EOF {
				return fmt.Errorf("more after the value: %v", err)
			}
			return nil
		}
		if q, ok := parsePlainQuestion(b); ok {
			var want domain.AccessQuestion
			if err := strict(&want); err != nil || want != q {
				t.Fatalf("%q read plain as %+v; encoding/json: %+v, %v", b, q, want, err)
			}
		}
		if qs, ok := parsePlainBatch(b); ok {
			var want domain.AccessCheckBatch
			if err := strict(&want); err != nil || !slices.Equal(want.Checks, qs) || len(qs) == 0 || len(qs) > domain.MaxAccessChecks {
				t.Fatalf("%q read plain as %d questions; encoding/json: %d, %v", b, len(qs), len(want.Checks), err)
			}
		}
	})
}
