package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"
)

// Credential prefixes. A secret is <prefix><id>_<random>; the id part finds
// the stored row, the whole secret is compared by hash in constant time.
const (
	TokenPrefix  = "arbt_"
	APIKeyPrefix = "arbk_"
)

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// RandomString returns n bytes of entropy encoded as lowercase base32.
func RandomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return lowerBase32.EncodeToString(b)
}

// NewSecret returns a fresh credential id and secret with the given prefix.
func NewSecret(prefix string) (id, secret string) {
	id = RandomString(5)
	return id, prefix + id + "_" + RandomString(20)
}

// ParseSecret splits a presented credential into its prefix and id.
func ParseSecret(secret string) (prefix, id string, ok bool) {
	for _, p := range []string{TokenPrefix, APIKeyPrefix} {
		if rest, found := strings.CutPrefix(secret, p); found {
			id, _, found = strings.Cut(rest, "_")
			return p, id, found && id != ""
		}
	}
	return "", "", false
}

// HashSecret is how credentials and OAuth client secrets are stored. They
// carry at least 100 bits of entropy, so a fast hash is not brute-forceable.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// SecretMatches compares a presented secret with a stored hash in constant time.
func SecretMatches(secret string, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashSecret(secret), hash) == 1
}

// Token is an account token: a credential of one of the backend's operators.
type Token struct {
	ID        string       `json:"id" readOnly:"true" doc:"Identifier, also the public part of the secret."`
	Name      string       `json:"name" doc:"What the token is for."`
	Role      OperatorRole `json:"role" values:"operator_roles" doc:"Operator role."`
	Prefix    string       `json:"prefix" readOnly:"true" doc:"The first characters of the secret, to recognise it."`
	Secret    string       `json:"secret,omitempty" readOnly:"true" doc:"The token itself. Returned only by the request that creates it."`
	CreatedAt time.Time    `json:"created_at" readOnly:"true"`
	Version   int64        `json:"version" readOnly:"true"`
}

// TokenInput is the body of a token creation.
type TokenInput struct {
	Name string       `json:"name" doc:"What the token is for."`
	Role OperatorRole `json:"role" values:"operator_roles" doc:"Operator role."`
}

// Validate checks a token creation.
func (in TokenInput) Validate() Problems {
	var p Problems
	checkText(&p, "name", in.Name, MaxNameLength, true)
	if !in.Role.Valid() {
		p.Add("role", "must be one of %s", strings.Join(Names(OperatorRoles), ", "))
	}
	return p
}

// APIKey is an environment API key.
type APIKey struct {
	ID          string    `json:"id" readOnly:"true" doc:"Identifier, also the public part of the secret."`
	Environment string    `json:"environment" readOnly:"true" doc:"The only environment the key reaches."`
	Name        string    `json:"name" doc:"What the key is for."`
	Scope       Scope     `json:"scope" values:"scopes" doc:"read_write writes configuration and data of the environment; read_only only reads."`
	Prefix      string    `json:"prefix" readOnly:"true" doc:"The first characters of the secret, to recognise it."`
	Secret      string    `json:"secret,omitempty" readOnly:"true" doc:"The key itself. Returned only by the request that creates it."`
	CreatedAt   time.Time `json:"created_at" readOnly:"true"`
	Version     int64     `json:"version" readOnly:"true"`
}

// APIKeyInput is the writable part of an API key.
type APIKeyInput struct {
	Name  string `json:"name" doc:"What the key is for."`
	Scope Scope  `json:"scope" values:"scopes" doc:"read_write or read_only."`
}

// Validate checks an API key write.
func (in APIKeyInput) Validate() Problems {
	var p Problems
	checkText(&p, "name", in.Name, MaxNameLength, true)
	if !in.Scope.Valid() {
		p.Add("scope", "must be %s", strings.Join(Names(Scopes), " or "))
	}
	return p
}

// SecretPrefix is the part of a secret shown in listings: the kind and id
// of a generated secret (arbk_k7dq2m4a_), which are public. A secret of any
// other shape, such as an operator's bootstrap token, shows nothing.
func SecretPrefix(secret string) string {
	prefix, id, ok := ParseSecret(secret)
	if !ok {
		return ""
	}
	return prefix + id + "_"
}

// Whoami describes the credential of a request.
type Whoami struct {
	Kind        PrincipalKind `json:"kind" values:"principal_kinds" doc:"What kind of credential this is."`
	ID          string        `json:"id,omitempty" doc:"The credential's id."`
	Name        string        `json:"name,omitempty" doc:"The credential's name."`
	Role        OperatorRole  `json:"role,omitempty" doc:"Operator role, for account tokens."`
	Environment string        `json:"environment,omitempty" doc:"The only environment an API key reaches."`
	Scope       Scope         `json:"scope,omitempty" doc:"Scope, for API keys."`
}
