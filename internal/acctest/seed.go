package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// SeedObject is an object made outside Terraform, as the console or the
// API makes it: what `terraform query` finds and brings under code.
type SeedObject struct {
	Kind domain.Kind
	Key  string
	Body string
}

// Seed is one object of every keyed kind, two of some, with every nested
// attribute its kind has (a workflow's steps and conditions, a tenant's
// branding and preferences, a guide's content and audience), in one
// environment; identities belong to the account. A kind missing here fails
// TestSeed_everyKind.
var Seed = []SeedObject{
	{domain.KindPermission, "docs.read", `{"name":"Read documents","description":"View documents."}`},
	{domain.KindPermission, "docs.write", `{"name":"Write documents"}`},
	{domain.KindRole, "editor", `{"name":"Editor","description":"Edits.","permissions":["docs.read","docs.write"]}`},
	{domain.KindHierarchyNode, "global", `{"name":"Global"}`},
	{domain.KindHierarchyNode, "emea", `{"name":"EMEA","parent_key":"global"}`},
	{domain.KindIdentity, "ada", `{"email":"ada@example.com","name":"Ada Lovelace"}`},
	{domain.KindRoleAssignment, "ada/editor/emea", `{}`},
	{domain.KindOAuthClient, "dashboard", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`},
	{domain.KindWebhook, "audit", `{"url":"https://hooks.example.com","events":["role.updated"],"enabled":false}`},
	{domain.KindTenant, "acme", `{"name":"Acme","properties":{"plan":"pro","seats":12},"branding":{"primary_color":"#0A7","logo_url":"https://acme.example/logo.png"},"preference_set":{"channel_types":{"email":true},"categories":null,"workflows":{"welcome":false}}}`},
	{domain.KindChannel, "in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`},
	{domain.KindChannel, "postmark", `{"name":"Postmark","type":"email","service":"postmark","settings":{"sandbox":"true"},"credentials":{"token":"pm-secret-token"}}`},
	{domain.KindChannelGroup, "mail", `{"name":"Mail","channel_type":"email","operator":"any","channel_rules":[{"channel_key":"postmark","rule_type":"unless","conditions":{"rules":[{"variable":"recipient.email","operator":"empty"}]}}]}`},
	{domain.KindVariable, "app_url", `{"value":"https://dev.example.com","description":"Links"}`},
	{domain.KindPartial, "button", `{"name":"Button","type":"html","content":"<a href=\"{{ url }}\">Open</a>","input_fields":[{"key":"url","label":"Link"}]}`},
	{domain.KindTranslation, "en-US", `{"strings":{"welcome":"Welcome"}}`},
	{domain.KindEmailLayout, "default", `{"name":"Default","html_layout":"<html><body>{{ content }}</body></html>","text_layout":"{{ content }}\n-- Acme"}`},
	{domain.KindWorkflow, "welcome", `{"name":"Welcome","categories":["onboarding"],"trigger_data_schema":{"type":"object"},"conditions":{"rules":[{"variable":"recipient.plan","operator":"not_empty"}]},"steps":[{"ref":"wait","delay":{"duration":"1h"}},{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Hi","body":"Welcome"}}]}`},
	{domain.KindGuide, "launch", `{"name":"Spring launch","type":"modal","channel_key":"in-app","content":{"title":"New","body":"Hello {{ recipient.name }}"},"activation_url_patterns":["/projects/*","/dashboard"],"audience":{"rules":[{"variable":"recipient.plan","operator":"equal_to","argument":"pro"}]},"priority":5}`},
}

// SensitiveVariable is a variable whose value is a secret, which no
// generated configuration can hold: the user fills in value_wo.
var SensitiveVariable = SeedObject{domain.KindVariable, "api_token", `{"value":"s3cret-token-value","sensitive":true,"description":"Token of the billing API"}`}

// PutSeed writes objects into env, in order, through the API.
func (b *Backend) PutSeed(t testing.TB, env string, objects ...SeedObject) {
	t.Helper()
	for _, o := range objects {
		var body map[string]any
		if err := json.Unmarshal([]byte(o.Body), &body); err != nil {
			t.Fatalf("seed %s %s: %v", o.Kind.Name, o.Key, err)
		}
		if _, err := client.Objects[map[string]any](b.Client, o.Kind).Put(context.Background(), env, o.Key, &body, client.Cond{}); err != nil {
			t.Fatalf("seed %s %s: %v", o.Kind.Name, o.Key, err)
		}
	}
}

// Permissions is a configuration document of n permissions, perm.0000 on,
// for seeding more objects than one page of a listing holds in one write.
func Permissions(env string, n int) []byte {
	doc := domain.ConfigDocument{FormatVersion: 1, SourceEnvironment: env,
		Permissions: []domain.Permission{}, Roles: []domain.Role{}, HierarchyNodes: []domain.HierarchyNode{},
		OAuthClients: []domain.OAuthClient{}, Webhooks: []domain.Webhook{}, Workflows: []domain.Workflow{}, Guides: []domain.Guide{}}
	for i := range n {
		p := domain.Permission{Name: fmt.Sprintf("Permission %d", i)}
		p.SetObjectKey(fmt.Sprintf("perm.%04d", i))
		doc.Permissions = append(doc.Permissions, p)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}
