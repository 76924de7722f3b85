package provider

import (
	"context"
	"fmt"
	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Actions (Terraform 1.14 and later): operations that are not resources,
// run by `terraform apply -invoke=action.<type>.<name>` or an
// action_trigger. Neither leaves a resource's state untrue: every resource
// reads its object again at the next plan (its version changed), so that
// plan shows what the action changed.

var (
	_ action.ActionWithConfigure  = (*promoteAction)(nil)
	_ action.ActionWithModifyPlan = (*promoteAction)(nil)
	_ action.ActionWithConfigure  = (*exportAction)(nil)
	_ action.ActionWithModifyPlan = (*exportAction)(nil)
)

func newPromoteAction() action.Action { return &promoteAction{} }
func newExportAction() action.Action  { return &exportAction{} }

// promoteAction is arbor_environment_promote: the configuration-document
// promote, as `terraform-provider-arbor promote` runs it.
type promoteAction struct {
	data *providerData
}

type promoteModel struct {
	From             types.String `tfsdk:"from"`
	To               types.String `tfsdk:"to"`
	PruneAssignments types.Bool   `tfsdk:"prune_assignments"`
}

func (a *promoteAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment_promote"
}

func (a *promoteAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Promotes one environment's configuration into another (Terraform 1.14 and later): the `from` environment's configuration document " +
			"(permissions, roles, hierarchy nodes, OAuth clients, webhooks and the versioned kinds) replaces the `to` environment's, in one transaction, " +
			"under the promotion rule, as `terraform-provider-arbor promote` does. Its plan warns whose access the promotion changes in `to` " +
			"(a dry run of the same promote, measured against `to`'s role assignments: identity keys, or counts only where `to` obfuscates customer data); " +
			"its progress messages give the objects created, updated, deleted and unchanged per kind, and the grants removed and added. It needs an account token with the admin (or owner) role: give it a provider configuration of its own " +
			"(an alias) when the environments' roots use API keys. Resources that manage objects it changed plan the change at their next plan.",
		Attributes: map[string]schema.Attribute{
			"from": schema.StringAttribute{
				MarkdownDescription: "Environment whose configuration is promoted, such as `development`.",
				Required:            true,
				Validators:          []validator.String{slugValidator},
			},
			"to": schema.StringAttribute{
				MarkdownDescription: "Environment that receives it, such as `staging`.",
				Required:            true,
				Validators:          []validator.String{slugValidator},
			},
			"prune_assignments": schema.BoolAttribute{
				MarkdownDescription: "Remove the `to` environment's role assignments whose role or hierarchy node the promotion deletes; without it such a promotion is refused. Default `false`.",
				Optional:            true,
			},
		},
	}
}

func (a *promoteAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses at plan what the promote would refuse for want of an
// environment or of an account token.
func (a *promoteAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil {
		return
	}
	var m promoteModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	a.check(ctx, m, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() && !m.From.IsUnknown() && !m.To.IsUnknown() {
		a.warnAccessImpact(ctx, m, &resp.Diagnostics)
	}
}

// warnAccessImpact says at plan whose access the promotion would change: a
// dry run of the same promote (nothing written) measures it against the
// target's role assignments. A dry run the backend refuses is left to the
// invoke, which reports the refusal; a backend that cannot answer costs
// the plan nothing but the warning.
func (a *promoteAction) warnAccessImpact(ctx context.Context, m promoteModel, diags *diag.Diagnostics) {
	from, to := m.From.ValueString(), m.To.ValueString()
	result, err := a.data.client.Promote(ctx, to, from, client.ImportOptions{PruneAssignments: m.PruneAssignments.ValueBool(), DryRun: true})
	if err != nil || result.AccessImpact == nil || (result.AccessImpact.Totals.Removed == 0 && result.AccessImpact.Totals.Added == 0) {
		return
	}
	env, err := a.data.client.Environment(ctx, to)
	if err != nil {
		return
	}
	answer := &api.AccessImpactAnswer{Environment: to, CustomerDataObfuscated: env.ObfuscateCustomerData, AccessImpact: *result.AccessImpact}
	diags.AddWarning(fmt.Sprintf("Promoting %s into %s changes who may do what in %s", from, to, to),
		fmt.Sprintf("Measured by the backend from the role assignments of environment %s, by a dry run of this promotion (nothing written; terraform-provider-arbor promote --dry-run says the same).\n\n%s",
			to, accessImpactGrants(to, answer)))
}

func (a *promoteAction) check(ctx context.Context, m promoteModel, diags *diag.Diagnostics) {
	if a.data.boundEnvironment != "" {
		diags.AddError("Promotion needs an account token",
			fmt.Sprintf("The provider's api_key is an API key of environment %q; promoting needs an account token with the admin (or owner) role. "+
				"Give the action a provider configuration of its own with such a token: provider = arbor.admin, with an alias \"admin\" provider block.", a.data.boundEnvironment))
		return
	}
	if !m.From.IsUnknown() && !m.To.IsUnknown() && m.From.ValueString() == m.To.ValueString() {
		diags.AddAttributeError(path.Root("to"), "Invalid promotion", fmt.Sprintf("from and to are both %q: promote from one environment into another.", m.To.ValueString()))
		return
	}
	for _, attr := range []struct {
		name  string
		value types.String
	}{{"from", m.From}, {"to", m.To}} {
		if attr.value.IsUnknown() || attr.value.IsNull() {
			continue
		}
		if !a.data.environmentExists(ctx, attr.value.ValueString(), diags) {
			diags.AddAttributeError(path.Root(attr.name), "Error planning the promotion",
				fmt.Sprintf("%s: %s. Name an environment that exists.", attr.name, domain.NotFound("environment", attr.value.ValueString()).Message))
		}
	}
}

func (a *promoteAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m promoteModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	if a.check(ctx, m, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	from, to := m.From.ValueString(), m.To.ValueString()
	progress(resp, fmt.Sprintf("Promoting the configuration of %s into %s", from, to))
	result, err := a.data.client.Promote(ctx, to, from, client.ImportOptions{PruneAssignments: m.PruneAssignments.ValueBool()})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error promoting %s into %s", from, to), err, path.Empty())
		return
	}
	for _, line := range importSummary(result) {
		progress(resp, line)
	}
}

// progress sends a progress message where the CLI takes them.
func progress(resp *action.InvokeResponse, msg string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: msg})
	}
}

