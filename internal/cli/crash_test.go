package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
)

// largeDocument is a configuration of n permissions, with roles and a deep
// hierarchy, big enough that importing it takes a while.
func largeDocument(n int) []byte {
	doc := domain.ConfigDocument{FormatVersion: domain.ConfigFormatVersion, SourceEnvironment: "development"}
	for i := range n {
		doc.Permissions = append(doc.Permissions, domain.Permission{Key: fmt.Sprintf("perm.%06d", i), Name: fmt.Sprintf("Permission %d", i)})
	}
	for i := range n / 10 {
		r := domain.Role{Key: fmt.Sprintf("role-%05d", i), Name: "Role"}
		for j := range 10 {
			r.Permissions = append(r.Permissions, fmt.Sprintf("perm.%06d", i*10+j))
		}
		doc.Roles = append(doc.Roles, r)
	}
	for i := range n / 10 {
		node := domain.HierarchyNode{Key: fmt.Sprintf("node-%05d", i), Name: "Node"}
		if i > 0 {
			node.ParentKey = fmt.Sprintf("node-%05d", (i-1)/4)
		}
		doc.HierarchyNodes = append(doc.HierarchyNodes, node)
	}
	b, err := doc.Encode()
	if err != nil {
		panic(err)
	}
	return b
}

// A backend killed with SIGKILL in the middle of a large import leaves
// exactly the old configuration, in a sound database.
func TestImportSurvivesSIGKILL(t *testing.T) {
	binary = acctest.ProviderBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "arbor.db")
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--database", db)
	cmd.Env = append(os.Environ(), "ARBOR_BOOTSTRAP_TOKEN=t", "ARBOR_ENCRYPTION_KEY=")
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var url string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
			break
		}
	}
	go io.Copy(io.Discard, stdout) //nolint:errcheck // drains the server's output; nothing to do if that fails
	importing := make(chan struct{})
	go func() {
		logs := bufio.NewScanner(stderr)
		for logs.Scan() {
			if strings.Contains(logs.Text(), "importing configuration") {
				close(importing)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()

	// The old configuration.
	c, err := client.New(client.Config{Endpoint: url, Token: "t", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.ImportConfig(ctx, "development", largeDocument(200), client.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _, err := c.ExportConfig(ctx, "development")
	if err != nil {
		t.Fatal(err)
	}

	// The new one, large; the process dies while importing it.
	big := largeDocument(40000)
	big = []byte(strings.ReplaceAll(string(big), `"Permission `, `"Renamed permission `))
	answered := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPut, url+"/v1/environments/development/config", strings.NewReader(string(big)))
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			err = fmt.Errorf("the import answered %d before the kill: %.200s", resp.StatusCode, body)
			answered <- err
			return
		}
		answered <- nil
	}()
	select {
	case <-importing:
	case <-time.After(60 * time.Second):
		t.Fatal("the import did not start")
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: its error says so
	if err := <-answered; err != nil {
		t.Fatalf("%v; the document must be larger for the kill to land mid-import", err)
	}

	// Reopen: the database is sound and holds exactly the old configuration.
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if verdict, err := st.IntegrityCheck(ctx); err != nil || verdict != "ok" {
		t.Fatalf("integrity_check: %q %v", verdict, err)
	}
	sealer, err := backend.OpenSealer(ctx, st, st.Path()+".key")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	local, _ := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: srv.Transport()})
	after, _, err := local.ExportConfig(ctx, "development")
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		var counts domain.ConfigDocument
		_ = json.Unmarshal(after, &counts) // only to describe the failure
		t.Fatalf("after the kill the configuration is not the old one: %v", counts.Counts())
	}
}
