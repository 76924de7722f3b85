package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// addAPIError reports a failed API call. Validation errors that name a
// field are attached to that attribute, so Terraform points at the line of
// configuration at fault.
func addAPIError(diags *diag.Diagnostics, summary string, err error, at path.Path) {
	var apiErr *client.Error
	if e, ok := err.(*client.Error); ok {
		apiErr = e
	}
	if apiErr == nil || len(apiErr.API.Details) == 0 {
		if at.Equal(path.Empty()) {
			diags.AddError(summary, err.Error())
		} else {
			diags.AddAttributeError(at, summary, err.Error())
		}
		return
	}
	for _, d := range apiErr.API.Details {
		p, ok := attributePath(d.Field)
		if !ok || d.Field == "" {
			diags.AddError(summary, fmt.Sprintf("%s: %s", apiErr.API.Message, fieldMessage(d.Field, d.Message)))
			continue
		}
		diags.AddAttributeError(locatable(p), summary, fieldMessage(d.Field, d.Message))
	}
}

// addDomainError reports a domain rule's refusal given at plan time: each
// field problem at its attribute, like the backend's answer would be.
func addDomainError(diags *diag.Diagnostics, summary string, err error) {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Details) == 0 {
		diags.AddError(summary, err.Error())
		return
	}
	for _, d := range de.Details {
		if at, ok := attributePath(d.Field); ok {
			diags.AddAttributeError(locatable(at), summary, fieldMessage(d.Field, d.Message))
			continue
		}
		diags.AddError(summary, fmt.Sprintf("%s: %s", de.Message, fieldMessage(d.Field, d.Message)))
	}
}

func fieldMessage(field, msg string) string {
	if field == "" {
		return msg
	}
	return field + " " + msg
}

// addDomainProblems reports a domain object's validation problems at the
// attributes they name, leaving out problems with values not known yet
// (an unknown value reads as empty, which proves nothing).
func addDomainProblems(_ context.Context, diags *diag.Diagnostics, config tftypes.Value, problems domain.Problems) {
	for _, p := range problems {
		at, ok := attributePath(p.Field)
		if !ok {
			diags.AddError("Invalid configuration", fieldMessage(p.Field, p.Message))
			continue
		}
		if !knownAlong(config, at) {
			continue
		}
		diags.AddAttributeError(locatable(at), "Invalid "+p.Field, fieldMessage(p.Field, p.Message))
	}
}

// locatable shortens p to the part Terraform can find in the
// configuration: the top-level attribute and the list element it holds.
// Terraform locates a diagnostic inside nested blocks but not inside the
// object values of nested attributes, so a longer path such as
// branding.primary_color would point at the whole resource instead of at
// the branding attribute; the message still names the whole path.
func locatable(p path.Path) path.Path {
	steps := p.Steps()
	if len(steps) == 0 {
		return p
	}
	name, ok := steps[0].(path.PathStepAttributeName)
	if !ok {
		return p
	}
	out := path.Root(string(name))
	if len(steps) > 1 {
		if i, ok := steps[1].(path.PathStepElementKeyInt); ok {
			out = out.AtListIndex(int(i))
		}
	}
	return out
}

// knownAlong reports whether the value at p, and every value on the way to
// it, is known (wholly known for the value itself).
func knownAlong(v tftypes.Value, p path.Path) bool {
	tp := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			tp = tp.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			tp = tp.WithElementKeyInt(int(s))
		default:
			return true
		}
		got, _, err := tftypes.WalkAttributePath(v, tp)
		if err != nil {
			// Absent along the way (a null parent): nothing unknown.
			return true
		}
		if tv, ok := got.(tftypes.Value); ok && !tv.IsKnown() {
			return false
		}
	}
	got, _, err := tftypes.WalkAttributePath(v, tp)
	if tv, ok := got.(tftypes.Value); err == nil && ok {
		return tv.IsFullyKnown()
	}
	return true
}

var segment = regexp.MustCompile(`^([a-z_][a-z0-9_]*)((?:\[\d+\])*)$`)
var index = regexp.MustCompile(`\[(\d+)\]`)

// attributePath turns an API field such as "steps[2].channel.type" into a
// Terraform attribute path.
func attributePath(field string) (path.Path, bool) {
	if field == "" {
		return path.Empty(), false
	}
	var p path.Path
	for i, part := range strings.Split(field, ".") {
		m := segment.FindStringSubmatch(part)
		if m == nil {
			return path.Empty(), false
		}
		if i == 0 {
			p = path.Root(m[1])
		} else {
			p = p.AtName(m[1])
		}
		for _, ix := range index.FindAllStringSubmatch(m[2], -1) {
			n, _ := strconv.Atoi(ix[1])
			p = p.AtListIndex(n)
		}
	}
	return p, true
}
