package backend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Every request passes through exactPaths and strictBodies before routing,
// so that what Go's ServeMux and encoding/json would quietly repair is
// refused instead, once for every route: a path ServeMux would clean (answering with a
// redirect to another object), a body encoding/json would decode with
// U+FFFD in place of the bytes sent, a body in a format the API does not
// speak.

// MaxJSONDepth is how deeply the arrays and objects of a request body may
// nest. Arbor's own shapes need a handful of levels; free JSON values
// (tenant properties, trigger data schemas) get the rest.
const MaxJSONDepth = 64

// bodyReadTimeout bounds how long a client may take to send its body.
const bodyReadTimeout = 30 * time.Second

// bodyLimits records, by ServeMux pattern ("PUT /v1/…/{key}"), the size
// limit of every route that takes a request body, from the registered
// operations.
func (s *Server) bodyLimits() map[string]int64 {
	limits := map[string]int64{}
	for path, item := range s.api.OpenAPI().Paths {
		for method, o := range map[string]*huma.Operation{
			http.MethodPost: item.Post, http.MethodPut: item.Put, http.MethodPatch: item.Patch, http.MethodDelete: item.Delete,
		} {
			if o == nil || o.RequestBody == nil {
				continue
			}
			limit := o.MaxBodyBytes
			if limit <= 0 {
				limit = s.bodyLimit
			}
			limits[method+" "+path] = limit
		}
	}
	return limits
}

