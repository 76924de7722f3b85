package acctest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// CLI is the Terraform or OpenTofu command line the tests run.
type CLI struct {
	Path string
	// Product is "Terraform" or "OpenTofu", as the CLI names itself.
	Product string
	Version cliVersion
}

func (c CLI) String() string { return c.Product + " " + c.Version.String() }

// OpenTofu reports whether the CLI is OpenTofu, whose version numbers are
// its own: OpenTofu 1.10 is not Terraform 1.10.
func (c CLI) OpenTofu() bool { return c.Product == "OpenTofu" }

var detected struct {
	once sync.Once
	cli  CLI
	err  error
}

// errNoCLI says how to get a CLI when none is found.
var errNoCLI = errors.New("neither terraform nor tofu is on PATH and TF_ACC_TERRAFORM_PATH is not set; " +
	"make test builds one into bin/ (make terraform), or install one (go install github.com/hashicorp/terraform@v1.5.7)")

// DetectCLI finds the CLI the tests run, once per test process:
// TF_ACC_TERRAFORM_PATH when set (terraform-plugin-testing reads the same
// variable), else terraform on PATH, else tofu on PATH. It then sets what
// terraform-plugin-testing needs to drive that CLI: the path, and for
// OpenTofu a provider address OpenTofu accepts (the default one uses the
// legacy "-" namespace, which OpenTofu refuses in init).
func DetectCLI() (CLI, error) {
	detected.once.Do(func() { detected.cli, detected.err = detectCLI() })
	return detected.cli, detected.err
}

func detectCLI() (CLI, error) {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		for _, name := range []string{"terraform", "tofu"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		return CLI{}, errNoCLI
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return CLI{}, err
	}
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return CLI{}, fmt.Errorf("running %s version: %w", path, err)
	}
	cli, err := parseVersionOutput(path, string(out))
	if err != nil {
		return CLI{}, err
	}
	setenv := map[string]string{"TF_ACC_TERRAFORM_PATH": path}
	if cli.OpenTofu() {
		for k, v := range map[string]string{"TF_ACC_PROVIDER_HOST": "registry.opentofu.org", "TF_ACC_PROVIDER_NAMESPACE": "hashicorp"} {
			if os.Getenv(k) == "" {
				setenv[k] = v
			}
		}
		// OpenTofu warns of a missing CLI configuration file on stdout,
		// where terraform-plugin-testing reads the version; a missing file
		// configures what an empty one does.
		if rc := os.Getenv("TF_CLI_CONFIG_FILE"); rc != "" {
			if _, err := os.Stat(rc); errors.Is(err, os.ErrNotExist) {
				setenv["TF_CLI_CONFIG_FILE"] = os.DevNull
			}
		}
	}
	for k, v := range setenv {
		if err := os.Setenv(k, v); err != nil {
			return CLI{}, err
		}
	}
	return cli, nil
}

var versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)`)

// parseVersionOutput reads the first line of `<cli> version`: "Terraform
// v1.11.4" or "OpenTofu v1.12.6".
func parseVersionOutput(path, out string) (CLI, error) {
	first, _, _ := strings.Cut(out, "\n")
	m := versionLine.FindStringSubmatch(strings.TrimSpace(first))
	if m == nil {
		return CLI{}, fmt.Errorf("%s version printed %q, neither Terraform's nor OpenTofu's version", path, first)
	}
	v, err := parseCLIVersion(m[2])
	if err != nil {
		return CLI{}, err
	}
	return CLI{Path: path, Product: m[1], Version: v}, nil
}

// cliVersion is a release number; a prerelease (1.13.3-dev) counts as its
// release.
type cliVersion [3]int

func parseCLIVersion(s string) (cliVersion, error) {
	core, _, _ := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	var v cliVersion
	if len(parts) != 3 {
		return v, fmt.Errorf("version %q is not major.minor.patch", s)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return v, fmt.Errorf("version %q is not major.minor.patch", s)
		}
		v[i] = n
	}
	return v, nil
}

func mustVersion(s string) cliVersion {
	v, err := parseCLIVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

func (v cliVersion) String() string { return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]) }

func (v cliVersion) atLeast(min cliVersion) bool { return slices.Compare(v[:], min[:]) >= 0 }

// Feature is a language or protocol feature that only some CLIs have. Each
// CLI gets it at its own version; a zero version means never (yet).
type Feature struct {
	// ID names the feature in ARBOR_REQUIRE_FEATURES.
	ID        string
	Name      string
	Terraform cliVersion
	OpenTofu  cliVersion
	// usedBy matches configuration that uses the feature.
	usedBy *regexp.Regexp
}

var (
	// FeatureEphemeral: ephemeral resources and ephemeral variables.
	FeatureEphemeral = Feature{
		ID: "ephemeral", Name: "ephemeral resources", Terraform: mustVersion("1.10.0"), OpenTofu: mustVersion("1.11.0"),
		usedBy: regexp.MustCompile(`(?m)^\s*ephemeral(\s+"|\s*=\s*true)`),
	}
	// FeatureWriteOnly: write-only arguments (`*_wo`), which also need
	// ephemeral variables to be useful.
	FeatureWriteOnly = Feature{
		ID: "write_only", Name: "write-only arguments", Terraform: mustVersion("1.11.0"), OpenTofu: mustVersion("1.11.0"),
		usedBy: regexp.MustCompile(`(?m)^\s*\w+_wo\s*=`),
	}
	// FeatureIdentity: resource identity and `import { identity = {…} }`.
	FeatureIdentity = Feature{
		ID: "identity", Name: "resource identity", Terraform: mustVersion("1.12.0"), OpenTofu: mustVersion("1.12.0"),
		usedBy: regexp.MustCompile(`(?m)^\s*identity\s*=\s*\{`),
	}
	// FeatureList: list resources, `terraform query` and its .tfquery.hcl
	// files. OpenTofu has none yet.
	FeatureList = Feature{
		ID: "list", Name: "list resources (terraform query)", Terraform: mustVersion("1.14.0"),
		usedBy: regexp.MustCompile(`(?m)^\s*list\s+"`),
	}
	// FeatureAction: actions, `terraform apply -invoke` and action_trigger.
	// OpenTofu has none yet.
	FeatureAction = Feature{
		ID: "action", Name: "actions (terraform apply -invoke)", Terraform: mustVersion("1.14.0"),
		usedBy: regexp.MustCompile(`(?m)^\s*action\s+"`),
	}
	// FeatureTestFiles: `terraform test` and its .tftest.hcl files.
	FeatureTestFiles = Feature{
		ID: "test_files", Name: "terraform test files", Terraform: mustVersion("1.6.0"), OpenTofu: mustVersion("1.6.0"),
		usedBy: regexp.MustCompile(`(?m)^\s*run\s+"`),
	}
)

