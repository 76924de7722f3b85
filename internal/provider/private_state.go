package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Private state keeps, per resource, the version of the object last read,
// sent as If-Match so that a change made after terraform plan is refused
// (412) rather than overwritten, and the build of the provider that
// recorded the state (refresh.go).
//
// Both are one key, recordedKey, holding [version, "build"] (the build left
// out when there is none): Terraform writes every resource's private state
// into the state file, base64 of the framework's JSON, whose values are
// base64 again, and rewrites the whole file as each resource of an apply
// completes, so each byte of it is paid N times in an apply of N
// resources. Two keys with their names cost twice what this one does.
//
// State written before holds versionKey and recordedByKey instead; they
// are read when recordedKey is absent and dropped at the next write.
const (
	recordedKey   = "v"
	versionKey    = "version"
	recordedByKey = "recorded_by"
)

type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateStateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// setVersion records version, with no build.
func setVersion(ctx context.Context, p privateStateWriter, version int64) diag.Diagnostics {
	return setRecorded(ctx, p, version, "")
}

// setRecorded records version and the build that recorded it ("" for
// none).
func setRecorded(ctx context.Context, p privateStateWriter, version int64, build string) diag.Diagnostics {
	value := []any{version}
	if build != "" {
		value = append(value, build)
	}
	raw, err := json.Marshal(value)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error recording the object's version", err.Error())
		return diags
	}
	diags := p.SetKey(ctx, recordedKey, raw)
	diags.Append(p.SetKey(ctx, versionKey, nil)...)
	diags.Append(p.SetKey(ctx, recordedByKey, nil)...)
	return diags
}

// getVersion returns the version last read, or 0 when unknown (state
// written by an older provider, or after an import), in which case writes
// are unconditional.
func getVersion(ctx context.Context, p privateState) (int64, diag.Diagnostics) {
	version, _, diags := getRecorded(ctx, p)
	return version, diags
}

// getRecorded returns the version last read and the build that recorded
// it, from recordedKey or, in state written before it, the two keys it
// replaced.
func getRecorded(ctx context.Context, p privateState) (version int64, build string, diags diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, recordedKey)
	if len(raw) > 0 {
		var value []json.RawMessage
		if json.Unmarshal(raw, &value) != nil || len(value) == 0 || json.Unmarshal(value[0], &version) != nil {
			diags.AddError("Corrupt private state", fmt.Sprintf("%s %q is not [version, build]", recordedKey, raw))
			return 0, "", diags
		}
		if len(value) > 1 && json.Unmarshal(value[1], &build) != nil {
			build = ""
		}
		return version, build, diags
	}
	raw, d := p.GetKey(ctx, versionKey)
	diags.Append(d...)
	if len(raw) > 0 {
		v, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			diags.AddError("Corrupt private state", fmt.Sprintf("version %q is not a number", raw))
			return 0, "", diags
		}
		version = v
	}
	raw, d = p.GetKey(ctx, recordedByKey)
	diags.Append(d...)
	if len(raw) > 0 && json.Unmarshal(raw, &build) != nil {
		build = ""
	}
	return version, build, diags
}
