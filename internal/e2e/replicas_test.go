package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

// replica is one `terraform-provider-arbor serve` process on the shared
// PostgreSQL database, on a port the OS chose.
type replica struct {
	name   string
	url    string
	cmd    *exec.Cmd
	client *client.Client
}

// listeningLine is what serve prints once it accepts requests.
var listeningLine = regexp.MustCompile(`Arbor backend listening on (http://\S+)`)

// replicaEnv is a replica's environment: the bootstrap token and the
// encryption key every replica of one database shares.
func replicaEnv(key string) []string {
	return append(os.Environ(), "ARBOR_BOOTSTRAP_TOKEN=owner", "ARBOR_ENCRYPTION_KEY="+key)
}

// launchReplica runs serve on database and waits until it listens; the
// replica is killed when the test ends. It does not fail the test, so
// that replicas can start at once from several goroutines.
func launchReplica(t *testing.T, name, database, key string) (*replica, error) {
	cmd := exec.Command(acctest.ProviderBinary(t), "serve", "--listen", "127.0.0.1:0", "--database", database)
	cmd.Env = replicaEnv(key)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &replica{name: name, cmd: cmd}
	t.Cleanup(r.kill)
	listening := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := listeningLine.FindStringSubmatch(lines.Text()); m != nil {
				listening <- m[1]
				break
			}
		}
		close(listening)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url, ok := <-listening:
		if !ok {
			return nil, fmt.Errorf("replica %s ended before listening:\n%s", name, stderr.String())
		}
		r.url = url
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("replica %s did not listen within 60s:\n%s", name, stderr.String())
	}
	r.client, err = client.New(client.Config{Endpoint: r.url, Token: "owner", MaxRetries: 2})
	return r, err
}

// kill ends the replica with SIGKILL: no answer in flight is sent.
func (r *replica) kill() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	_ = r.cmd.Wait() // killed: its error says so
	r.cmd = nil
}

