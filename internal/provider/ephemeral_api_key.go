package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose          = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*apiKeyEphemeralResource)(nil)
)

// apiKeyEphemeralResource is an environment API key that lives only as long
// as the Terraform run that opened it: created by Open, revoked by Close,
// never written to plan or state.
type apiKeyEphemeralResource struct {
	data *providerData
}

func newAPIKeyEphemeralResource() ephemeral.EphemeralResource { return &apiKeyEphemeralResource{} }

type apiKeyEphemeralModel struct {
	Environment types.String `tfsdk:"environment"`
	Name        types.String `tfsdk:"name"`
	Scope       types.String `tfsdk:"scope"`
	KeyID       types.String `tfsdk:"key_id"`
	Prefix      types.String `tfsdk:"prefix"`
	Secret      types.String `tfsdk:"secret"`
}

// openedKeyPrivate is the private data that carries the key from Open to
// Close, which receives nothing else.
const openedKeyPrivate = "api_key"

type openedKey struct {
	Environment string `json:"environment"`
	KeyID       string `json:"key_id"`
}

func (e *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (e *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived environment API key: created when Terraform opens it and revoked when Terraform closes it, " +
			"at the end of the run that used it. Its secret is never written to plan or state. " +
			"Use it where a credential is needed only for the run, such as another provider's configuration or a write-only argument. " +
			"Creating keys needs an owner or admin account token. Requires Terraform 1.10 or later.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment of the API key. Defaults to the provider's `environment`. " +
					"With an environment API key as the provider's credential, only that key's environment.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{slugValidator},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "What the key is for. The environment's key listing shows it, while the key exists, followed by a mark of the run that opened it (`ci (ephemeral k7dq2m4a)`): API key names are unique per environment, and each run's key is its own.",
				Required:            true,
				Validators:          nameValidators(),
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "`read_write` writes the environment's configuration and data; `read_only` only reads.",
				Required:            true,
				Validators:          scopeValidators(),
			},
			"key_id": schema.StringAttribute{
				MarkdownDescription: "The key's identifier, also the public part of its secret.",
				Computed:            true,
			},
			"prefix": schema.StringAttribute{
				MarkdownDescription: "First characters of the secret, to recognise the key in listings and logs.",
				Computed:            true,
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The key itself, valid until the end of the Terraform run.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (e *apiKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses an environment the provider's credential cannot
// reach, when the provider is already configured; Open refuses it in any
// case.
func (e *apiKeyEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	if e.data == nil {
		return
	}
	var env types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("environment"), &env)...)
	if resp.Diagnostics.HasError() || env.IsNull() || env.IsUnknown() {
		return
	}
	checkReachable(e.data, env.ValueString(), &resp.Diagnostics)
}

func (e *apiKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m apiKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := e.data.environment
	if !m.Environment.IsNull() {
		env = m.Environment.ValueString()
	}
	if !checkReachable(e.data, env, &resp.Diagnostics) {
		return
	}
	key, err := e.data.client.CreateAPIKey(ctx, env, domain.APIKeyInput{Name: openedKeyName(m.Name.ValueString()), Scope: domain.Scope(m.Scope.ValueString())})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error creating ephemeral API key %q in environment %s", m.Name.ValueString(), env), err, path.Empty())
		return
	}
	tflog.Debug(ctx, "opened ephemeral API key", map[string]any{"environment": key.Environment, "key_id": key.ID})
	// Recorded before the result, so that Close revokes the key even when
	// what follows fails.
	resp.Diagnostics.Append(setOpenedKey(ctx, resp.Private, openedKey{Environment: key.Environment, KeyID: key.ID})...)
	m.Environment = types.StringValue(key.Environment)
	m.KeyID = types.StringValue(key.ID)
	m.Prefix = types.StringValue(key.Prefix)
	m.Secret = types.StringValue(key.Secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// Close revokes the key. A key already revoked, by an operator or by its
// environment's deletion, is what Close wanted.
func (e *apiKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, openedKeyPrivate)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return
	}
	var key openedKey
	if err := json.Unmarshal(raw, &key); err != nil {
		resp.Diagnostics.AddError("Corrupt private data of ephemeral API key",
			fmt.Sprintf("Cannot tell which key to revoke (%s); this is a bug in the provider. Revoke the key named in the configuration by hand.", err))
		return
	}
	err := e.data.client.DeleteAPIKey(ctx, key.Environment, key.KeyID, client.Cond{})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error revoking ephemeral API key %s in environment %s", key.KeyID, key.Environment), err, path.Empty())
		return
	}
	tflog.Debug(ctx, "closed ephemeral API key", map[string]any{"environment": key.Environment, "key_id": key.KeyID, "already_gone": err != nil})
}

// openedKeyName is the name of the key one Open makes: the configured name
// and a mark of its own. Key names are unique per environment, and each
// Open (in plan, in apply, in concurrent runs) makes a key that its own
// Close revokes; under the configured name alone a second Open would be
// refused, or answered with a key another run is about to revoke.
func openedKeyName(name string) string {
	mark := " (ephemeral " + domain.RandomString(5) + ")"
	if keep := domain.MaxNameLength - utf8.RuneCountInString(mark); utf8.RuneCountInString(name) > keep {
		name = string([]rune(name)[:keep])
	}
	return name + mark
}

func setOpenedKey(ctx context.Context, p privateStateWriter, key openedKey) diag.Diagnostics {
	raw, err := json.Marshal(key)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the ephemeral API key", err.Error())
		return diags
	}
	return p.SetKey(ctx, openedKeyPrivate, raw)
}
