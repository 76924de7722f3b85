package domain

// KindOAuthClient is the kind of OAuth clients.
var KindOAuthClient = Kind{Name: "oauth_client", Noun: "OAuth client", Collection: "oauth-clients"}

// Prefixes of the OAuth client credentials the backend generates.
const (
	ClientIDPrefix     = "arbc_"
	ClientSecretPrefix = "arbcs_"
)

// OAuthClient is an application that signs users in through the
// environment. The backend generates its client_id once and its secret at
// creation; the secret is stored hashed and shown only in that response.
type OAuthClient struct {
	Key          string   `json:"key" doc:"Identifier within the environment; taken from the path on writes, so a body may leave it out or repeat it." example:"dashboard"`
	Name         string   `json:"name" doc:"Display name." example:"Customer dashboard"`
	RedirectURIs []string `json:"redirect_uris" required:"false" doc:"Where users may be sent back after signing in: absolute https URLs, or http for localhost. The whole set, replaced by every write; stored deduplicated and sorted." example:"[\"https://app.example.com/callback\"]"`
	Scopes       []string `json:"scopes" required:"false" doc:"Scopes the client may request. The whole set, replaced by every write; stored deduplicated and sorted." example:"[\"openid\"]"`
	ClientID     string   `json:"client_id,omitempty" readOnly:"true" doc:"Public identifier, generated when the client is created and never changed."`
	ClientSecret string   `json:"client_secret,omitempty" readOnly:"true" doc:"Secret, generated when the client is created and returned only by the request that creates it; stored hashed."`
	Meta
}

func (c *OAuthClient) ObjectKey() string     { return c.Key }
func (c *OAuthClient) SetObjectKey(k string) { c.Key = k }
func (c *OAuthClient) References() []Ref     { return nil }

// Normalize stores the sets in one canonical form.
func (c *OAuthClient) Normalize() {
	c.RedirectURIs = SortedSet(c.RedirectURIs)
	c.Scopes = SortedSet(c.Scopes)
}

// Validate checks the client's writable fields.
func (c *OAuthClient) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "key", c.Key)
	checkText(&probs, "name", c.Name, MaxNameLength, true)
	checkSet(&probs, "redirect_uris", c.RedirectURIs, CheckRedirectURI)
	checkSet(&probs, "scopes", c.Scopes, CheckScope)
	return probs
}
