package acctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var built struct {
	once sync.Once
	dir  string
	err  error
}

// ProviderBinary builds terraform-provider-arbor from this checkout once per
// test process and returns its path. RemoveProviderBinary deletes it.
func ProviderBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "arbor-provider-") //nolint:usetesting // shared by every test of the process, so it outlives the test that builds it; RemoveProviderBinary deletes it
		if built.err != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(built.dir, "terraform-provider-arbor"), "github.com/arborhq/terraform-provider-arbor").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return filepath.Join(built.dir, "terraform-provider-arbor")
}

// RemoveProviderBinary deletes what ProviderBinary built; call it from
// TestMain after the tests ran.
func RemoveProviderBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// Workspace is a Terraform working directory that uses the provider built
// from this checkout through a dev_overrides CLI configuration, as one
// workspace of a GitOps pipeline would. The CLI (DetectCLI: Terraform or
// OpenTofu) runs as a real process.
type Workspace struct {
	t   testing.TB
	CLI CLI
	Dir string
	env []string
}

// NewWorkspace makes a workspace in dir (created if missing). It skips the
// test where no CLI can run.
func NewWorkspace(t testing.TB, dir string) *Workspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	cli, err := DetectCLI()
	if err != nil {
		t.Skip(err)
	}
	binary := ProviderBinary(t)
	rc := filepath.Join(t.TempDir(), "dev.tfrc")
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"arborhq/arbor\" = %q\n  }\n  direct {}\n}\n", filepath.Dir(binary))
	if err := os.WriteFile(rc, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &Workspace{t: t, CLI: cli, Dir: dir, env: []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0"}}
}

// Write writes a file of the workspace.
func (w *Workspace) Write(name, content string) {
	w.t.Helper()
	path := filepath.Join(w.Dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// Command is the CLI with args, ready to run in the workspace, for a test
// that watches or signals the process.
func (w *Workspace) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(w.CLI.Path, append(args, "-no-color")...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), w.env...)
	return cmd
}

// Terraform runs the CLI in the workspace and returns its combined output
// and exit code.
func (w *Workspace) Terraform(args ...string) (string, int) {
	w.t.Helper()
	out, err := w.Command(args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	w.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	return "", -1
}

// InstallModules runs terraform get. (terraform init is not needed with
// dev_overrides, and would look the provider up in the registry.)
func (w *Workspace) InstallModules() {
	w.t.Helper()
	if out, code := w.Terraform("get"); code != 0 {
		w.t.Fatalf("terraform get in %s failed:\n%s", filepath.Base(w.Dir), out)
	}
}

// Apply applies the configuration and fails the test if that fails.
func (w *Workspace) Apply() string {
	w.t.Helper()
	out, code := w.Terraform("apply", "-auto-approve")
	if code != 0 {
		w.t.Fatalf("terraform apply in %s failed:\n%s", filepath.Base(w.Dir), out)
	}
	return out
}

// Plan runs terraform plan -detailed-exitcode: 0 empty, 1 error, 2 changes.
func (w *Workspace) Plan() (string, int) {
	w.t.Helper()
	return w.Terraform("plan", "-detailed-exitcode")
}

// PlanEmpty fails the test unless the plan has nothing to do.
func (w *Workspace) PlanEmpty() {
	w.t.Helper()
	if out, code := w.Plan(); code != 0 {
		w.t.Fatalf("the plan in %s is not empty (exit %d):\n%s", filepath.Base(w.Dir), code, out)
	}
}

// PlanChanges fails the test unless the plan succeeds with changes, and
// returns it.
func (w *Workspace) PlanChanges() string {
	w.t.Helper()
	out, code := w.Plan()
	if code != 2 {
		w.t.Fatalf("expected changes from the plan in %s (exit %d):\n%s", filepath.Base(w.Dir), code, out)
	}
	return out
}

// PlanFails fails the test unless the plan fails with an error matching
// want, and returns the output.
func (w *Workspace) PlanFails(want *regexp.Regexp) string {
	w.t.Helper()
	out, code := w.Plan()
	if code != 1 || !want.MatchString(out) {
		w.t.Fatalf("expected the plan in %s to fail with %q (exit %d):\n%s", filepath.Base(w.Dir), want, code, out)
	}
	return out
}
