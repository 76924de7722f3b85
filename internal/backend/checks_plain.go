package backend

import (
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// An application asks an access check on every request it serves, so a
// check should cost no more than a GET of one object (issue 25), and a
// pipeline's batch of 1,000 no more than 20 single checks. Through huma a
// check's body is decoded twice (into a map, validated against the schema,
// then into the struct) after strictBodies has read and scanned it, and
// the route is looked up again to reach huma: for a batch that decoding is
// most of its cost. A check or batch in the plain form every client sends
// — questions as JSON objects of the three key fields as unescaped ASCII
// strings, nothing else — is answered right where strictBodies holds its
// body, from one pass over it.
//
// Every other request to the two routes takes huma's path, as does a plain
// one whose answer is an error: whatever a plain request is answered, huma
// would answer it the same bytes (TestPlainAccessCheckAnswersAsHuma,
// TestPlainAccessBatchAnswersAsHuma), and every refusal is huma's own. The
// fast path changes how the questions are read, never what is answered or
// who may ask: the credential was read and the rate limit applied before
// (authenticate), the environment's access is authorized and its index
// found as for any check (accessIndex).

// The ServeMux patterns of a single access check and of a batch.
var (
	checkAccessPattern      = api.CheckAccess.Method + " " + api.CheckAccess.Path
	checkAccessBatchPattern = api.CheckAccessBatch.Method + " " + api.CheckAccessBatch.Path
)

// answerPlainCheck answers the request r to the route of pattern, whose
// body strictBodies read and limited, when it is a plain access check or
// batch; it reports whether it answered. When it does not, nothing has
// been written.
func (s *Server) answerPlainCheck(w http.ResponseWriter, r *http.Request, pattern string, body []byte) bool {
	if pattern != checkAccessPattern && pattern != checkAccessBatchPattern {
		return false
	}
	// A query, an escaped path or an unusual header is judged by huma.
	if r.URL.RawQuery != "" || r.URL.RawPath != "" || !plainJSONHeaders(r.Header) {
		return false
	}
	// The path is exact (exactPaths) and matched the route, so its
	// environment segment is the one the route's {env} would hold.
	env := environmentOfPath(r.URL.Path)
	var answer any
	if pattern == checkAccessPattern {
		q, ok := parsePlainQuestion(body)
		if !ok {
			return false
		}
		a, err := s.checkAccess(r.Context(), env, q)
		if err != nil {
			// huma asks again and answers the error: its status, body
			// and headers, its log and metrics, once.
			return false
		}
		answer = a
	} else {
		qs, ok := parsePlainBatch(body)
		if !ok {
			return false
		}
		result, err := s.checkAccessBatch(r.Context(), env, qs)
		if err != nil {
			return false
		}
		answer = result
	}
	// As huma answers a 200 of JSON: the negotiated Content-Type, then
	// the body through the API's own JSON format. A client gone before
	// the answer is written is not told.
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = s.api.Marshal(w, "application/json", answer)
	return true
}

// plainJSONHeaders says the request's body is JSON by its Content-Type
// (sent or not) and its answer is to be: what huma decodes as JSON and
// negotiates to application/json. Anything else goes to huma.
func plainJSONHeaders(h http.Header) bool {
	switch ct := h["Content-Type"]; {
	case len(ct) > 1, len(ct) == 1 && ct[0] != "application/json":
		return false
	}
	switch accept := h["Accept"]; {
	case len(accept) == 0:
		return true
	case len(accept) > 1:
		return false
	default:
		return accept[0] == "application/json" || accept[0] == "*/*"
	}
}

// parsePlainQuestion reads body when it is one plain question (see
// plainQuestionAt), with JSON whitespace around it; any other body is left
// to huma, which refuses what is wrong with it as it always has.
func parsePlainQuestion(body []byte) (domain.AccessQuestion, bool) {
	// One allocation: the question's strings share it.
	text := string(body)
	q, i, ok := plainQuestionAt(text, skipJSONSpace(text, 0))
	return q, ok && skipJSONSpace(text, i) == len(text)
}

// smallestPlainQuestion is the shortest text plainQuestionAt reads, so
// that a body of n bytes holds at most n / len(smallestPlainQuestion).
const smallestPlainQuestion = `{"identity_key":"","permission":"","node_key":""}`

// parsePlainBatch reads body when it is a JSON object of exactly one
// field, checks, once, holding an array of 1 to MaxAccessChecks plain
// questions (see plainQuestionAt), with JSON whitespace anywhere between
// tokens. Such a body is valid against AccessCheckBatch's schema (one
// required array of 1–1000 questions, no other property) and
// encoding/json would decode it to the same questions; an empty batch, a
// batch too large and any other body are left to huma, which refuses or
// answers them as it always has.
func parsePlainBatch(body []byte) ([]domain.AccessQuestion, bool) {
	// One allocation for every question's strings, one for the questions.
	text := string(body)
	i := skipJSONSpace(text, 0)
	if i == len(text) || text[i] != '{' {
		return nil, false
	}
	name, next, ok := plainJSONString(text, skipJSONSpace(text, i+1))
	if !ok || name != "checks" {
		return nil, false
	}
	if i = skipJSONSpace(text, next); i == len(text) || text[i] != ':' {
		return nil, false
	}
	if i = skipJSONSpace(text, i+1); i == len(text) || text[i] != '[' {
		return nil, false
	}
	qs := make([]domain.AccessQuestion, 0, min(len(text)/len(smallestPlainQuestion), domain.MaxAccessChecks))
	for i++; ; {
		q, next, ok := plainQuestionAt(text, skipJSONSpace(text, i))
		if !ok || len(qs) == domain.MaxAccessChecks {
			return nil, false
		}
		qs = append(qs, q)
		if i = skipJSONSpace(text, next); i == len(text) {
			return nil, false
		}
		if text[i] == ',' {
			i++
			continue
		}
		if text[i] != ']' {
			return nil, false
		}
		break
	}
	if i = skipJSONSpace(text, i+1); i == len(text) || text[i] != '}' {
		return nil, false
	}
	return qs, skipJSONSpace(text, i+1) == len(text)
}

// plainQuestionAt reads the plain question at text[i:], returning it and
// the index after it: a JSON object of exactly the fields identity_key,
// permission and node_key, once each, in any order, each a string of
// printable ASCII without escapes, with JSON whitespace anywhere between
// tokens. Such an object is valid against AccessQuestion's schema (three
// required strings, no other property) and decodes to the strings as
// written, so encoding/json would decode it to the same question. Its
// strings share text.
func plainQuestionAt(text string, i int) (domain.AccessQuestion, int, bool) {
	var q domain.AccessQuestion
	if i == len(text) || text[i] != '{' {
		return q, i, false
	}
	var seen [3]bool
	for i++; ; {
		name, next, ok := plainJSONString(text, skipJSONSpace(text, i))
		if !ok {
			return q, i, false
		}
		i = skipJSONSpace(text, next)
		if i == len(text) || text[i] != ':' {
			return q, i, false
		}
		value, next, ok := plainJSONString(text, skipJSONSpace(text, i+1))
		if !ok {
			return q, i, false
		}
		var field int
		switch name {
		case "identity_key":
			field, q.IdentityKey = 0, value
		case "permission":
			field, q.Permission = 1, value
		case "node_key":
			field, q.NodeKey = 2, value
		default:
			return q, i, false
		}
		if seen[field] {
			return q, i, false
		}
		seen[field] = true
		i = skipJSONSpace(text, next)
		if i == len(text) {
			return q, i, false
		}
		if text[i] == ',' {
			i++
			continue
		}
		if text[i] != '}' {
			return q, i, false
		}
		return q, i + 1, seen == [3]bool{true, true, true}
	}
}

// plainJSONString reads the JSON string at text[i:] when it holds only
// printable ASCII and no escape, returning it and the index after it.
func plainJSONString(text string, i int) (string, int, bool) {
	if i == len(text) || text[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(text); j++ {
		switch c := text[j]; {
		case c == '"':
			return text[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20 || c > 0x7e:
			return "", j, false
		}
	}
	return "", len(text), false
}

// skipJSONSpace returns the index of the first byte at or after i that is
// not JSON whitespace.
func skipJSONSpace(text string, i int) int {
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
