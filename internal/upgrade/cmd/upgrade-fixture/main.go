// Command upgrade-fixture writes the fixtures of the previous release
// (upgrade.Previous) into internal/upgrade/testdata/<tag>/: it builds the
// release from this repository's history, runs it on a new SQLite file and
// on a new PostgreSQL database, lets it write one object of every kind it
// serves, reads everything back through it, and saves each database (the
// release's own backup of the SQLite file; pg_dump of the PostgreSQL one)
// with what it answered. Run it from the repository with
// `make upgrade-fixture` when a release is tagged.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/store/pgcluster"
	"github.com/arborhq/terraform-provider-arbor/internal/upgrade"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "upgrade-fixture:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return fmt.Errorf("run from the repository: %w", err)
	}
	repo := strings.TrimSpace(string(top))
	release := upgrade.Previous
	out := filepath.Join(repo, "internal", "upgrade", release.Dir())
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "upgrade-fixture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)

	binary := filepath.Join(scratch, "terraform-provider-arbor-"+release.Tag)
	fmt.Printf("building %s (%s)\n", release.Tag, release.Commit)
	if err := release.Build(ctx, repo, binary); err != nil {
		return err
	}

	fmt.Println("writing the SQLite fixture")
	db := filepath.Join(scratch, "arbor.db")
	if err := write(ctx, binary, db, filepath.Join(out, upgrade.SQLiteRecord)); err != nil {
		return err
	}
	backup := exec.Command(binary, "backup", "--database", db, "--out", filepath.Join(out, upgrade.SQLiteDatabase))
	backup.Env = append(os.Environ(), "ARBOR_ENCRYPTION_KEY="+upgrade.FixtureEncryptionKey)
	os.Remove(filepath.Join(out, upgrade.SQLiteDatabase))
	if b, err := backup.CombinedOutput(); err != nil {
		return fmt.Errorf("backing up the SQLite fixture: %v: %s", err, b)
	}

	fmt.Println("writing the PostgreSQL fixture")
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{DirPattern: "upgrade-fixture-pg-", Settings: []string{"fsync=off"}})
	if err != nil {
		return err
	}
	defer cluster.Stop("fast") //nolint:errcheck // a scratch cluster
	if b, err := exec.Command(filepath.Join(cluster.Bin, "createdb"), "-h", "127.0.0.1", "-p", fmt.Sprint(cluster.Port), "-U", "postgres", "arbor").CombinedOutput(); err != nil {
		return fmt.Errorf("createdb: %v: %s", err, b)
	}
	url := cluster.URL("arbor")
	if err := write(ctx, binary, url, filepath.Join(out, upgrade.PostgresRecord)); err != nil {
		return err
	}
	dump, err := exec.Command(filepath.Join(cluster.Bin, "pg_dump"), "--inserts", "--no-owner", "--no-privileges", url).Output()
	if err != nil {
		return fmt.Errorf("pg_dump: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, upgrade.PostgresDump), dump, 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	return nil
}

// write runs the release on database, populates it, and records what the
// release answered.
func write(ctx context.Context, binary, database, record string) error {
	srv, err := upgrade.Serve(ctx, binary, database)
	if err != nil {
		return err
	}
	defer srv.Stop()
	creds, err := upgrade.Populate(ctx, srv.API())
	if err != nil {
		return err
	}
	snap, err := upgrade.TakeSnapshot(ctx, srv.API())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(upgrade.Record{Release: upgrade.Previous, Credentials: creds, Snapshot: snap}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(record, append(b, '\n'), 0o644)
}
