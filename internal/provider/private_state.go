package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// The version of the object last read is kept in private state and sent as
// If-Match, so a change made after terraform plan is refused (412) rather
// than overwritten.
const versionKey = "version"

type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateStateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func setVersion(ctx context.Context, p privateStateWriter, version int64) diag.Diagnostics {
	return p.SetKey(ctx, versionKey, []byte(strconv.FormatInt(version, 10)))
}

// getVersion returns the version last read, or 0 when unknown (state
// written by an older provider), in which case writes are unconditional.
func getVersion(ctx context.Context, p privateState) (int64, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, versionKey)
	if len(raw) == 0 {
		return 0, diags
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		diags.AddError("Corrupt private state", fmt.Sprintf("version %q is not a number", raw))
	}
	return v, diags
}