// exactPaths refuses, before anything else reads the request, a path
// that is not exact.
func exactPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fe := checkPath(r.URL); fe != nil {
			writeError(w, &domain.Error{Code: domain.CodeValidation, Message: "invalid request path: " + fe.Message, Details: []domain.FieldError{*fe}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// strictBodies reads the body of every route that takes one, within the
// route's limit, and refuses it unless it is JSON whose strings are
// exactly what was sent. It runs after authentication, so that only a
// known client makes the server read a body.
func (s *Server) strictBodies(mux *http.ServeMux) http.Handler {
	limits := s.bodyLimits()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Only a body needs its route's limit: a request without one
		// (every GET) skips this lookup of its route, which mux makes
		// again to serve it.
		if r.Body == nil || r.Body == http.NoBody {
			mux.ServeHTTP(w, r)
			return
		}
		_, pattern := mux.Handler(r)
		limit, takesBody := limits[pattern]
		if !takesBody {
			mux.ServeHTTP(w, r)
			return
		}
		// A failure only means the connection has no deadline to set
		// (the in-process transport).
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyReadTimeout))
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil {
			writeError(w, domain.Errorf(domain.CodeValidation, "the request body could not be read: %s", err))
			return
		}
		if int64(len(body)) > limit {
			writeError(w, domain.Errorf(domain.CodeTooLarge, "the request body is larger than this route accepts (%d bytes); send less at a time", limit))
			return
		}
		// A plain access check or batch is answered here, its body in
		// hand (see checks_plain.go): what answerPlainCheck accepts
		// passes the checks below.
		if s.answerPlainCheck(w, r, pattern, body) {
			return
		}
		if len(body) > 0 {
			if de := checkJSONBody(r.Header.Values("Content-Type"), body); de != nil {
				writeError(w, de)
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		mux.ServeHTTP(w, r)
	})
}

// checkPath refuses what ServeMux would rewrite or misread: "." and ".."
// segments, empty segments, encoded slashes inside a segment and bytes
// that are not UTF-8. Each of them would otherwise name another object
// than the one written, or be answered with a redirect to it.
func checkPath(u *url.URL) *domain.FieldError {
	raw := u.EscapedPath()
	if raw == "/" {
		return nil
	}
	if !strings.HasPrefix(raw, "/") {
		return &domain.FieldError{Field: "path", Message: "must start with /"}
	}
	for _, seg := range strings.Split(raw[1:], "/") {
		value, err := url.PathUnescape(seg)
		switch {
		case err != nil:
			return &domain.FieldError{Field: "path", Message: fmt.Sprintf("segment %q is not correctly percent-encoded", seg)}
		case seg == "":
			return &domain.FieldError{Field: "path", Message: "has an empty segment (// or a trailing /); paths are exact"}
		case value == "." || value == "..":
			return &domain.FieldError{Field: "path", Message: fmt.Sprintf("has a %q segment; paths are exact and never resolved", value)}
		case strings.Contains(value, "/"):
			return &domain.FieldError{Field: "path", Message: fmt.Sprintf("segment %q holds an encoded slash; keys never contain /", seg)}
		case !utf8.ValidString(value):
			return &domain.FieldError{Field: "path", Message: fmt.Sprintf("segment %q is not valid UTF-8", seg)}
		}
	}
	return nil
}

// checkJSONBody refuses a body that is not JSON by its Content-Type (415),
// or whose strings are not exactly what encoding/json would store: invalid
// UTF-8 and unpaired UTF-16 surrogate escapes, which it silently replaces
// with U+FFFD. It also caps nesting depth.
func checkJSONBody(contentType []string, body []byte) *domain.Error {
	if msg := checkContentType(contentType); msg != "" {
		return domain.Errorf(domain.CodeUnsupportedMedia, "%s", msg)
	}
	if fe := CheckJSONStrings(body); fe != nil {
		return &domain.Error{Code: domain.CodeValidation, Message: "invalid value for " + orBody(fe.Field), Details: []domain.FieldError{*fe}}
	}
	return nil
}

func orBody(field string) string {
	if field == "" {
		return "the request body"
	}
	return field
}

// checkContentType accepts application/json, any +json type, and no
// Content-Type at all (read as JSON, as the API speaks nothing else).
func checkContentType(values []string) string {
	const want = "send Content-Type: application/json"
	switch len(values) {
	case 0:
		return ""
	case 1:
	default:
		return "the request has more than one Content-Type header; " + want
	}
	mediaType, _, err := mime.ParseMediaType(values[0])
	if err != nil {
		return fmt.Sprintf("Content-Type %q cannot be read; %s", values[0], want)
	}
	if mediaType == "application/json" || (strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json")) {
		return ""
	}
	return fmt.Sprintf("this API reads only JSON request bodies, not %s; %s", mediaType, want)
}

// CheckJSONStrings finds the first string of a JSON text that
// encoding/json would not store as sent, naming it by its field path
// ("permissions[0].name", "properties.plan"): invalid UTF-8, an escaped
// unpaired surrogate (\ud800), or nesting deeper than MaxJSONDepth. It
// returns nil when there is none. Syntax errors are left to the JSON
// decoder, which reports them; if the text is not JSON the whole body is
// still checked, without a field.
func CheckJSONStrings(b []byte) *domain.FieldError {
	sc := jsonScanner{b: b}
	sc.value()
	if sc.skipSpace(); sc.i < len(sc.b) {
		// More than one value: the decoder refuses it; check it all.
		sc.syntax = true
	}
	if sc.problem != nil {
		return sc.problem
	}
	if sc.syntax {
		return checkRawStrings(b)
	}
	return nil
}

// checkRawStrings is the check of a body the scanner could not follow:
// invalid UTF-8 anywhere, or a surrogate escape anywhere.
func checkRawStrings(b []byte) *domain.FieldError {
	if !utf8.Valid(b) {
		return &domain.FieldError{Message: "the request body is not valid UTF-8"}
	}
	for i := 0; i < len(b); {
		if b[i] != '\\' || i+1 >= len(b) {
			i++
			continue
		}
		if b[i+1] != 'u' {
			i += 2
			continue
		}
		width, msg := escapeAt(b, i)
		if msg != "" {
			return &domain.FieldError{Message: "the request body " + msg}
		}
		i += width
	}
	return nil
}

// escapeAt reads the \u escape at b[i:], returning its width (12 for a
// surrogate pair) and, for a surrogate that is not half of a pair, what is
// wrong with it.
func escapeAt(b []byte, i int) (int, string) {
	r, ok := hex4(b, i+2)
	if !ok || !utf16.IsSurrogate(r) {
		return 6, ""
	}
	if r < 0xDC00 && i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
		if low, ok := hex4(b, i+8); ok && low >= 0xDC00 && low <= 0xDFFF {
			return 12, ""
		}
	}
	return 6, fmt.Sprintf(`holds the escape \u%04x, half of a UTF-16 surrogate pair without the other half: it is no character, and is refused rather than replaced with U+FFFD`, r)
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// jsonScanner walks a JSON text, keeping the path to the value it is in,
// until it meets a problem or a syntax error.
type jsonScanner struct {
	b       []byte
	i       int
	path    []pathElem
	problem *domain.FieldError
	syntax  bool
}

// pathElem is one step of a field path: an object member (raw key bytes,
// as in the text) or an array index.
type pathElem struct {
	key   []byte
	index int
}

func (s *jsonScanner) failed() bool { return s.problem != nil || s.syntax }

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) value() {
	s.skipSpace()
	if s.i >= len(s.b) {
		s.syntax = true
		return
	}
	switch c := s.b[s.i]; {
	case c == '{':
		s.object()
	case c == '[':
		s.array()
	case c == '"':
		s.str(false)
	default:
		// Numbers and literals: ASCII only; the decoder judges them.
		for s.i < len(s.b) && strings.IndexByte(",]} \t\n\r", s.b[s.i]) < 0 {
			if s.b[s.i] >= utf8.RuneSelf {
				s.syntax = true
				return
			}
			s.i++
		}
	}
}

