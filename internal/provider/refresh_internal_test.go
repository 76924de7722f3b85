package provider

import (
	"context"
	"encoding/json"
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
	if len(value) == 0 {
		delete(p, key) // as the framework does
		return nil
	}
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
	setRecordedBy(ctx, recorded, this, 7)

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
	if got, _ := recordedRead(ctx, older, this); got.unchanged(7) || got.version != 7 {
		t.Errorf("state recorded without a build: %+v", got)
	}
	if len(recorded) != 1 || string(recorded[recordedKey]) == "" || containsSecret(recorded, "arbk_first") {
		t.Errorf("private state %q must be one key naming the version and build, never showing the credential", recorded)
	}
}

// TestPrivateStateOfEarlierReleasesIsRead: state recorded before the
// version and the build shared one key still gives both, and the next
// record leaves only the new key.
func TestPrivateStateOfEarlierReleasesIsRead(t *testing.T) {
	ctx := context.Background()
	this := &providerData{build: buildOf("1.2.3", "arbk_first")}
	build, _ := json.Marshal(this.build)
	earlier := privateKeys{versionKey: []byte("12"), recordedByKey: build}
	got, diags := recordedRead(ctx, earlier, this)
	if diags.HasError() || got.version != 12 || !got.unchanged(12) {
		t.Errorf("earlier state: %+v %v", got, diags)
	}
	if v, _ := getVersion(ctx, privateKeys{versionKey: []byte("3")}); v != 3 {
		t.Errorf("earlier version alone: %d", v)
	}
	setRecordedBy(ctx, earlier, this, 13)
	if _, old := earlier[versionKey]; old || len(earlier) != 1 {
		t.Errorf("after a record: %q, want the one key", earlier)
	}
	if v, _ := getVersion(ctx, earlier); v != 13 {
		t.Errorf("version after a record: %d", v)
	}
	if _, diags := getVersion(ctx, privateKeys{recordedKey: []byte(`"x"`)}); !diags.HasError() {
		t.Error("corrupt private state read without an error")
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
