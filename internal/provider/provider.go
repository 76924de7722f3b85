// Package provider is the Terraform provider for Arbor, built on
// terraform-plugin-framework. It holds framework types only: every rule is
// the backend's, reached through the client; where the provider answers
// earlier, at plan time, it calls the same domain functions.
package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/embedded"
	storedatabase "github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

var (
	_ provider.Provider                       = (*arborProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*arborProvider)(nil)
	_ provider.ProviderWithListResources      = (*arborProvider)(nil)
	_ provider.ProviderWithActions            = (*arborProvider)(nil)
)

// New returns the provider factory for a build of the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &arborProvider{version: version}
	}
}

type arborProvider struct {
	version string
}

type providerModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	APIKey         types.String `tfsdk:"api_key"`
	Database       types.String `tfsdk:"database"`
	Environment    types.String `tfsdk:"environment"`
	MaxConcurrency types.Int64  `tfsdk:"max_concurrency"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	MaxRetryWait   types.String `tfsdk:"max_retry_wait"`
	CAFile         types.String `tfsdk:"ca_file"`
}

// Environment variables read when the matching argument is not set.
const (
	envEndpoint       = "ARBOR_ENDPOINT"
	envAPIKey         = "ARBOR_API_KEY"
	envDatabase       = "ARBOR_DATABASE"
	envEnvironment    = "ARBOR_ENVIRONMENT"
	envMaxConcurrency = "ARBOR_MAX_CONCURRENCY"
	envMaxRetries     = "ARBOR_MAX_RETRIES"
	envMaxRetryWait   = "ARBOR_MAX_RETRY_WAIT"
	envCAFile         = "ARBOR_CA_FILE"
	defaultDatabase   = "arbor.db"
)

func (p *arborProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "arbor"
	resp.Version = p.version
}

func (p *arborProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Arbor: permissions, roles, hierarchy, identities, tenants and notification workflows, per environment. " +
			"Without `endpoint` the provider runs the Arbor backend in-process on a local SQLite file (embedded mode); " +
			"with `endpoint` and `api_key` it talks to a running `terraform-provider-arbor serve`.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Base URL of a running Arbor backend, such as `https://arbor.example.com`. Unset: embedded mode. Environment variable: `ARBOR_ENDPOINT`.",
				Optional:            true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Account token (`arbt_…`) or environment API key (`arbk_…`) used with `endpoint`. An environment key binds the provider to its environment. Environment variable: `ARBOR_API_KEY`.",
				Optional:            true,
				Sensitive:           true,
			},
			"database": schema.StringAttribute{
				MarkdownDescription: "Database of the embedded backend: a SQLite file, relative to the working directory and created on first use, or a `postgres://` URL (then `ARBOR_ENCRYPTION_KEY` must be set). Ignored with `endpoint`. Default `arbor.db`. Environment variable: `ARBOR_DATABASE`.",
				Optional:            true,
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment that environment-scoped resources use when they do not set their own `environment`. " +
					"Default: the API key's environment, else `development`. Environment variable: `ARBOR_ENVIRONMENT`.",
				Optional:   true,
				Validators: []validator.String{slugValidator},
			},
			"max_concurrency": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Maximum API requests in flight at once. Default %d. Environment variable: `ARBOR_MAX_CONCURRENCY`.", client.DefaultMaxConcurrency),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 256)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Maximum retries of a request answered 429 or 5xx, or that failed to connect. Default %d. Environment variable: `ARBOR_MAX_RETRIES`.", client.DefaultMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 100)},
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: "Longest wait between retries, as a Go duration such as `30s`; also caps waits asked for by `Retry-After`. Default `30s`. Environment variable: `ARBOR_MAX_RETRY_WAIT`.",
				Optional:            true,
				Validators:          []validator.String{durationValidator},
			},
			"ca_file": schema.StringAttribute{
				MarkdownDescription: "PEM file of the certificate authorities that the `endpoint`'s HTTPS certificate chains to, trusted instead of the system's; for a backend whose certificate a private CA signed. Ignored without `endpoint`. Environment variable: `ARBOR_CA_FILE`.",
				Optional:            true,
			},
		},
	}
}