// send makes one request with the owner token and returns the status and
// body.
func (r *replica) send(t *testing.T, method, path, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer owner")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := requestClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s through replica %s: %v", method, path, r.name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

// requestClient sends the test's own requests; a replica that stops
// answering fails the test rather than hanging it.
var requestClient = &http.Client{Timeout: 30 * time.Second}

// lockedBuffer collects a process's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// replicaRoot is one Terraform root of the test: a working directory, its
// credential and the replica its provider block points at.
type replicaRoot struct {
	*acctest.Workspace
	credential string
	// environment is the provider's default environment: set for an
	// account token, empty for an environment API key, which implies it.
	environment string
}

func newReplicaRoot(t *testing.T, dir, credential, environment string, through *replica) *replicaRoot {
	t.Helper()
	root := &replicaRoot{Workspace: acctest.NewWorkspace(t, dir), credential: credential, environment: environment}
	root.through(through)
	return root
}

// through points the root's provider at another replica.
func (w *replicaRoot) through(r *replica) { w.throughURL(r.url) }

func (w *replicaRoot) throughURL(endpoint string) {
	environment := ""
	if w.environment != "" {
		environment = fmt.Sprintf("\n  environment = %q", w.environment)
	}
	w.Write("providers.tf", fmt.Sprintf(`terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

provider "arbor" {
  endpoint = %q
  api_key  = %q%s
}
`, endpoint, w.credential, environment))
}

// The shape of the development root applied through replica A.
const (
	replicaPermissions = 30
	replicaRoles       = 5
	replicaAPIKeys     = 4
	replicaClients     = 2
)

// developmentRoot is the development root at a revision: rev is in every
// permission's name, so that a new revision updates each of them, and
// subject is the welcome workflow's content.
func developmentRoot(rev int, subject string) string {
	return fmt.Sprintf(`
resource "arbor_permission" "p" {
  for_each = toset([for i in range(%d) : format("perm.%%02d", i)])
  key      = each.key
  name     = "Permission ${each.key} rev %d"
}

resource "arbor_role" "r" {
  for_each    = toset([for i in range(%d) : format("role-%%d", i)])
  key         = each.key
  name        = "Role ${each.key}"
  permissions = [arbor_permission.p[format("perm.%%02d", tonumber(substr(each.key, 5, 1)))].key]
}

resource "arbor_api_key" "k" {
  for_each = toset([for i in range(%d) : format("deploy-%%d", i)])
  name     = each.key
  scope    = "read_only"
}

resource "arbor_oauth_client" "c" {
  for_each      = toset([for i in range(%d) : format("app-%%d", i)])
  key           = each.key
  name          = "App ${each.key}"
  redirect_uris = ["https://${each.key}.example.com/callback"]
  scopes        = ["openid"]
}
`, replicaPermissions, rev, replicaRoles, replicaAPIKeys, replicaClients) + welcomeWorkflow(subject)
}

// welcomeWorkflow is the workflow promoted from development to
// production; subject is the content that changes between versions.
func welcomeWorkflow(subject string) string {
	return fmt.Sprintf(`
resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" "welcome" {
  key   = "welcome"
  name  = "Welcome"
  steps = [{ ref = "email", channel = { type = "email", key = arbor_channel.postmark.key, subject = %q, body = "Glad you are here." } }]
}
`, subject)
}

// observerRoot is a second root on development: three permissions, the
// first of them named first, so that the test can rename it.
func observerRoot(first string) string {
	return fmt.Sprintf(`
resource "arbor_permission" "o" {
  for_each = { "observed.a" = %q, "observed.b" = "Observed observed.b", "observed.c" = "Observed observed.c" }
  key      = each.key
  name     = each.value
}
`, first)
}

// The shape of staging's root.
const (
	stagingPermissions = 15
	stagingAPIKeys     = 3
)

// stagingRoot is staging's own objects, plus the welcome workflow once it
// is promoted (subject not empty).
func stagingRoot(subject string) string {
	root := fmt.Sprintf(`
resource "arbor_permission" "s" {
  for_each = toset([for i in range(%d) : format("stage.%%02d", i)])
  key      = each.key
  name     = "Staging ${each.key}"
}

resource "arbor_api_key" "k" {
  for_each = toset([for i in range(%d) : format("stage-deploy-%%d", i)])
  name     = each.key
  scope    = "read_only"
}
`, stagingPermissions, stagingAPIKeys)
	if subject != "" {
		root += welcomeWorkflow(subject)
	}
	return root
}

// The root applied through replica A when it is killed.
const (
	killedPermissions = 60
	killedAPIKeys     = 8
	killedClients     = 2
	killedResources   = killedPermissions + killedAPIKeys + killedClients
)

var killedRoot = fmt.Sprintf(`
resource "arbor_permission" "b" {
  for_each = toset([for i in range(%d) : format("bulk.%%02d", i)])
  key      = each.key
  name     = "Bulk ${each.key}"
}

resource "arbor_api_key" "b" {
  for_each = toset([for i in range(%d) : format("bulk-%%d", i)])
  name     = each.key
  scope    = "read_only"
}

resource "arbor_oauth_client" "b" {
  for_each      = toset([for i in range(%d) : format("bulk-app-%%d", i)])
  key           = each.key
  name          = "Bulk ${each.key}"
  redirect_uris = ["https://${each.key}.example.com/callback"]
  scopes        = ["openid"]
}
`, killedPermissions, killedAPIKeys, killedClients)

// countByKey lists a kind of object in env through r and counts each key.
func countByKey(t *testing.T, r *replica, kind domain.Kind, env string) map[string]int {
	t.Helper()
	objs, err := client.Objects[map[string]any](r.client, kind).List(context.Background(), env, nil)
	if err != nil {
		t.Fatalf("listing %s in %s through replica %s: %v", kind.Name, env, r.name, err)
	}
	counts := map[string]int{}
	for _, o := range objs {
		counts[fmt.Sprint(o["key"])]++
	}
	return counts
}

// apiKeysByName lists env's API keys through r and counts each name.
func apiKeysByName(t *testing.T, r *replica, env string) map[string]int {
	t.Helper()
	keys, err := r.client.APIKeys(context.Background(), env)
	if err != nil {
		t.Fatalf("listing API keys in %s through replica %s: %v", env, r.name, err)
	}
	counts := map[string]int{}
	for _, k := range keys {
		counts[k.Name]++
	}
	return counts
}

// duplicates counts what exists more than once, and fails the test unless
// counts holds exactly want distinct names.
func duplicates(t *testing.T, what string, counts map[string]int, want int) int {
	t.Helper()
	dup := 0
	for name, n := range counts {
		if n > 1 {
			dup += n - 1
			t.Errorf("%s %q exists %d times", what, name, n)
		}
	}
	if len(counts) != want {
		t.Errorf("%d distinct %ss, want %d", len(counts), what, want)
	}
	return dup
}

// TestReplicasEndToEnd runs the built binary as replicas of one PostgreSQL
// database and drives them with the Terraform CLI: applies through one
// replica while another serves plans and applies, the promotion rule read
// across replicas, one replica killed mid-apply and the apply finished
// through another, and the HTTP guarantees (versions, If-Match,
// Idempotency-Key) across replicas.
func TestReplicasEndToEnd(t *testing.T) {
	t.Parallel()
	database := pgtest.NewDatabase(t)
	// Skip here, before starting anything, where Terraform cannot run.
	acctest.NewWorkspace(t, t.TempDir())
	started := time.Now()
	keyBytes := make([]byte, 32)
	rand.Read(keyBytes)
	key := base64.StdEncoding.EncodeToString(keyBytes)

	// Two replicas starting at once: both migrate the same empty database.
	var a, b *replica
	var errA, errB error
	var starting sync.WaitGroup
	starting.Go(func() { a, errA = launchReplica(t, "A", database, key) })
	starting.Go(func() { b, errB = launchReplica(t, "B", database, key) })
	starting.Wait()
	if err := errors.Join(errA, errB); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.client.CreateEnvironment(ctx, domain.NewEnvironmentInput{Slug: "staging", EnvironmentInput: domain.EnvironmentInput{Name: "staging"}}); err != nil {
		t.Fatal(err)
	}
	// Each credential is made through one replica and used through the
	// other. The roots that manage API keys need an admin token; the
	// others use their environment's API key.
	adminToken := func(r *replica, name string) string {
		tok, err := r.client.CreateToken(ctx, domain.TokenInput{Name: name, Role: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		return tok.Secret
	}
	envKey := func(r *replica, env string) string {
		k, err := r.client.CreateAPIKey(ctx, env, domain.APIKeyInput{Name: "terraform-" + env, Scope: domain.ScopeReadWrite})
		if err != nil {
			t.Fatal(err)
		}
		return k.Secret
	}
	devToken, stagingToken := adminToken(b, "pipeline development"), adminToken(a, "pipeline staging")
	devKey, prodKey := envKey(b, "development"), envKey(a, "production")

	// A replica with another key refuses to start, naming the problem.
	t.Run("another key refuses to start", func(t *testing.T) {
		other := make([]byte, 32)
		rand.Read(other)
		// A refusal is immediate; a replica that starts instead is
		// stopped rather than waited for.
		refusal, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(refusal, acctest.ProviderBinary(t), "serve", "--listen", "127.0.0.1:0", "--database", database)
		cmd.Env = replicaEnv(base64.StdEncoding.EncodeToString(other))
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "is not the key this database's secrets were sealed with") || !strings.Contains(string(out), "ARBOR_ENCRYPTION_KEY") {
			t.Fatalf("a replica with another key: %v\n%s\nwant a refusal to start naming ARBOR_ENCRYPTION_KEY", err, out)
		}
	})

	dir := t.TempDir()
	dev := newReplicaRoot(t, filepath.Join(dir, "development"), devToken, "development", a)
	staging := newReplicaRoot(t, filepath.Join(dir, "staging"), stagingToken, "staging", b)
	prod := newReplicaRoot(t, filepath.Join(dir, "production"), prodKey, "", b)
	// Another working directory on development, planned through B while
	// A applies the development root.
	observer := newReplicaRoot(t, filepath.Join(dir, "observer"), devKey, "", b)
	observer.Write("main.tf", observerRoot("Observed observed.a"))
	observer.Apply()

	// Development through A and staging through B apply at once, each
	// with its own token, while B serves the observer's plans.
	dev.Write("main.tf", developmentRoot(1, "Welcome aboard"))
	staging.Write("main.tf", stagingRoot(""))
	var applies sync.WaitGroup
	applyDone := make(chan struct{})
	observerPlans := 0
	applies.Go(func() {
		defer close(applyDone)
		if out, code := dev.Terraform("apply", "-auto-approve"); code != 0 {
			t.Errorf("development apply through A failed:\n%s", out)
		}
	})
	applies.Go(func() {
		if out, code := staging.Terraform("apply", "-auto-approve"); code != 0 {
			t.Errorf("staging apply through B failed:\n%s", out)
		}
	})
	applies.Go(func() {
		for {
			out, code := observer.Terraform("plan", "-detailed-exitcode")
			if code != 0 {
				t.Errorf("the observer's plan through B during A's apply (exit %d):\n%s", code, out)
				return
			}
			observerPlans++
			select {
			case <-applyDone:
				return
			default:
			}
		}
	})
	applies.Wait()
	if t.Failed() {
		t.FailNow()
	}
	concurrent := time.Since(started)

	// Empty re-plans through the other replica.
	dev.through(b)
	dev.PlanEmpty()
	staging.through(a)
	staging.PlanEmpty()

	// welcome v1, applied to development through A, is promoted to
	// staging through A.
	staging.Write("main.tf", stagingRoot("Welcome aboard"))
	staging.Apply()

	// No lost update: development's revision 2 renames every permission
	// (and changes welcome) through A; B reads each rename, at the version
	// A answered.
	dev.through(a)
	dev.Write("main.tf", developmentRoot(2, "Welcome to Arbor"))
	dev.Apply()
	lost := 0
	for k := range countByKey(t, b, domain.KindPermission, "development") {
		if !strings.HasPrefix(k, "perm.") {
			continue
		}
		viaA, errA := client.Objects[domain.Permission](a.client, domain.KindPermission).Get(ctx, "development", k)
		viaB, errB := client.Objects[domain.Permission](b.client, domain.KindPermission).Get(ctx, "development", k)
		if errA != nil || errB != nil {
			t.Fatalf("reading %s: through A %v, through B %v", k, errA, errB)
		}
		if viaB.Name != fmt.Sprintf("Permission %s rev 2", k) || viaB.Version != viaA.Version || viaB.Version != 2 {
			lost++
			t.Errorf("permission %s through B: %q version %d; through A version %d, want rev 2 at version 2", k, viaB.Name, viaB.Version, viaA.Version)
		}
	}

	// The promotion rule across replicas: welcome v2, applied to
	// development through A, is refused at plan in production through B
	// until staging has it.
	prod.Write("main.tf", welcomeWorkflow("Welcome to Arbor"))
	v1 := mustWorkflow(t, b, "staging").SHA
	prod.PlanFails(acctest.ErrorLike(`workflow "welcome" differs from its version in staging (sha ` + v1[:12] + `): apply this change to staging first`))
	staging.through(b)
	staging.Write("main.tf", stagingRoot("Welcome to Arbor"))
	staging.Apply()
	prod.Apply()
	prod.through(a)
	prod.PlanEmpty()
	if dev, prod := mustWorkflow(t, a, "development"), mustWorkflow(t, b, "production"); dev.SHA != prod.SHA {
		t.Errorf("production through B holds sha %s, development through A %s", prod.SHA, dev.SHA)
	}

	// A stale If-Match answers 412 through either replica.
	const perm = "/v1/environments/development/permissions/observed.a"
	if status, body := a.send(t, "PUT", perm, `{"name":"Observed, renamed"}`, "If-Match", `"1"`); status != http.StatusOK {
		t.Fatalf("PUT with the current If-Match through A: %d %s", status, body)
	}
	for _, r := range []*replica{a, b} {
		if status, body := r.send(t, "PUT", perm, `{"name":"stale"}`, "If-Match", `"1"`); status != http.StatusPreconditionFailed {
			t.Errorf("PUT with a stale If-Match through %s: %d %s, want 412", r.name, status, body)
		}
	}
	// The observer's root takes the rename, and plans empty again.
	observer.Write("main.tf", observerRoot("Observed, renamed"))
	observer.PlanEmpty()

	// One Idempotency-Key POSTed to A and then B makes one object, and B
	// answers what A did.
	const apiKeys = "/v1/environments/development/api-keys"
	first, firstBody := a.send(t, "POST", apiKeys, `{"name":"replayed","scope":"read_only"}`, "Idempotency-Key", "replicas-e2e-1")
	second, secondBody := b.send(t, "POST", apiKeys, `{"name":"replayed","scope":"read_only"}`, "Idempotency-Key", "replicas-e2e-1")
	if first != http.StatusCreated || second != first || secondBody != firstBody {
		t.Errorf("an Idempotency-Key replayed on B answered %d %s; A answered %d %s", second, secondBody, first, firstBody)
	}

	// A killed with SIGKILL mid-apply; the apply run again through B
	// converges: creates whose answers died with A are answered again.
	// Terraform reaches A through a link that, from the kill on, lets
	// requests through and loses A's answers: A dies between committing
	// creates and its answers reaching Terraform, every time.
	link := newAnswerCutter(t, a.url)
	killed := newReplicaRoot(t, filepath.Join(dir, "killed"), devToken, "development", a)
	killed.throughURL(link.url)
	killed.Write("main.tf", killedRoot)
	killStart := time.Now()
	firstExit, complete := applyUntil(t, killed.Workspace, []string{"ARBOR_MAX_RETRIES=0"}, killedResources/3, func(*exec.Cmd) {
		link.cut.Store(true)
		// Kill A once it has committed creates whose answers were lost.
		for deadline := time.Now().Add(30 * time.Second); link.dropped.Load() < 3 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		a.kill()
	})
	if firstExit == 0 || complete >= killedResources {
		t.Fatalf("the apply through A exited %d after %d of %d creations: A was not killed mid-apply", firstExit, complete, killedResources)
	}
	inStateAfterKill := 0
	for _, instances := range stateResources(t, killed.Workspace) {
		inStateAfterKill += len(instances)
	}
	// What A committed without Terraform hearing of it: the re-run must
	// be answered with it, by B, from the idempotency records A wrote.
	onServer := len(apiKeysByName(t, b, "development")) - (1 + replicaAPIKeys + 1)
	for kind, prefix := range map[domain.Kind]string{domain.KindPermission: "bulk.", domain.KindOAuthClient: "bulk-app-"} {
		for k := range countByKey(t, b, kind, "development") {
			if strings.HasPrefix(k, prefix) {
				onServer++
			}
		}
	}
	lostAnswers := onServer - inStateAfterKill
	replaysBefore := idempotentReplays(t, b)
	killed.through(b)
	killed.Apply()
	replayed := idempotentReplays(t, b) - replaysBefore
	if lostAnswers == 0 || replayed < lostAnswers {
		t.Errorf("%d creates committed through A without an answer, but B replayed %d", lostAnswers, replayed)
	}
	killed.PlanEmpty()
	convergedIn := time.Since(killStart)
	// A replacement A: the plans are empty through it too.
	a, err := launchReplica(t, "A2", database, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []*replicaRoot{killed, dev, staging, prod, observer} {
		w.through(a)
		w.PlanEmpty()
	}
	// The replayed answers carried the secrets shown once: every API key
	// in the killed root's state authenticates, every OAuth client has its
	// secret.
	killedState := stateResources(t, killed.Workspace)
	for _, attrs := range killedState["arbor_oauth_client"] {
		if secret, _ := attrs["client_secret"].(string); secret == "" {
			t.Errorf("OAuth client %v has no client_secret in state", attrs["key"])
		}
	}
	for _, attrs := range killedState["arbor_api_key"] {
		secret, _ := attrs["secret"].(string)
		kc, err := client.New(client.Config{Endpoint: b.url, Token: secret, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		if who, err := kc.Whoami(ctx); err != nil || who.ID != attrs["key_id"] {
			t.Errorf("the secret in state of API key %v: whoami %+v, %v", attrs["name"], who, err)
		}
	}

	// Zero duplicates: every object and API key, counted by name.
	dups := duplicates(t, "development permission", countByKey(t, b, domain.KindPermission, "development"), replicaPermissions+killedPermissions+3)
	dups += duplicates(t, "development role", countByKey(t, b, domain.KindRole, "development"), replicaRoles)
	dups += duplicates(t, "development OAuth client", countByKey(t, b, domain.KindOAuthClient, "development"), replicaClients+killedClients)
	dups += duplicates(t, "development workflow", countByKey(t, b, domain.KindWorkflow, "development"), 1)
	// development's keys: the observer's, the root's, the killed root's
	// and the replayed one.
	dups += duplicates(t, "development API key named", apiKeysByName(t, b, "development"), 1+replicaAPIKeys+killedAPIKeys+1)
	dups += duplicates(t, "staging permission", countByKey(t, b, domain.KindPermission, "staging"), stagingPermissions)
	dups += duplicates(t, "staging API key named", apiKeysByName(t, b, "staging"), stagingAPIKeys)
	t.Logf("replicas on one PostgreSQL: development through A and staging through B applied at once with %d observer plans through B (%s); "+
		"killed apply exited %d after %d of %d creations with %d in state and %d committed unanswered, converged through B: %v with %d replays (%s); duplicates %d, lost updates %d; total %s",
		observerPlans, concurrent.Round(100*time.Millisecond), firstExit, complete, killedResources, inStateAfterKill, lostAnswers, !t.Failed(), replayed,
		convergedIn.Round(100*time.Millisecond), dups, lost, time.Since(started).Round(100*time.Millisecond))
}

// answerCutter is the network between Terraform and a replica: it
// forwards every request and, once cut, drops the replica's answers,
// closing the connection instead, as a replica that dies after its commit
// and before its answer leaves does.
type answerCutter struct {
	url string
	cut atomic.Bool
	// dropped counts the answers lost since the cut.
	dropped atomic.Int64
}

func newAnswerCutter(t *testing.T, target string) *answerCutter {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	// Once the replica is killed every request fails, as it should: the
	// 502s say so to Terraform, the log need not.
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	c := &answerCutter{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.cut.Load() {
			proxy.ServeHTTP(w, r)
			return
		}
		proxy.ServeHTTP(httptest.NewRecorder(), r)
		c.dropped.Add(1)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	c.url = srv.URL
	return c
}

// replayMetric is the line of /metrics counting idempotent replays.
var replayMetric = regexp.MustCompile(`(?m)^arbor_idempotent_replays_total (\S+)$`)

// idempotentReplays is how many writes r answered from an idempotency
// record, as its /metrics says.
func idempotentReplays(t *testing.T, r *replica) int {
	t.Helper()
	status, body := r.send(t, "GET", "/metrics", "")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics through %s: %d %s", r.name, status, body)
	}
	m := replayMetric.FindStringSubmatch(body)
	if m == nil {
		return 0 // no replay yet: the counter is not exported until used
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("arbor_idempotent_replays_total %q: %v", m[1], err)
	}
	return int(n)
}

func mustWorkflow(t *testing.T, r *replica, env string) *domain.Workflow {
	t.Helper()
	wf, err := client.Objects[domain.Workflow](r.client, domain.KindWorkflow).Get(context.Background(), env, "welcome")
	if err != nil {
		t.Fatalf("reading welcome in %s through replica %s: %v", env, r.name, err)
	}
	return wf
}
