package provider

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
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

// recordedRead is what private state says of how the state was recorded.
// Kinds the backend presents per reader are always recorded again
// (objectSpec.presentedPerReader).
func recordedRead(ctx context.Context, p privateState, data *providerData) (recordedState, diag.Diagnostics) {
	version, by, diags := getRecorded(ctx, p)
	return recordedState{version: version, sameBuild: data != nil && data.build != "" && by == data.build}, diags
}

// setRecordedBy records version as read by this build.
func setRecordedBy(ctx context.Context, p privateStateWriter, data *providerData, version int64) diag.Diagnostics {
	build := ""
	if data != nil {
		build = data.build
	}
	return setRecorded(ctx, p, version, build)
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
