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
	res, err := c.ImportConfig(ctx, *env, doc, *prune)
	if err != nil {
		return err
	}
	return printJSON(stdout, res)
}

func promoteCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("promote", stderr)
	t := targetFlags(fs)
	from := fs.String("from", "", "environment whose configuration is copied")
	to := fs.String("to", "", "environment whose configuration is replaced")
	prune := fs.Bool("prune-assignments", false, "remove the role assignments of roles and nodes the promotion removes, instead of refusing")
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
	res, err := c.Promote(ctx, *to, *from, *prune)
	if err != nil {
		return err
	}
	return printJSON(stdout, res)
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
