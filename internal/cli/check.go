package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func init() {
	register("check", "ask an environment's configuration a question, changing nothing (check access|preview)", checkCommand)
}

func checkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action, args, err := subcommand(args, stderr, "check", "access", "preview")
	if err != nil {
		return err
	}
	if action == "access" {
		return checkAccessCommand(ctx, args, stdout, stderr)
	}
	return checkPreviewCommand(ctx, args, stdout, stderr)
}

// checkAccessCommand prints the answer to one access question and fails
// when it is "not allowed", so a shell step stops when a role stops
// granting; with --file it answers a batch and prints every answer.
func checkAccessCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check access", stderr)
	t := targetFlags(fs)
	env := fs.String("environment", domain.Development, "environment to check in")
	identity := fs.String("identity", "", "key of the identity")
	permission := fs.String("permission", "", "key of the permission")
	node := fs.String("node", "", "key of the hierarchy node")
	file := fs.String("file", "", `batch of checks, {"checks": [{"identity_key", "permission", "node_key"}, …]}; - for stdin`)
	if err := parse(fs, args); err != nil {
		return err
	}
	complete := *identity != "" && *permission != "" && *node != ""
	if complete == (*file != "") {
		fmt.Fprintln(stderr, "check access needs --identity, --permission and --node, or --file")
		return errUsage
	}
	var batch domain.AccessCheckBatch
	if *file != "" {
		raw, err := readInput(*file)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &batch); err != nil {
			return fmt.Errorf("reading %s: %w (want {\"checks\": [{\"identity_key\": …, \"permission\": …, \"node_key\": …}]})", *file, err)
		}
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	if *file != "" {
		answers, err := c.CheckAccessBatch(ctx, *env, batch.Checks)
		if err != nil {
			return err
		}
		return printJSON(stdout, domain.AccessCheckBatchResult{Results: answers})
	}
	ans, err := c.CheckAccess(ctx, *env, domain.AccessQuestion{IdentityKey: *identity, Permission: *permission, NodeKey: *node})
	if err != nil {
		return err
	}
	if err := printJSON(stdout, ans); err != nil {
		return err
	}
	if !ans.Allowed {
		return fmt.Errorf("%s does not hold %s at %s in %s (no assignment on %s grants it)", *identity, *permission, *node, *env, strings.Join(ans.Path, " → "))
	}
	return nil
}

// checkPreviewCommand prints what a workflow would do and fails when one
// of its templates does not render.
func checkPreviewCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check preview", stderr)
	t := targetFlags(fs)
	env := fs.String("environment", domain.Development, "environment to preview in")
	workflow := fs.String("workflow", "", "key of the workflow")
	tenant := fs.String("tenant", "", "key of the tenant (one that does not exist previews as empty)")
	recipient := fs.String("recipient", "", "the recipient as a JSON object, or @file")
	data := fs.String("data", "", "the trigger's data as a JSON object, or @file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workflow == "" {
		fmt.Fprintln(stderr, "check preview needs --workflow")
		return errUsage
	}
	req := domain.PreviewRequest{Tenant: *tenant}
	for _, in := range []struct {
		flag, value string
		into        *domain.JSONObject
	}{{"--recipient", *recipient, &req.Recipient}, {"--data", *data, &req.Data}} {
		if in.value == "" {
			continue
		}
		raw := []byte(in.value)
		if name, ok := strings.CutPrefix(in.value, "@"); ok {
			var err error
			if raw, err = readInput(name); err != nil {
				return err
			}
		}
		if !json.Valid(raw) {
			return fmt.Errorf("%s is not JSON: pass a JSON object, or @file", in.flag)
		}
		*in.into = domain.JSONObject(raw)
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	p, err := c.PreviewWorkflow(ctx, *env, *workflow, req)
	if err != nil {
		return err
	}
	if err := printJSON(stdout, p); err != nil {
		return err
	}
	var failed []string
	for _, s := range p.Steps {
		for _, name := range slices.Sorted(maps.Keys(s.Errors)) {
			failed = append(failed, fmt.Sprintf("step %s: %s: %s", s.Ref, name, s.Errors[name]))
		}
	}
	if len(failed) > 0 {
		return errors.New("templates that do not render:\n  " + strings.Join(failed, "\n  "))
	}
	return nil
}

// readInput reads a file, or stdin for "-".
func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}
