package console

// neverTouched is what an import or promotion leaves alone, whatever the
// document says (DESIGN: what a document carries).
var neverTouched = []string{
	"identities and their role assignments (unless you choose to remove the assignments of removed roles and nodes)",
	"API keys and account tokens",
	"tenants, channels, variables and branding",
	"secrets: OAuth client secrets and webhook signing secrets are generated anew for objects the document creates",
	"whether each workflow and guide is active in the target",
}
