package provider

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// A refresh is the read of an object whose state a create, an update or an
// earlier read recorded, with the object's version in private state. Two
// things make a refresh of many objects cheap:
//
//   - it may be answered from the plan's listing of its kind
//     (client.Collection.Refresh), which is never older than this provider
//     process, the walk it serves or any write it made;
//   - when the object's version is the one recorded, and the state was
//     recorded by this very build of the provider, the state is kept as it
//     is: recording the same version again would write the same values,
//     and converting them is most of a refresh's cost for nested
//     attributes. Another build (an upgrade, a new schema, a rebuilt
//     binary) records again.
//
// The read after an import finds no version and goes to the backend.

// planKeepsState reports whether the plan of an existing object, as
// planned so far, leaves its state exactly as it is: the apply writes
// nothing of it, so there is nothing for a plan-time check of a write to
// refuse, and a refresh plan of unchanged objects need not convert their
// nested attributes to check them.
func planKeepsState(req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	return !req.State.Raw.IsNull() && resp.Plan.Raw.Equal(req.State.Raw)
}

// recordedByKey is the private state key of the build that recorded the
// state. Kinds the backend presents per reader are always recorded again
// (objectSpec.presentedPerReader).
const recordedByKey = "recorded_by"

// recordedState is what private state says of how the state was recorded.
type recordedState struct {
	version int64
	// sameBuild is true when this build of the provider recorded it.
	sameBuild bool
}

// unchanged reports whether the state is what recording the object at
// version would write.
func (r recordedState) unchanged(version int64) bool {
	return r.sameBuild && r.version > 0 && r.version == version
}

func recordedRead(ctx context.Context, p privateState, data *providerData) (recordedState, diag.Diagnostics) {
	version, diags := getVersion(ctx, p)
	raw, d := p.GetKey(ctx, recordedByKey)
	diags.Append(d...)
	var by string
	if len(raw) > 0 && json.Unmarshal(raw, &by) != nil {
		by = ""
	}
	return recordedState{version: version, sameBuild: data != nil && data.build != "" && by == data.build}, diags
}

// setRecordedBy marks the state as recorded by this build.
func setRecordedBy(ctx context.Context, p privateStateWriter, data *providerData) diag.Diagnostics {
	if data == nil || data.build == "" {
		return nil
	}
	raw, err := json.Marshal(data.build)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error recording the provider build", err.Error())
		return diags
	}
	return p.SetKey(ctx, recordedByKey, raw)
}

// buildOf names this build of the provider and the credential it reads
// with: its version, its executable's size and modification time, so that
// a rebuilt binary of the same version (a development build) is another
// build, and a digest of the credential (never the credential), so that
// what one principal recorded is recorded again for another. It is kept as
// a short digest of all of these (never the credential itself): every
// resource's private state holds it, and each byte of state is written N
// times in an apply of N resources. "" when the executable cannot be
// found, and then every refresh records again.
func buildOf(version, credential string) string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	digest := sha256.Sum256(fmt.Appendf(nil, "arbor recorded_by\n%s\n%d\n%d\n%s", version, st.Size(), st.ModTime().UnixNano(), credential))
	return base64.RawURLEncoding.EncodeToString(digest[:9])
}
