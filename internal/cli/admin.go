package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

func init() {
	register("token", "create, list or revoke account tokens (token create|list|revoke)", tokenCommand)
	register("key", "create, list or revoke environment API keys (key create|list|revoke)", keyCommand)
	register("backup", "copy a SQLite database file consistently, even while a server uses it (PostgreSQL: pg_dump)", backupCommand)
}

// target is where an operator verb acts: a running server, or a database
// file opened in-process with owner rights.
type target struct {
	endpoint, token, database, caFile *string
}

func targetFlags(fs *flag.FlagSet) target {
	return target{
		endpoint: fs.String("endpoint", os.Getenv("ARBOR_ENDPOINT"), "URL of a running backend (ARBOR_ENDPOINT); unset: act on --database directly"),
		caFile:   fs.String("ca-file", os.Getenv("ARBOR_CA_FILE"), "PEM bundle of the CA that signed --endpoint's HTTPS certificate, trusted instead of the system's (ARBOR_CA_FILE)"),
		token:    fs.String("token", os.Getenv("ARBOR_API_KEY"), "account token for --endpoint (ARBOR_API_KEY)"),
		database: fs.String("database", envOr("ARBOR_DATABASE", "arbor.db"), "database file or postgres:// URL, when no --endpoint (ARBOR_DATABASE)"),
	}
}

// connect returns a client for the target and a function releasing it.
func (t target) connect(ctx context.Context) (*client.Client, func(), error) {
	if *t.endpoint != "" {
		c, err := t.remoteClient()
		return c, func() {}, err
	}
	st, err := database.OpenExisting(ctx, *t.database)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (pass --database, or --endpoint for a server)", err)
	}
	sealer, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	c, err := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: srv.Transport(), UserAgent: "terraform-provider-arbor-cli"})
	return c, func() { st.Close() }, err
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// subcommand dispatches "<verb> <action> [flags]".
func subcommand(args []string, stderr io.Writer, verb string, actions ...string) (string, []string, error) {
	if len(args) > 0 {
		for _, a := range actions {
			if args[0] == a {
				return a, args[1:], nil
			}
		}
	}
	fmt.Fprintf(stderr, "usage: terraform-provider-arbor %s %v [flags]\n", verb, actions)
	return "", nil, errUsage
}

func tokenCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action, args, err := subcommand(args, stderr, "token", "create", "list", "revoke")
	if err != nil {
		return err
	}
	fs := newFlags("token "+action, stderr)
	t := targetFlags(fs)
	name := fs.String("name", "", "what the token is for (create)")
	role := fs.String("role", string(domain.RoleAdmin), "role: owner, admin, member, production_member or viewer (create)")
	id := fs.String("id", "", "token id (revoke)")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	switch action {
	case "create":
		tok, err := c.CreateToken(ctx, domain.TokenInput{Name: *name, Role: domain.OperatorRole(*role)})
		if err != nil {
			return err
		}
		return printJSON(stdout, tok)
	case "list":
		toks, err := c.Tokens(ctx)
		if err != nil {
			return err
		}
		return printJSON(stdout, toks)
	default:
		return c.DeleteToken(ctx, *id)
	}
}

func keyCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action, args, err := subcommand(args, stderr, "key", "create", "list", "revoke")
	if err != nil {
		return err
	}
	fs := newFlags("key "+action, stderr)
	t := targetFlags(fs)
	env := fs.String("environment", domain.Development, "environment of the key")
	name := fs.String("name", "", "what the key is for (create)")
	scope := fs.String("scope", string(domain.ScopeReadWrite), "read_write or read_only (create)")
	id := fs.String("id", "", "key id (revoke)")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, release, err := t.connect(ctx)
	if err != nil {
		return err
	}
	defer release()
	switch action {
	case "create":
		k, err := c.CreateAPIKey(ctx, *env, domain.APIKeyInput{Name: *name, Scope: domain.Scope(*scope)})
		if err != nil {
			return err
		}
		return printJSON(stdout, k)
	case "list":
		keys, err := c.APIKeys(ctx, *env)
		if err != nil {
			return err
		}
		return printJSON(stdout, keys)
	default:
		return c.DeleteAPIKey(ctx, *env, *id, client.Cond{})
	}
}

func backupCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	databaseFlag := fs.String("database", envOr("ARBOR_DATABASE", "arbor.db"), "database file to copy (ARBOR_DATABASE); a PostgreSQL database is backed up with pg_dump")
	out := fs.String("out", "", "file to write; must not exist")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "backup needs --out")
		return errUsage
	}
	st, err := database.OpenExisting(ctx, *databaseFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return fmt.Errorf("backing up %s: %w", st.Location, err)
	}
	if os.Getenv(backend.KeyEnv) != "" {
		fmt.Fprintf(stdout, "Wrote %s. Its secrets are sealed with the key in %s: restore it with that key.\n", *out, backend.KeyEnv)
		return nil
	}
	// The database holds a check value sealed with its key, and refuses
	// any other: a copy is of use only with its key file.
	key, err := os.ReadFile(st.KeyFile)
	if err != nil {
		return fmt.Errorf("reading the encryption key file to copy beside the backup: %w", err)
	}
	f, err := os.OpenFile(*out+".key", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing the backup's key file: %w", err)
	}
	_, werr := f.Write(key)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("writing the backup's key file: %w", err)
	}
	fmt.Fprintf(stdout, "Wrote %s and its encryption key %s.key (it opens the webhook secrets: store it as carefully as the database).\n", *out, *out)
	return nil
}