// importSummary says what an import, promotion or clone did, per kind of
// object, in document order; never a secret (new OAuth clients' and
// webhooks' secrets are counted, not shown).
func importSummary(r domain.ImportResult) []string {
	var lines []string
	for _, s := range domain.ConfigSections {
		lines = append(lines, fmt.Sprintf("%s: %d created, %d updated, %d deleted, %d unchanged",
			strings.ReplaceAll(s.Name, "_", " "), r.Created[s.Name], r.Updated[s.Name], r.Deleted[s.Name], r.Unchanged[s.Name]))
	}
	if r.PrunedRoleAssignments > 0 {
		lines = append(lines, fmt.Sprintf("role assignments pruned with their roles or nodes: %d", r.PrunedRoleAssignments))
	}
	for _, s := range domain.ConfigSections {
		if kept := r.Kept[s.Name]; len(kept) > 0 {
			lines = append(lines, fmt.Sprintf("%s born in %s, kept: %s", strings.ReplaceAll(s.Name, "_", " "), r.Environment, strings.Join(kept, ", ")))
		}
	}
	if i := r.AccessImpact; i != nil && (i.Totals.Removed > 0 || i.Totals.Added > 0) {
		lines = append(lines, fmt.Sprintf("access: %d grants removed, %d added (who, what and where: promote --dry-run or the console's promotion review)", i.Totals.Removed, i.Totals.Added))
	}
	for _, l := range r.LeftOut {
		lines = append(lines, fmt.Sprintf("left out: %s %q (%s)", l.Kind, l.Key, l.Reason))
	}
	if n := len(r.NewOAuthClientSecrets) + len(r.NewWebhookSigningSecrets); n > 0 {
		lines = append(lines, fmt.Sprintf("%d new OAuth client or webhook secrets were made; Terraform does not show them: read or rotate them where you manage those objects", n))
	}
	return lines
}

// exportAction is arbor_environment_export: an environment's
// configuration document, written to a file.
type exportAction struct {
	data *providerData
}

type exportModel struct {
	Environment types.String `tfsdk:"environment"`
	Path        types.String `tfsdk:"path"`
}

func (a *exportAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment_export"
}

func (a *exportAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Writes an environment's configuration document to a file (Terraform 1.14 and later), byte for byte as the backend exports it " +
			"(`GET /v1/environments/{env}/config`, what `terraform-provider-arbor export` writes): configurations only, never a secret. " +
			"A pipeline keeps it as the record of what a promotion copied, or imports it elsewhere.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment to export. Default: the provider's `environment`.",
				Optional:            true,
				Validators:          []validator.String{slugValidator},
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "File to write, relative to the root module's directory; its directory must exist. An existing file is replaced.",
				Required:            true,
			},
		},
	}
}

func (a *exportAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *exportAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil {
		return
	}
	var m exportModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	a.check(ctx, m, &resp.Diagnostics)
}

// check refuses an environment that does not exist or the credential
// cannot reach, and a path whose directory does not exist.
func (a *exportAction) check(ctx context.Context, m exportModel, diags *diag.Diagnostics) string {
	if m.Environment.IsUnknown() || m.Path.IsUnknown() {
		return ""
	}
	env, err := dataSourceEnvironment(a.data, m.Environment)
	if err != nil {
		diags.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return ""
	}
	if !a.data.environmentExists(ctx, env, diags) {
		diags.AddAttributeError(path.Root("environment"), "Error planning the export", domain.NotFound("environment", env).Message+". Name an environment that exists.")
	}
	if dir := filepath.Dir(m.Path.ValueString()); !isDir(dir) {
		diags.AddAttributeError(path.Root("path"), "Error planning the export",
			fmt.Sprintf("path %q: directory %q does not exist. Create it first, or write the document elsewhere.", m.Path.ValueString(), dir))
	}
	return env
}

func isDir(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.IsDir()
}

func (a *exportAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m exportModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	env := a.check(ctx, m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	document, _, err := a.data.client.ExportConfig(ctx, env)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error exporting environment "+env, err, path.Empty())
		return
	}
	file := m.Path.ValueString()
	if err := os.WriteFile(file, document, 0o644); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Error writing the configuration document", err.Error())
		return
	}
	progress(resp, fmt.Sprintf("Wrote the configuration of %s to %s (%d bytes)", env, file, len(document)))
}
