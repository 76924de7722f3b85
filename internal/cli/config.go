package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func init() {
	register("export", "write an environment's configuration document (to <env>-config-YYYY-MM-DD.json, or --out)", exportCommand)
	register("import", "replace an environment's configuration with a document, atomically", importCommand)
	register("promote", "copy one environment's configuration into another, atomically", promoteCommand)
}

func exportCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	t := targetFlags(fs)
	env := fs.String("environment", domain.Development, "environment to export")
	out := fs.String("out", "", "file to write; - for stdout (default <environment>-config-YYYY-MM-DD.json)")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	doc, name, err := c.ExportConfig(ctx, *env)
	if err != nil {
		return err
	}
	switch *out {
	case "-":
		_, err = stdout.Write(doc)
		return err
	case "":
		*out = name
		if *out == "" {
			*out = backend.ExportFileName(*env, time.Now())
		}
	}
	if err := os.WriteFile(*out, doc, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Wrote the configuration of %s to %s.\n", *env, *out)
	return nil
}

func importCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	t := targetFlags(fs)
	env := fs.String("environment", "", "environment whose configuration is replaced")
	file := fs.String("file", "", "configuration document to import; - for stdin")
	prune := fs.Bool("prune-assignments", false, "remove the role assignments of roles and nodes the document removes, instead of refusing")
	dryRun := fs.Bool("dry-run", false, "change nothing: print the configuration diff per kind and the access impact, with the version reviewed")
	ifMatch := fs.String("if-match", "", "version of the environment's configuration the import was reviewed against (from --dry-run or the export); refused if it changed since")
	impactVersion := fs.String("impact-version", "", "version of the access impact the import was reviewed with (from --dry-run); refused if what it does to people changed since")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *env == "" || *file == "" {
		fmt.Fprintln(stderr, "import needs --environment and --file")
		return errUsage
	}
	var doc []byte
	var err error
	if *file == "-" {
		doc, err = io.ReadAll(os.Stdin)
	} else {
		doc, err = os.ReadFile(*file)
	}
	if err != nil {
		return err
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	res, err := c.ImportConfig(ctx, *env, doc, client.ImportOptions{PruneAssignments: *prune, DryRun: *dryRun, IfMatch: *ifMatch, ImpactVersion: *impactVersion})
	if err != nil {
		return err
	}
	confirm := fmt.Sprintf("terraform-provider-arbor import --environment %s --file %s", *env, *file)
	if *prune {
		confirm += " --prune-assignments"
	}
	printImportSummary(stderr, res, confirm)
	return printJSON(stdout, res)
}

func promoteCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("promote", stderr)
	t := targetFlags(fs)
	from := fs.String("from", "", "environment whose configuration is copied")
	to := fs.String("to", "", "environment whose configuration is replaced")
	prune := fs.Bool("prune-assignments", false, "remove the role assignments of roles and nodes the promotion removes, instead of refusing")
	dryRun := fs.Bool("dry-run", false, "change nothing: print the configuration diff per kind and the access impact, with the version reviewed")
	ifMatch := fs.String("if-match", "", "version of the target's configuration the promotion was reviewed against (from --dry-run or the target's export); refused if it changed since")
	impactVersion := fs.String("impact-version", "", "version of the access impact the promotion was reviewed with (from --dry-run); refused if what it does to people changed since")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "promote needs --from and --to")
		return errUsage
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	res, err := c.Promote(ctx, *to, *from, client.ImportOptions{PruneAssignments: *prune, DryRun: *dryRun, IfMatch: *ifMatch, ImpactVersion: *impactVersion})
	if err != nil {
		return err
	}
	confirm := fmt.Sprintf("terraform-provider-arbor promote --from %s --to %s", *from, *to)
	if *prune {
		confirm += " --prune-assignments"
	}
	printImportSummary(stderr, res, confirm)
	return printJSON(stdout, res)
}

// summaryLines bounds the places an import's summary names.
const summaryLines = 20

// printImportSummary says, for a person, what an import or promotion did
// (or, in a dry run, would do): the configuration diff per kind and the
// access impact. The JSON on stdout says the same for a program. confirm
// is the command that applies what a dry run reviewed.
func printImportSummary(w io.Writer, res domain.ImportResult, confirm string) {
	verb := "Changed"
	if res.DryRun {
		verb = "Would change"
	}
	fmt.Fprintf(w, "%s in the configuration of %s (from %s):\n", verb, res.Environment, res.SourceEnvironment)
	changed := false
	for _, section := range domain.ConfigSections {
		d, ok := res.Diff[section.Name]
		if !ok {
			continue
		}
		for _, change := range []struct {
			what string
			keys []string
		}{{"created", d.Created}, {"updated", d.Updated}, {"deleted", d.Deleted}} {
			if len(change.keys) > 0 {
				changed = true
				fmt.Fprintf(w, "  %s %s: %s\n", section.Name, change.what, domain.ListShort(change.keys))
			}
		}
	}
	if !changed {
		fmt.Fprintln(w, "  nothing")
	}
	if res.PrunedRoleAssignments > 0 {
		fmt.Fprintf(w, "  role assignments pruned: %d\n", res.PrunedRoleAssignments)
	}
	fmt.Fprintf(w, "Access in %s:\n", res.Environment)
	if res.AccessImpact == nil || res.AccessImpact.Empty() {
		fmt.Fprintln(w, "  no change to anyone's access")
	} else {
		fmt.Fprintf(w, "  %s\n", res.AccessImpact.Totals.Counts())
		for _, line := range res.AccessImpact.Summary(summaryLines, true) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if res.DryRun {
		fmt.Fprintf(w, "Nothing was changed (dry run, reviewed at configuration version %s). To apply exactly this:\n  %s --if-match %s --impact-version %s\n", res.ConfigVersion, confirm, res.ConfigVersion, res.ImpactVersion)
	}
}

// remoteClient is a client of --endpoint that trusts --ca-file when given.
func (t target) remoteClient() (*client.Client, error) {
	cfg := client.Config{Endpoint: *t.endpoint, Token: *t.token, UserAgent: "terraform-provider-arbor-cli"}
	if *t.caFile != "" {
		roots, err := client.LoadCAFile(*t.caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		cfg.RootCAs = roots
	}
	return client.New(cfg)
}
