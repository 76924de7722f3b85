package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// examplesDir is the repository's examples/ directory.
func examplesDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples")
}

// Every example (the docs' snippets, the quickstart, the GitOps roots and
// module) is valid Terraform for the provider built from this checkout.
func TestExamplesValidate(t *testing.T) {
	root := examplesDir()
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tfquery.hcl")) {
			return err
		}
		if dir := filepath.Dir(path); len(dirs) == 0 || dirs[len(dirs)-1] != dir {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 30 {
		t.Fatalf("found only %d example directories under %s", len(dirs), root)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			// Copy the whole examples tree, so relative module sources resolve.
			copyRoot := filepath.Join(t.TempDir(), "examples")
			if err := os.CopyFS(copyRoot, os.DirFS(root)); err != nil {
				t.Fatal(err)
			}
			w := acctest.NewWorkspace(t, filepath.Join(copyRoot, rel))
			dropUnsupported(t, w)
			if !declaresProvider(t, w.Dir) {
				// Snippets leave the provider's source to the page around them.
				w.Write("versions_test.tf", "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n")
			}
			w.InstallModules()
			args := []string{"validate"}
			if queries, _ := filepath.Glob(filepath.Join(w.Dir, "*.tfquery.hcl")); len(queries) > 0 {
				// List blocks (Terraform 1.14+) are validated on request.
				args = append(args, "-query")
			}
			if out, code := w.Terraform(args...); code != 0 {
				t.Fatalf("terraform %s:\n%s", strings.Join(args, " "), out)
			}
		})
	}
}

// dropUnsupported removes from the workspace the files that use a feature
// its CLI lacks (ephemeral resources on Terraform 1.5, an import block by
// identity before 1.12, list blocks and actions before 1.14), and skips the test, saying why, when no file is
// left to validate.
func dropUnsupported(t *testing.T, w *acctest.Workspace) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(w.Dir, "*.tf"))
	queries, _ := filepath.Glob(filepath.Join(w.Dir, "*.tfquery.hcl"))
	files = append(files, queries...)
	var dropped []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		reasons, err := acctest.Unsupported(w.CLI, acctest.FeaturesIn(string(b))...)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if len(reasons) == 0 {
			continue
		}
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
		dropped = append(dropped, fmt.Sprintf("%s not validated: %s", filepath.Base(f), strings.Join(reasons, "; ")))
	}
	if len(dropped) == len(files) && len(files) > 0 {
		t.Skip(strings.Join(dropped, "\n"))
	}
	for _, d := range dropped {
		t.Log(d)
	}
}

func declaresProvider(t *testing.T, dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "required_providers") {
			return true
		}
	}
	return false
}
