package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func cliOf(t *testing.T, versionOutput string) CLI {
	t.Helper()
	cli, err := parseVersionOutput("cli", versionOutput)
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

// The CLIs' own `version` output tells them apart, and a development build
// counts as its release.
func TestParseVersionOutput(t *testing.T) {
	for out, want := range map[string]string{
		"Terraform v1.11.4\non linux_amd64\n":                  "Terraform 1.11.4",
		"Terraform v1.13.3-dev\non linux_amd64\n":              "Terraform 1.13.3",
		"OpenTofu v1.12.6\non linux_amd64\n":                   "OpenTofu 1.12.6",
		"Terraform v1.5.7\non linux_amd64\n\nYour version of…": "Terraform 1.5.7",
	} {
		if got := cliOf(t, out).String(); got != want {
			t.Errorf("%q: got %s, want %s", out, got, want)
		}
	}
	if _, err := parseVersionOutput("cli", "terraform-provider-arbor 1.0.0\n"); err == nil {
		t.Error("a binary that is neither Terraform nor OpenTofu was accepted")
	}
}

// Gates read OpenTofu's version as OpenTofu's: OpenTofu 1.10 has no
// ephemeral resources although Terraform 1.10 has.
func TestFeatureSupported(t *testing.T) {
	cases := []struct {
		cli     string
		feature Feature
		want    bool
	}{
		{"Terraform v1.5.7", FeatureEphemeral, false},
		{"Terraform v1.10.0", FeatureEphemeral, true},
		{"Terraform v1.10.5", FeatureWriteOnly, false},
		{"Terraform v1.11.4", FeatureWriteOnly, true},
		{"Terraform v1.11.4", FeatureIdentity, false},
		{"Terraform v1.13.3", FeatureIdentity, true},
		{"OpenTofu v1.10.10", FeatureEphemeral, false},
		{"OpenTofu v1.10.10", FeatureWriteOnly, false},
		{"OpenTofu v1.10.10", FeatureIdentity, false},
		{"OpenTofu v1.11.0", FeatureEphemeral, true},
		{"OpenTofu v1.11.0", FeatureIdentity, false},
		{"OpenTofu v1.12.6", FeatureWriteOnly, true},
		{"OpenTofu v1.12.6", FeatureIdentity, true},
	}
	for _, c := range cases {
		if got := c.feature.Supported(cliOf(t, c.cli)); got != c.want {
			t.Errorf("%s supports %s: got %t, want %t", c.cli, c.feature.Name, got, c.want)
		}
	}
}

func TestFeaturesIn(t *testing.T) {
	for config, want := range map[string]string{
		"ephemeral \"arbor_api_key\" \"audit\" {\n}\n":                                "ephemeral",
		"variable \"s\" {\n  sensitive = true\n  ephemeral = true\n}\n":               "ephemeral",
		"resource \"arbor_webhook\" \"w\" {\n  signing_secret_wo = var.s\n}\n":        "write_only",
		"import {\n  to       = arbor_role.editor\n  identity = { key = \"e\" }\n}\n": "identity",
		"import {\n  to = arbor_role.editor\n  id = \"editor\"\n}\n":                  "",
		"resource \"arbor_identity\" \"ada\" {\n  key = \"ada\"\n}\n":                 "",
		"run \"editor_writes\" {\n  command = plan\n}\n":                              "test_files",
		"list \"arbor_guide\" \"prod\" {\n  provider = arbor\n}\n":                    "list",
		"action \"arbor_environment_promote\" \"up\" {\n  config {\n  }\n}\n":         "action",
	} {
		var got []string
		for _, f := range FeaturesIn(config) {
			got = append(got, f.ID)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%q uses %v, want %q", config, got, want)
		}
	}
}

// A missing feature skips, saying which CLI has it; named in
// ARBOR_REQUIRE_FEATURES, it fails the run instead.
func TestUnsupported(t *testing.T) {
	cli := cliOf(t, "OpenTofu v1.10.10")
	t.Setenv("ARBOR_REQUIRE_FEATURES", "")
	reasons, err := Unsupported(cli, FeatureEphemeral, FeatureIdentity)
	if err != nil || len(reasons) != 2 {
		t.Fatalf("got %q, %v; want two reasons and no error", reasons, err)
	}
	if want := "ephemeral resources: needs Terraform >= 1.10.0 or OpenTofu >= 1.11.0; this run uses OpenTofu 1.10.10"; reasons[0] != want {
		t.Errorf("reason %q, want %q", reasons[0], want)
	}

	t.Setenv("ARBOR_REQUIRE_FEATURES", "write_only, identity")
	_, err = Unsupported(cli, FeatureEphemeral, FeatureIdentity)
	if err == nil || !strings.Contains(err.Error(), "must test identity") || strings.Contains(err.Error(), "must test ephemeral") {
		t.Errorf("required identity missing: got %v", err)
	}
	if _, err := Unsupported(cliOf(t, "Terraform v1.16.0"), Features...); err != nil {
		t.Errorf("Terraform 1.16.0 has every feature, got %v", err)
	}
}

// fakeCLI is an executable that prints versionOutput for `version`.
func fakeCLI(t *testing.T, versionOutput string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cli")
	script := "#!/bin/sh\nprintf '%s' '" + versionOutput + "'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// With OpenTofu, terraform-plugin-testing is told an address OpenTofu
// accepts for the provider; with Terraform its defaults stay.
func TestDetectCLI_providerAddress(t *testing.T) {
	for _, c := range []struct{ version, host, namespace string }{
		{"OpenTofu v1.12.6\n", "registry.opentofu.org", "hashicorp"},
		{"Terraform v1.13.3\n", "", ""},
	} {
		for _, k := range []string{"TF_ACC_PROVIDER_HOST", "TF_ACC_PROVIDER_NAMESPACE", "TF_CLI_CONFIG_FILE"} {
			t.Setenv(k, "")
		}
		path := fakeCLI(t, c.version)
		t.Setenv("TF_ACC_TERRAFORM_PATH", path)
		cli, err := detectCLI()
		if err != nil {
			t.Fatal(err)
		}
		if cli.Path != path || os.Getenv("TF_ACC_TERRAFORM_PATH") != path {
			t.Errorf("%s: path %s, TF_ACC_TERRAFORM_PATH %s; want %s", cli, cli.Path, os.Getenv("TF_ACC_TERRAFORM_PATH"), path)
		}
		if got := os.Getenv("TF_ACC_PROVIDER_HOST"); got != c.host {
			t.Errorf("%s: TF_ACC_PROVIDER_HOST %q, want %q", cli, got, c.host)
		}
		if got := os.Getenv("TF_ACC_PROVIDER_NAMESPACE"); got != c.namespace {
			t.Errorf("%s: TF_ACC_PROVIDER_NAMESPACE %q, want %q", cli, got, c.namespace)
		}
	}
}