// providerData is what resources and data sources receive from Configure.
type providerData struct {
	client *client.Client
	// environment is the default of environment-scoped resources.
	environment string
	// boundEnvironment is set when the credential is an environment API
	// key: the only environment the provider can reach.
	boundEnvironment string
	// claims are the objects this configuration's resources manage.
	claims planClaims
	// plan is what the current plan creates or changes so far.
	plan *planRecord
	// build names this build of the provider (refresh.go).
	build string
}

// stringSetting is the argument's value, else its environment variable's.
func stringSetting(v types.String, env string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func (p *arborProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"endpoint": cfg.Endpoint, "api_key": cfg.APIKey, "database": cfg.Database, "environment": cfg.Environment,
		"max_concurrency": cfg.MaxConcurrency, "max_retries": cfg.MaxRetries, "max_retry_wait": cfg.MaxRetryWait, "ca_file": cfg.CAFile,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration",
				fmt.Sprintf("The provider's %s depends on a value known only after apply. Set it from a value known at plan time, or apply its source first with -target.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	ccfg := client.Config{
		UserAgent: fmt.Sprintf("terraform-provider-arbor/%s (+https://registry.terraform.io/providers/arborhq/arbor) Terraform/%s", p.version, req.TerraformVersion),
		ManagedBy: domain.ManagedByTerraform,
	}
	var err error
	if ccfg.MaxConcurrency, err = intSetting(cfg.MaxConcurrency, envMaxConcurrency, client.DefaultMaxConcurrency); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("max_concurrency"), "Invalid max_concurrency", err.Error())
	}
	if ccfg.MaxRetries, err = intSetting(cfg.MaxRetries, envMaxRetries, client.DefaultMaxRetries); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid max_retries", err.Error())
	}
	if wait := stringSetting(cfg.MaxRetryWait, envMaxRetryWait); wait != "" {
		if ccfg.RetryWaitMax, err = time.ParseDuration(wait); err != nil || ccfg.RetryWaitMax <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("max_retry_wait"), "Invalid max_retry_wait", fmt.Sprintf("%q is not a positive duration such as 30s", wait))
		}
	}
	environment := stringSetting(cfg.Environment, envEnvironment)
	if environment != "" {
		if msg := domain.CheckSlug(environment); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("environment"), "Invalid environment", fmt.Sprintf("environment %q %s.", environment, msg))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{plan: newPlanRecord()}
	endpoint := stringSetting(cfg.Endpoint, envEndpoint)
	if endpoint == "" && stringSetting(cfg.APIKey, envAPIKey) != "" {
		// A credential without a server is a mistake: running the embedded
		// backend instead would apply to a local file, not the team's backend.
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Missing endpoint",
			"api_key (or ARBOR_API_KEY) is set but endpoint (ARBOR_ENDPOINT) is not. Set endpoint to reach your Arbor server, or unset api_key to use the embedded backend.")
		return
	}
	if endpoint == "" {
		database := stringSetting(cfg.Database, envDatabase)
		if database == "" {
			database = defaultDatabase
		}
		srv, err := embedded.Open(ctx, database)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("database"), "Cannot open the embedded Arbor database", err.Error())
			return
		}
		ccfg.Endpoint = "http://embedded.arbor.invalid"
		ccfg.Transport = srv.Transport()
		tflog.Info(ctx, "using the embedded Arbor backend", map[string]any{"database": storedatabase.Redacted(database)})
	} else {
		ccfg.Endpoint = endpoint
		ccfg.Token = stringSetting(cfg.APIKey, envAPIKey)
		if ccfg.Token == "" {
			resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing API key",
				"With endpoint set, the provider needs api_key (or ARBOR_API_KEY): an account token or an environment API key.")
			return
		}
		if caFile := stringSetting(cfg.CAFile, envCAFile); caFile != "" {
			if ccfg.RootCAs, err = client.LoadCAFile(caFile); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("ca_file"), "Cannot load the CA file", err.Error()+". Set ca_file (or ARBOR_CA_FILE) to the PEM bundle of the CA that signed the backend's certificate.")
				return
			}
		}
	}
	data.client, err = client.New(ccfg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid endpoint", err.Error())
		return
	}
	if endpoint != "" {
		who, err := data.client.Whoami(ctx)
		if err != nil {
			detail := fmt.Sprintf("Asking %s who the api_key belongs to failed: %s", endpoint, err)
			if errors.As(err, new(x509.UnknownAuthorityError)) {
				detail += "\n\nThe backend's certificate is signed by a certificate authority this machine does not trust. If it is your organisation's own CA, set ca_file (or ARBOR_CA_FILE) to its PEM bundle."
			}
			resp.Diagnostics.AddError("Cannot authenticate to the Arbor backend", detail)
			return
		}
		if who.Kind == domain.PrincipalAPIKey {
			data.boundEnvironment = who.Environment
			if environment != "" && environment != who.Environment {
				resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment does not match the API key",
					fmt.Sprintf("The api_key is a key of environment %q, so the provider cannot use environment %q. Remove environment, or use a key of %q.", who.Environment, environment, environment))
				return
			}
			environment = who.Environment
		}
	}
	if environment == "" {
		environment = domain.Development
	}
	data.environment = environment
	data.build = buildOf(p.version, ccfg.Token)
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func intSetting(v types.Int64, env string, def int) (int, error) {
	if !v.IsNull() {
		return int(v.ValueInt64()), nil
	}
	if s := os.Getenv(env); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s=%q is not a non-negative integer", env, s)
		}
		return n, nil
	}
	return def, nil
}

