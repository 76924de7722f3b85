package backend

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// ManagedByHeader is the header by which a write says which tool manages
// the object it writes (the Terraform provider sends it).
type ManagedByHeader struct {
	ManagedBy string `header:"Arbor-Managed-By" doc:"The tool that manages the object this write makes, when it is written from a configuration: the Terraform provider sends terraform. The object's managed_by then says so until it is deleted; without the header the object keeps the mark it had."`
}

// check refuses a value that names no known tool.
func (h ManagedByHeader) check() error {
	if msg := domain.CheckManagedBy(h.ManagedBy); msg != "" {
		return &domain.Error{Code: domain.CodeValidation, Message: "invalid " + api.HeaderManagedBy + " header", Details: []domain.FieldError{{Field: api.HeaderManagedBy, Message: msg}}}
	}
	return nil
}

// Conditions are the precondition headers of writes.
type Conditions struct {
	IfMatch     string `header:"If-Match" doc:"Write only if the object's current version is this one (from its version field or ETag); otherwise 412."`
	IfNoneMatch string `header:"If-None-Match" doc:"Send * to create only: if the object already exists the write is refused with 412."`
}

// check applies the preconditions to the object's current state.
func (c Conditions) check(noun, key string, exists bool, version int64) error {
	if strings.TrimSpace(c.IfNoneMatch) == "*" && exists {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q already exists (version %d); import it to manage it, or choose another key", noun, key, version)
	}
	if c.IfNoneMatch != "" && strings.TrimSpace(c.IfNoneMatch) != "*" {
		return domain.Errorf(domain.CodePreconditionFailed, "If-None-Match supports only *")
	}
	if c.IfMatch == "" {
		return nil
	}
	m, err := parseIfMatch(c.IfMatch)
	if err != nil {
		return err
	}
	var wants []int64
	weak := false
	for _, tag := range m.tags {
		if tag.value == "" {
			// "": a tag, of no version.
			continue
		}
		n, err := strconv.ParseInt(tag.value, 10, 64)
		if err != nil || n < 1 {
			return &domain.Error{Code: domain.CodeValidation, Message: "invalid If-Match header",
				Details: []domain.FieldError{{Field: "If-Match", Message: "must be an object version such as \"3\", or *"}}}
		}
		if tag.weak {
			weak = true
		} else {
			wants = append(wants, n)
		}
	}
	if !exists {
		if m.any {
			return domain.Errorf(domain.CodePreconditionFailed, "%s %q does not exist; If-Match: * writes only an object that does", noun, key)
		}
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q no longer exists (expected version %s); it was deleted after you last read it", noun, key, m)
	}
	if m.any || slices.Contains(wants, version) {
		return nil
	}
	if len(wants) == 0 && weak {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q: If-Match names only weak entity tags (W/), which never match a write's precondition; send the version as \"%d\"", noun, key, version)
	}
	return domain.Errorf(domain.CodePreconditionFailed, "%s %q has changed since you read it: expected version %s, found %d; read it again and retry", noun, key, m, version)
}

// joinConditionLines joins an If-Match or If-None-Match header sent on
// several lines into one list, which RFC 9110 (section 5.3) makes the
// same header: the routes read a header's first line alone, and would
// judge a precondition on part of it.
func joinConditionLines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, name := range []string{"If-Match", "If-None-Match"} {
			if lines := r.Header.Values(name); len(lines) > 1 {
				r.Header.Set(name, strings.Join(lines, ", "))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ifMatch is an If-Match header as RFC 9110 (section 13.1.1) reads it:
// * (any current representation), or a list of entity tags, each
// strong or weak. Its comparison is strong: a weak tag never matches.
type ifMatch struct {
	any  bool
	tags []entityTag
}

type entityTag struct {
	value string
	weak  bool
}

// String gives the tags as a message names them: "3", or "3" or "4".
func (m ifMatch) String() string {
	if m.any {
		return "*"
	}
	var parts []string
	for _, t := range m.tags {
		q := strconv.Quote(t.value)
		if t.weak {
			q = "W/" + q
		}
		parts = append(parts, q)
	}
	return strings.Join(parts, " or ")
}

// parseIfMatch reads header: * or entity tags separated by commas, each
// quoted (a bare value, as curl users type it, is read as a quoted one;
// "" is a tag, which no version is). Empty elements of the list are
// skipped, as RFC 9110 (section 5.6.1) asks. A header that does not parse
// is refused (400), naming it.
func parseIfMatch(header string) (ifMatch, error) {
	bad := func(msg string) (ifMatch, error) {
		return ifMatch{}, &domain.Error{Code: domain.CodeValidation, Message: "invalid If-Match header",
			Details: []domain.FieldError{{Field: "If-Match", Message: msg}}}
	}
	h := strings.TrimSpace(header)
	if h == "*" {
		return ifMatch{any: true}, nil
	}
	var m ifMatch
	for rest := h; ; {
		rest = strings.TrimLeft(rest, " \t")
		if after, ok := strings.CutPrefix(rest, ","); ok {
			// An empty element.
			rest = after
			continue
		}
		if rest == "" {
			if len(m.tags) == 0 {
				return bad(`must be * or entity tags such as "3", separated by commas`)
			}
			return m, nil
		}
		var t entityTag
		if after, ok := strings.CutPrefix(rest, "W/"); ok {
			t.weak, rest = true, after
		}
		if after, ok := strings.CutPrefix(rest, `"`); ok {
			end := strings.IndexByte(after, '"')
			if end < 0 {
				return bad("an entity tag's quotes are not closed")
			}
			t.value, rest = after[:end], after[end+1:]
		} else {
			end := strings.IndexAny(rest, ", \t")
			if end < 0 {
				end = len(rest)
			}
			t.value, rest = rest[:end], rest[end:]
			if t.value == "" {
				return bad(`must be * or entity tags such as "3", separated by commas`)
			}
		}
		if strings.ContainsAny(t.value, "*") {
			return bad(`must be * or entity tags such as "3", separated by commas`)
		}
		m.tags = append(m.tags, t)
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return m, nil
		}
		after, ok := strings.CutPrefix(rest, ",")
		if !ok {
			return bad(`must be * or entity tags such as "3", separated by commas`)
		}
		rest = after
	}
}

// holds reports whether m matches current, the strong tag of a
// representation that exists.
func (m ifMatch) holds(current string) bool {
	if m.any {
		return true
	}
	for _, t := range m.tags {
		if !t.weak && t.value == current {
			return true
		}
	}
	return false
}

// etag renders a version as an entity tag.
func etag(version int64) string { return strconv.Quote(strconv.FormatInt(version, 10)) }
