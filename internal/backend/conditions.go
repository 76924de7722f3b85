package backend

import (
	"fmt"
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
	want, err := parseETag(c.IfMatch)
	if err != nil {
		return &domain.Error{Code: domain.CodeValidation, Message: "invalid If-Match header", Details: []domain.FieldError{{Field: "If-Match", Message: err.Error()}}}
	}
	if !exists {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q no longer exists (expected version %d); it was deleted after you last read it", noun, key, want)
	}
	if want != version {
		return domain.Errorf(domain.CodePreconditionFailed, "%s %q has changed since you read it: expected version %d, found %d; read it again (terraform refresh or plan) and retry", noun, key, want, version)
	}
	return nil
}

// etag renders a version as an entity tag.
func etag(version int64) string { return strconv.Quote(strconv.FormatInt(version, 10)) }

func parseETag(v string) (int64, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("must be an object version such as \"3\"")
	}
	return n, nil
}
