package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Through the built provider and Terraform at TRACE: channel credentials
// and a sensitive variable's value reach the backend and nothing else: not
// Terraform's log (provider logs included), not the state, not the export
// of the environment, not the audit log.
func TestEnvironmentKindSecretsStayOutOfLogsStateAndExports(t *testing.T) {
	t.Parallel()
	b := acctest.NewBackend(t)
	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "root"))
	if !acctest.FeatureWriteOnly.Supported(w.CLI) {
		t.Skip("write-only arguments need Terraform 1.11 or OpenTofu 1.11; this run uses " + w.CLI.String())
	}
	const credential, sensitive = "pm-token-3f9c1e7a", "sk-value-8b2d4c6e"
	w.Write("main.tf", "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n\n"+b.ProviderConfig()+`
resource "arbor_channel" "email" {
  key                    = "email"
  name                   = "Transactional email"
  type                   = "email"
  service                = "postmark"
  credentials_wo         = jsonencode({ server_token = "`+credential+`" })
  credentials_wo_version = 1
}

resource "arbor_variable" "token" {
  key              = "support_token"
  sensitive        = true
  value_wo         = "`+sensitive+`"
  value_wo_version = 1
}

resource "arbor_workflow" "welcome" {
  key   = "welcome"
  name  = "Welcome"
  steps = [{ ref = "email", channel = { type = "email", key = arbor_channel.email.key, subject = "Hi", body = "Token {{ vars.support_token }}" } }]
}
`)
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	apply := w.Command("apply", "-auto-approve")
	apply.Env = append(apply.Env, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
	if out, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}

	ctx := context.Background()
	stored, err := b.Server.ChannelCredentials(ctx, domain.Development, "email")
	if err != nil || !strings.Contains(string(stored), credential) {
		t.Fatalf("the backend does not hold the credentials (%v): the test proves nothing", err)
	}
	values, err := b.Server.VariableValues(ctx, domain.Development)
	if err != nil || values["support_token"] != sensitive {
		t.Fatalf("the backend does not hold the sensitive value (%v): the test proves nothing", err)
	}
	log, err := os.ReadFile(logPath)
	if err != nil || !strings.Contains(string(log), "arbor API request") {
		t.Fatalf("no provider log at TRACE (%v): the test proves nothing", err)
	}
	state, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	export, _, err := b.Client.ExportConfig(ctx, domain.Development)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := b.Client.Audit(ctx, domain.Development, 0)
	if err != nil {
		t.Fatal(err)
	}
	var auditText strings.Builder
	for _, e := range audit {
		auditText.WriteString(e.Kind + " " + e.Key + " " + string(e.Detail) + "\n")
	}
	if !strings.Contains(auditText.String(), "channel email") || !strings.Contains(auditText.String(), "variable support_token") {
		t.Errorf("the audit log does not record the writes:\n%s", auditText.String())
	}
	for where, text := range map[string]string{"Terraform's log": string(log), "the state": string(state), "the export": string(export), "the audit log": auditText.String()} {
		for _, secret := range []string{credential, sensitive} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the secret %s…", where, secret[:6])
			}
		}
	}
}
