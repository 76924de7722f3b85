package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateKeys is private state as the framework keeps it: JSON by key.
type privateKeys map[string][]byte

func (p privateKeys) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p privateKeys) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	p[key] = value
	return nil
}

// TestRecordedStateNamesItsBuild: state recorded by this build at a version
// is unchanged at that version only; another build, another credential,
// state without a version (after an import) or without a build (an older
// provider) is recorded again.
func TestRecordedStateNamesItsBuild(t *testing.T) {
	ctx := context.Background()
	this := &providerData{build: buildOf("1.2.3", "arbk_first")}
	if this.build == "" {
		t.Fatal("no build name for this test binary")
	}
	recorded := privateKeys{}
	setVersion(ctx, recorded, 7)
	setRecordedBy(ctx, recorded, this)

	got, diags := recordedRead(ctx, recorded, this)
	if diags.HasError() || !got.unchanged(7) || got.unchanged(8) {
		t.Errorf("this build's own record at version 7: %+v %v", got, diags)
	}
	for name, other := range map[string]*providerData{
		"another version":    {build: buildOf("1.2.4", "arbk_first")},
		"another credential": {build: buildOf("1.2.3", "arbk_second")},
		"no build name":      {},
	} {
		if got, _ := recordedRead(ctx, recorded, other); got.unchanged(7) {
			t.Errorf("%s: a record of another build counts as unchanged", name)
		}
	}
	imported := privateKeys{}
	if got, _ := recordedRead(ctx, imported, this); got.version != 0 || got.unchanged(0) {
		t.Errorf("state after an import: %+v", got)
	}
	older := privateKeys{}
	setVersion(ctx, older, 7)
	if got, _ := recordedRead(ctx, older, this); got.unchanged(7) {
		t.Error("state an older provider recorded counts as unchanged")
	}
	if string(recorded[recordedByKey]) == "" || containsSecret(recorded, "arbk_first") {
		t.Errorf("recorded_by %q must name the build, never show the credential", recorded[recordedByKey])
	}
}

func containsSecret(p privateKeys, secret string) bool {
	for _, v := range p {
		if strings.Contains(string(v), secret) {
			return true
		}
	}
	return false
}
