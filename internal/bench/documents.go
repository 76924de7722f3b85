package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// documentObjects is the size of the configuration document measured.
const documentObjects = 10000

// configDocument is a configuration of n objects of every section:
// permissions, roles granting three each, a hierarchy four wide, OAuth
// clients, webhooks and two-step workflows.
func configDocument(n int) domain.ConfigDocument {
	perms, roles, nodes, clients, hooks := n*40/100, n*20/100, n*20/100, n*10/100, n*5/100
	workflows := n - perms - roles - nodes - clients - hooks
	d := domain.ConfigDocument{FormatVersion: domain.ConfigFormatVersion, SourceEnvironment: "development"}
	for i := range perms {
		d.Permissions = append(d.Permissions, domain.Permission{Key: fmt.Sprintf("perm.%05d", i), Name: fmt.Sprintf("Permission %d", i)})
	}
	for i := range roles {
		r := domain.Role{Key: fmt.Sprintf("role-%05d", i), Name: fmt.Sprintf("Role %d", i)}
		for j := range 3 {
			r.Permissions = append(r.Permissions, fmt.Sprintf("perm.%05d", (i*3+j)%perms))
		}
		d.Roles = append(d.Roles, r)
	}
	for i := range nodes {
		node := domain.HierarchyNode{Key: fmt.Sprintf("node-%05d", i), Name: fmt.Sprintf("Node %d", i)}
		if i > 0 {
			node.ParentKey = fmt.Sprintf("node-%05d", (i-1)/4)
		}
		d.HierarchyNodes = append(d.HierarchyNodes, node)
	}
	for i := range clients {
		d.OAuthClients = append(d.OAuthClients, domain.OAuthClient{Key: fmt.Sprintf("client-%05d", i), Name: "Client",
			RedirectURIs: []string{fmt.Sprintf("https://app%d.example.com/callback", i)}, Scopes: []string{"openid", "profile"}})
	}
	for i := range hooks {
		d.Webhooks = append(d.Webhooks, domain.Webhook{Key: fmt.Sprintf("hook-%05d", i), URL: fmt.Sprintf("https://hooks.example.com/%d", i),
			Events: []string{"role.created", "role.updated"}, Enabled: new(true)})
	}
	for i := range workflows {
		d.Workflows = append(d.Workflows, domain.Workflow{Key: fmt.Sprintf("workflow-%05d", i), Name: fmt.Sprintf("Workflow %d", i),
			Steps: []domain.Step{
				{Ref: "wait", Delay: &domain.DelayStep{Duration: "5m"}},
				{Ref: "email", Channel: &domain.ChannelStep{Type: "email", Key: "postmark", Subject: "Hello", Body: "Hello {{ recipient.name }}"}},
			}})
	}
	return d
}

// documentChannels are the channels the document's workflows send
// through. Channels are each environment's own and never in a document, so
// each run makes them before the import, untimed.
var documentChannels = map[string]domain.Channel{
	"postmark": {Name: "Postmark", Type: "email", Service: "postmark"},
}

// documentRun is one export and one import of the document, each timed at
// the client: a whole HTTP exchange with a serve process over loopback.
type documentRun struct {
	importWall, exportWall time.Duration
	serverCPU              time.Duration
}

type documentResult struct {
	objects, bytes int
	runs           []documentRun
}

// measureDocuments imports a 10,000-object document into the empty
// development environment of a new database, then exports it, several
// times, each on a fresh serve process.
func (h *harness) measureDocuments(ctx context.Context) (documentResult, error) {
	doc := configDocument(documentObjects)
	raw, err := doc.Encode()
	if err != nil {
		return documentResult{}, err
	}
	res := documentResult{objects: documentObjects, bytes: len(raw)}
	runs := max(3, h.opts.LoadRuns)
	for i := range runs {
		h.logf("documents: run %d of %d", i+1, runs)
		db := filepath.Join(h.work, "documents", fmt.Sprintf("run-%d", i), "arbor.db")
		p, err := startServe(ctx, h.arborBinary, db)
		if err != nil {
			return res, err
		}
		run, err := documentRoundTrip(ctx, p, raw)
		stopErr := p.stop()
		if err != nil {
			return res, err
		}
		if stopErr != nil {
			return res, stopErr
		}
		res.runs = append(res.runs, run)
		os.RemoveAll(filepath.Dir(db))
	}
	return res, nil
}

func documentRoundTrip(ctx context.Context, p *serveProcess, raw []byte) (documentRun, error) {
	var run documentRun
	for key, ch := range documentChannels {
		if err := p.call(ctx, p.owner, "PUT", "/v1/environments/development/channels/"+key, ch, nil); err != nil {
			return run, fmt.Errorf("making channel %s before the import: %w", key, err)
		}
	}
	cpu := p.cpu()
	start := time.Now()
	var result domain.ImportResult
	if err := p.call(ctx, p.owner, "PUT", "/v1/environments/development/config", json.RawMessage(raw), &result); err != nil {
		return run, err
	}
	run.importWall = time.Since(start)
	created := 0
	for _, n := range result.Created {
		created += n
	}
	if created != documentObjects {
		return run, fmt.Errorf("the import created %d objects, want %d", created, documentObjects)
	}
	start = time.Now()
	var exported json.RawMessage
	if err := p.call(ctx, p.owner, "GET", "/v1/environments/development/config", nil, &exported); err != nil {
		return run, err
	}
	run.exportWall = time.Since(start)
	run.serverCPU = p.cpu() - cpu
	back, err := domain.DecodeConfigDocument(exported)
	if err != nil {
		return run, err
	}
	total := 0
	for _, n := range back.Counts() {
		total += n
	}
	if total != documentObjects {
		return run, fmt.Errorf("the export holds %d objects, want %d", total, documentObjects)
	}
	return run, nil
}
