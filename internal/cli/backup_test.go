package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgcluster"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
)

// The backup guides are tested as written: these tests read the shell
// blocks of a guide's Backups section and run them, with the guide's
// example paths replaced by the test's directories.

// guideBackupBlocks returns the lines of each ```sh block of the Backups
// section of a guide template, comments left out.
func guideBackupBlocks(t *testing.T, guide string) [][]string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", guide))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(text), "\n## Backups\n")
	if !ok {
		t.Fatalf("%s has no Backups section", guide)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks [][]string
	var block []string
	in := false
	for _, line := range strings.Split(section, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "```sh":
			in, block = true, nil
		case trimmed == "```" && in:
			in = false
			blocks = append(blocks, block)
		case in && trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			block = append(block, trimmed)
		}
	}
	return blocks
}

// runShell runs lines with sh -e in dir.
func runShell(t *testing.T, dir string, env []string, lines []string) {
	t.Helper()
	cmd := exec.Command("sh", "-ec", strings.Join(lines, "\n"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the guide's commands:\n%s\n%v\n%s", strings.Join(lines, "\n"), err, out)
	}
}

// request sends a request with the owner token "t" and returns the status
// and body.
func request(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer t")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// seedObjects writes objects of several kinds, a webhook's sealed secret
// and an API key's remembered answer included, and returns the POST that
// made the key, to be replayed after a restore: the replay opens the
// sealed answer, so it proves the key came back with the database.
func seedObjects(t *testing.T, base string) (replay func(base string) (int, string)) {
	t.Helper()
	put := func(path string, body any) {
		t.Helper()
		b, _ := json.Marshal(body)
		if code, out := request(t, "PUT", base+path, string(b)); code != 201 && code != 200 {
			t.Fatalf("PUT %s: %d %s", path, code, out)
		}
	}
	for _, env := range []string{domain.Development, domain.Production} {
		put(api.ObjectRoutes(domain.KindPermission).Put.URL(env, "documents.read"), domain.Permission{Name: "Read documents"})
		put(api.ObjectRoutes(domain.KindRole).Put.URL(env, "reader"), domain.Role{Name: "Reader", Permissions: []string{"documents.read"}})
		put(api.ObjectRoutes(domain.KindChannel).Put.URL(env, "postmark"), domain.Channel{Name: "Postmark", Type: "email", Service: "postmark"})
		put(api.ObjectRoutes(domain.KindWebhook).Put.URL(env, "audit-sink"), domain.Webhook{URL: "https://hooks.example.com/arbor", Events: []string{"role.updated"}})
		put(api.ObjectRoutes(domain.KindTenant).Put.URL(env, "acme"), domain.Tenant{Name: "Acme"})
	}
	welcome := domain.Workflow{Name: "Welcome", Steps: []domain.Step{{Ref: "email", Channel: &domain.ChannelStep{Type: "email", Key: "postmark", Subject: "Hi", Body: "Hello"}}}}
	put(api.ObjectRoutes(domain.KindWorkflow).Put.URL(domain.Development, "welcome"), welcome)
	put(api.ObjectRoutes(domain.KindWorkflow).Put.URL(domain.Production, "welcome"), welcome)
	put(api.ObjectRoutes(domain.KindIdentity).Put.URL("ada"), domain.Identity{Name: "Ada", Email: "ada@example.com"})
	replay = func(base string) (int, string) {
		return request(t, "POST", base+api.CreateAPIKey.URL(domain.Production), `{"name":"ci","scope":"read_only"}`, "Idempotency-Key", "backup-test")
	}
	if code, out := replay(base); code != 201 {
		t.Fatalf("creating an API key: %d %s", code, out)
	}
	return replay
}

// answers reads every object of every kind in every environment but
// skip, each by its own route, and the listings: what a restored backend
// must answer again.
func answers(t *testing.T, base string, skip string) map[string]string {
	t.Helper()
	out := map[string]string{}
	get := func(path string) string {
		t.Helper()
		code, body := request(t, "GET", base+path, "")
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		out[path] = body
		return body
	}
	var envs domain.Page[domain.Environment]
	if err := json.Unmarshal([]byte(get(api.ListEnvironments.URL())), &envs); err != nil {
		t.Fatal(err)
	}
	for _, kind := range domain.Kinds {
		scopes := []string{""}
		if !kind.Account {
			scopes = nil
			for _, e := range envs.Items {
				if e.Slug != skip {
					scopes = append(scopes, e.Slug)
				}
			}
		}
		for _, env := range scopes {
			list := api.ObjectRoutes(kind).List.URL(env)
			if kind.Account {
				list = api.ObjectRoutes(kind).List.URL()
			}
			var page struct {
				Items []struct {
					Key string `json:"key"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			if err := json.Unmarshal([]byte(get(list+"?limit=1000")), &page); err != nil {
				t.Fatal(err)
			}
			if page.NextCursor != "" {
				t.Fatalf("%s: more than one page", list)
			}
			for _, item := range page.Items {
				if kind == domain.KindRoleAssignment {
					continue // listed; its key is three path segments
				}
				if kind.Account {
					get(api.ObjectRoutes(kind).Get.URL(item.Key))
				} else {
					get(api.ObjectRoutes(kind).Get.URL(env, item.Key))
				}
			}
		}
		if !kind.Account {
			for _, env := range scopes {
				get(api.ListAPIKeys.URL(env))
			}
		}
	}
	get(api.GetSettings.URL())
	return out
}

// writer puts permissions w-00000, w-00001, … into env one after the
// other until stopped, and counts those acknowledged.
type writer struct {
	acked atomic.Int64
	stop  chan struct{}
	done  sync.WaitGroup
}

func startWriter(t *testing.T, bases []string, env string) *writer {
	w := &writer{stop: make(chan struct{})}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		for i := 0; ; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			path := api.ObjectRoutes(domain.KindPermission).Put.URL(env, fmt.Sprintf("w-%05d", i))
			req, _ := http.NewRequest("PUT", bases[i%len(bases)]+path, strings.NewReader(`{"name":"Written during the backup"}`))
			req.Header.Set("Authorization", "Bearer t")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("writing %s: %v", path, err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 201 {
				t.Errorf("writing %s: %d", path, resp.StatusCode)
				return
			}
			w.acked.Add(1)
		}
	}()
	return w
}

func (w *writer) halt() int64 {
	close(w.stop)
	w.done.Wait()
	return w.acked.Load()
}

// waitForWrites waits until the writer has n more writes acknowledged.
func (w *writer) waitForWrites(t *testing.T, n int64) {
	t.Helper()
	target := w.acked.Load() + n
	deadline := time.Now().Add(30 * time.Second)
	for w.acked.Load() < target {
		if time.Now().After(deadline) {
			t.Fatalf("the writer made %d writes in 30s", w.acked.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkWrittenPrefix checks that the restored environment holds exactly
// the writer's first n permissions for some n between least and most,
// each readable: a snapshot of one moment, with no write half there.
func checkWrittenPrefix(t *testing.T, base, env string, least, most int64) {
	t.Helper()
	code, body := request(t, "GET", base+api.ObjectRoutes(domain.KindPermission).List.URL(env)+"?limit=1000", "")
	if code != 200 {
		t.Fatalf("listing the writes: %d %s", code, body)
	}
	var page domain.Page[domain.Permission]
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	n := int64(len(page.Items))
	if n < least || n > most {
		t.Errorf("the restored backup holds %d of the writes made during it; want between %d (acknowledged before it began) and %d", n, least, most)
	}
	for i, p := range page.Items {
		if want := fmt.Sprintf("w-%05d", i); p.Key != want {
			t.Fatalf("the restored writes skip: item %d is %s, want %s", i, p.Key, want)
		}
		if code, body := request(t, "GET", base+api.ObjectRoutes(domain.KindPermission).Get.URL(env, p.Key), ""); code != 200 {
			t.Errorf("reading %s: %d %s", p.Key, code, body)
		}
	}
}

func sameAnswers(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for _, path := range slices.Sorted(maps.Keys(want)) {
		if got[path] != want[path] {
			t.Errorf("%s: GET %s answers\n%s\nwant\n%s", what, path, got[path], want[path])
		}
	}
	for path := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("%s: GET %s answers what was not there: %s", what, path, got[path])
		}
	}
}

// TestSQLiteBackupGuide takes a backup with the guide's command while a
// client writes, kills the server (leaving its write-ahead log), restores
// with the guide's commands, and checks that the copy passes SQLite's
// integrity check and serves every object it held, its sealed secrets
// included.
func TestSQLiteBackupGuide(t *testing.T) {
	blocks := guideBackupBlocks(t, "running-the-backend.md.tmpl")
	if len(blocks) != 2 {
		t.Fatalf("the SQLite guide's Backups section has %d shell blocks, want 2 (backup, restore): %q", len(blocks), blocks)
	}
	dir := t.TempDir()
	live, backups := filepath.Join(dir, "var-lib-arbor"), filepath.Join(dir, "backups")
	for _, d := range []string{live, backups} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(live, "arbor.db")
	srv := startServe(t, db, "ARBOR_BOOTSTRAP_TOKEN=t", "ARBOR_ENCRYPTION_KEY=")
	replay := seedObjects(t, srv.url)
	const writes = "writes"
	if code, out := request(t, "POST", srv.url+api.CreateEnvironment.URL(), `{"slug":"writes","name":"Writes"}`); code != 201 {
		t.Fatalf("%d %s", code, out)
	}
	before := answers(t, srv.url, writes)
	_, firstAnswer := replay(srv.url)

	localize := func(line string) string {
		line = strings.ReplaceAll(line, "/var/lib/arbor/", live+"/")
		line = strings.ReplaceAll(line, "/backups/", backups+"/")
		return strings.ReplaceAll(line, "terraform-provider-arbor ", binary+" ")
	}
	w := startWriter(t, []string{srv.url}, writes)
	w.waitForWrites(t, 20)
	least := w.acked.Load()
	var backup []string
	for _, line := range blocks[0] {
		backup = append(backup, localize(line))
	}
	runShell(t, dir, []string{"ARBOR_ENCRYPTION_KEY="}, backup)
	w.waitForWrites(t, 20)
	most := w.halt()

	// Killed, the server leaves its write-ahead log behind.
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.cmd.Wait()
	copies, _ := filepath.Glob(filepath.Join(backups, "arbor-*.db"))
	if len(copies) != 1 {
		t.Fatalf("the backup command made %v, want one arbor-<date>.db", copies)
	}
	var restore []string
	for _, line := range blocks[1] {
		restore = append(restore, strings.ReplaceAll(localize(line), "arbor-2026-12-01.db", filepath.Base(copies[0])))
	}
	runShell(t, dir, nil, restore)

	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	verdict, err := st.IntegrityCheck(context.Background())
	st.Close()
	if err != nil || verdict != "ok" {
		t.Fatalf("the restored database's integrity check: %q, %v", verdict, err)
	}

	restored := startServe(t, db, "ARBOR_ENCRYPTION_KEY=")
	sameAnswers(t, "the restored backup", before, answers(t, restored.url, writes))
	checkWrittenPrefix(t, restored.url, writes, least, most)
	if code, again := replay(restored.url); code != 201 || again != firstAnswer {
		t.Errorf("the API key's remembered answer after the restore: %d %s, want the first answer (sealed with the restored key)", code, again)
	}
}

// TestPostgreSQLBackupGuide dumps a database with the guide's pg_dump
// while two replicas write to it, changes it afterwards, stops the
// replicas, restores with the guide's pg_restore and starts them again:
// both answer for every object as before the dump, hold a consistent
// prefix of the writes made during it, and open its sealed secrets.
func TestPostgreSQLBackupGuide(t *testing.T) {
	blocks := guideBackupBlocks(t, "running-for-a-team.md.tmpl")
	if len(blocks) != 2 {
		t.Fatalf("the PostgreSQL guide's Backups section has %d shell blocks, want 2 (pg_dump, pg_restore): %q", len(blocks), blocks)
	}
	url := pgtest.NewDatabase(t)
	bin, err := pgcluster.ServerBinaries()
	if err != nil {
		t.Skipf("pg_dump and pg_restore are needed: %v", err)
	}
	dir := t.TempDir()
	env := []string{"ARBOR_DATABASE=" + url, "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
	const key = "ARBOR_ENCRYPTION_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	replicas := []*server{startServe(t, url, "ARBOR_BOOTSTRAP_TOKEN=t", key), startServe(t, url, key)}
	replay := seedObjects(t, replicas[0].url)
	const writes = "writes"
	if code, out := request(t, "POST", replicas[1].url+api.CreateEnvironment.URL(), `{"slug":"writes","name":"Writes"}`); code != 201 {
		t.Fatalf("%d %s", code, out)
	}
	before := answers(t, replicas[0].url, writes)
	_, firstAnswer := replay(replicas[1].url)

	w := startWriter(t, []string{replicas[0].url, replicas[1].url}, writes)
	w.waitForWrites(t, 20)
	least := w.acked.Load()
	runShell(t, dir, env, blocks[0])
	w.waitForWrites(t, 20)
	most := w.halt()

	// Changes after the dump, which the restore undoes.
	if code, out := request(t, "DELETE", replicas[0].url+api.ObjectRoutes(domain.KindTenant).Delete.URL(domain.Development, "acme"), ""); code != 204 {
		t.Fatalf("%d %s", code, out)
	}
	if code, out := request(t, "PUT", replicas[1].url+api.ObjectRoutes(domain.KindPermission).Put.URL(domain.Production, "documents.read"), `{"name":"Changed after the dump"}`); code != 200 {
		t.Fatalf("%d %s", code, out)
	}

	for _, r := range replicas {
		if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		_ = r.cmd.Wait()
	}
	dumps, _ := filepath.Glob(filepath.Join(dir, "arbor-*.dump"))
	if len(dumps) != 1 {
		t.Fatalf("pg_dump made %v, want one arbor-<date>.dump", dumps)
	}
	var restore []string
	for _, line := range blocks[1] {
		restore = append(restore, strings.ReplaceAll(line, "arbor-2026-12-01.dump", filepath.Base(dumps[0])))
	}
	runShell(t, dir, env, restore)

	replicas = []*server{startServe(t, url, key), startServe(t, url, key)}
	for i, r := range replicas {
		sameAnswers(t, fmt.Sprintf("replica %d after the restore", i+1), before, answers(t, r.url, writes))
	}
	checkWrittenPrefix(t, replicas[1].url, writes, least, most)
	if code, again := replay(replicas[0].url); code != 201 || again != firstAnswer {
		t.Errorf("the API key's remembered answer after the restore: %d %s, want the first answer", code, again)
	}
}