// FeaturesIn returns the features a configuration uses.
func FeaturesIn(config string) []Feature {
	var used []Feature
	for _, f := range Features {
		if f.usedBy.MatchString(config) {
			used = append(used, f)
		}
	}
	return used
}

// Features are every Feature, for tests of the gates themselves.
var Features = []Feature{FeatureEphemeral, FeatureWriteOnly, FeatureIdentity, FeatureList, FeatureAction, FeatureTestFiles}

func (f Feature) since(cli CLI) cliVersion {
	if cli.OpenTofu() {
		return f.OpenTofu
	}
	return f.Terraform
}

// Supported reports whether the CLI has the feature.
func (f Feature) Supported(cli CLI) bool {
	since := f.since(cli)
	return since != (cliVersion{}) && cli.Version.atLeast(since)
}

// lacking says why cli cannot run a test of f.
func (f Feature) lacking(cli CLI) string {
	need := "Terraform >= " + f.Terraform.String()
	if f.OpenTofu != (cliVersion{}) {
		need += " or OpenTofu >= " + f.OpenTofu.String()
	}
	return fmt.Sprintf("%s: needs %s; this run uses %s", f.Name, need, cli)
}

// required reports whether ARBOR_REQUIRE_FEATURES names the feature: a run
// that must test it fails instead of skipping (make test sets it, so a CI
// run on the wrong CLI cannot pass by skipping).
func (f Feature) required() bool {
	for id := range strings.SplitSeq(os.Getenv("ARBOR_REQUIRE_FEATURES"), ",") {
		if strings.TrimSpace(id) == f.ID {
			return true
		}
	}
	return false
}

// Unsupported returns, for each feature the CLI lacks, why; and an error
// when ARBOR_REQUIRE_FEATURES requires one of them.
func Unsupported(cli CLI, features ...Feature) (reasons []string, err error) {
	var required []string
	for _, f := range features {
		if f.Supported(cli) {
			continue
		}
		reasons = append(reasons, f.lacking(cli))
		if f.required() {
			required = append(required, f.ID)
		}
	}
	if len(required) > 0 {
		err = fmt.Errorf("%s; ARBOR_REQUIRE_FEATURES says this run must test %s: run it with a CLI that has them (TF_ACC_TERRAFORM_PATH)",
			strings.Join(reasons, "; "), strings.Join(required, ", "))
	}
	return reasons, err
}

// Requires is the TerraformVersionChecks of a test that needs features:
// on a CLI without them the test is skipped, saying which feature needs
// which Terraform or OpenTofu, or failed when ARBOR_REQUIRE_FEATURES
// names one. Unlike tfversion.SkipBelow it tells OpenTofu from Terraform.
func Requires(features ...Feature) []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{featureCheck(features)}
}

type featureCheck []Feature

func (fs featureCheck) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	cli, err := DetectCLI()
	if err != nil {
		resp.Error = err
		return
	}
	reasons, err := Unsupported(cli, fs...)
	switch {
	case err != nil:
		resp.Error = err
	case len(reasons) > 0:
		resp.Skip = strings.Join(reasons, "; ")
	}
}

// SkipUnless skips (or, under ARBOR_REQUIRE_FEATURES, fails) a test that
// runs the CLI itself and needs features the CLI lacks.
func SkipUnless(t testing.TB, features ...Feature) {
	t.Helper()
	cli, err := DetectCLI()
	if err != nil {
		t.Skip(err)
	}
	reasons, err := Unsupported(cli, features...)
	if err != nil {
		t.Fatal(err)
	}
	if len(reasons) > 0 {
		t.Skip(strings.Join(reasons, "; "))
	}
}