func (p *arborProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newEnvironmentResource,
		newAPIKeyResource,
		newPermissionResource,
		newRoleResource,
		newHierarchyNodeResource,
		newIdentityResource,
		newRoleAssignmentResource,
		newOAuthClientResource,
		newWebhookResource,
		newAccountSettingsResource,
		newTenantResource,
		newWorkflowResource,
		newGuideResource,
		newEmailLayoutResource,
		newPartialResource,
		newTranslationResource,
		newChannelResource,
		newChannelGroupResource,
		newVariableResource,
		newBrandingResource,
	}
}

// ListResources are the list resources (Terraform 1.14 and later) of every
// resource that names objects, so a new kind has one by being a resource.
func (p *arborProvider) ListResources(ctx context.Context) []func() list.ListResource {
	var out []func() list.ListResource
	for _, newResource := range p.Resources(ctx) {
		if _, ok := newResource().(listableResource); ok {
			out = append(out, func() list.ListResource { return newResource().(listableResource).listResource() })
		}
	}
	return out
}

// Actions (Terraform 1.14 and later), in actions.go.
func (p *arborProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{newPromoteAction, newExportAction}
}

func (p *arborProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newEnvironmentDataSource,
		newEnvironmentsDataSource,
		newEnvironmentConfigDataSource,
		newPermissionDataSource,
		newRoleDataSource,
		newRolesDataSource,
		newHierarchyNodeDataSource,
		newHierarchyNodesDataSource,
		newIdentityDataSource,
		newRoleAssignmentDataSource,
		newOAuthClientDataSource,
		newWebhookDataSource,
		newTenantDataSource,
		newTenantsDataSource,
		newWorkflowDataSource,
		newWorkflowsDataSource,
		newGuideDataSource,
		newGuidesDataSource,
		newEmailLayoutDataSource,
		newEmailLayoutsDataSource,
		newPartialDataSource,
		newPartialsDataSource,
		newTranslationDataSource,
		newTranslationsDataSource,
		newChannelDataSource,
		newChannelGroupDataSource,
		newVariableDataSource,
		newBrandingDataSource,
		newAccessCheckDataSource,
		newWorkflowPreviewDataSource,
	}
}

func (p *arborProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newAPIKeyEphemeralResource,
	}
}

// providerDataOf unpacks what the provider's Configure passed on.
func providerDataOf(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *providerData, got %T; this is a bug in the provider", v))
	}
	return data
}