func (s *jsonScanner) enter() bool {
	if len(s.path) >= MaxJSONDepth {
		s.problem = &domain.FieldError{Field: s.field(), Message: fmt.Sprintf("nests arrays and objects more than %d levels deep", MaxJSONDepth)}
		return false
	}
	return true
}

func (s *jsonScanner) object() {
	if !s.enter() {
		return
	}
	s.i++ // {
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return
	}
	s.path = append(s.path, pathElem{index: -1})
	defer func() { s.path = s.path[:len(s.path)-1] }()
	for {
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			s.syntax = true
			return
		}
		start := s.i
		if s.str(true); s.failed() {
			return
		}
		s.path[len(s.path)-1].key = s.b[start:s.i]
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			s.syntax = true
			return
		}
		s.i++
		if s.value(); s.failed() {
			return
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			s.syntax = true
			return
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.syntax = true
			return
		}
	}
}

func (s *jsonScanner) array() {
	if !s.enter() {
		return
	}
	s.i++ // [
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return
	}
	s.path = append(s.path, pathElem{index: 0})
	defer func() { s.path = s.path[:len(s.path)-1] }()
	for {
		if s.value(); s.failed() {
			return
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			s.syntax = true
			return
		}
		switch s.b[s.i] {
		case ',':
			s.i++
			s.path[len(s.path)-1].index++
		case ']':
			s.i++
			return
		default:
			s.syntax = true
			return
		}
	}
}

// str scans the string at s.i; isKey says it is an object member's name.
func (s *jsonScanner) str(isKey bool) {
	s.i++ // "
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return
		case c == '\\':
			if s.i+1 >= len(s.b) {
				s.syntax = true
				return
			}
			if s.b[s.i+1] != 'u' {
				s.i += 2
				continue
			}
			width, msg := escapeAt(s.b, s.i)
			if msg != "" {
				s.report(isKey, msg)
				return
			}
			s.i += width
		case c < 0x20:
			s.syntax = true
			return
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, size := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && size == 1 {
				s.report(isKey, fmt.Sprintf("is not valid UTF-8 (byte 0x%02x at offset %d of the body): it is refused rather than replaced with U+FFFD", c, s.i))
				return
			}
			s.i += size
		}
	}
	s.syntax = true
}

// report records the problem of the string being scanned; problem says
// what is wrong with it ("is not valid UTF-8 …").
func (s *jsonScanner) report(isKey bool, problem string) {
	if isKey {
		// The member name itself is wrong: name the object holding it.
		s.problem = &domain.FieldError{Field: s.parentField(), Message: "has a member name that " + problem}
		return
	}
	s.problem = &domain.FieldError{Field: s.field(), Message: problem}
}

// field renders the current path as the API names fields.
func (s *jsonScanner) field() string { return renderPath(s.path) }

func (s *jsonScanner) parentField() string {
	if len(s.path) == 0 {
		return ""
	}
	return renderPath(s.path[:len(s.path)-1])
}

func renderPath(path []pathElem) string {
	var b strings.Builder
	for _, e := range path {
		if e.key == nil {
			if e.index >= 0 {
				fmt.Fprintf(&b, "[%d]", e.index)
			}
			continue
		}
		var name string
		if err := json.Unmarshal(e.key, &name); err != nil {
			name = string(e.key)
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(name)
	}
	return b.String()
}
