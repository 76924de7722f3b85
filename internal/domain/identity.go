package domain

import "strings"

// KindIdentity is the kind of identities, which belong to the account.
var KindIdentity = Kind{Name: "identity", Noun: "identity", Collection: "identities", Account: true}

// MaxEmailLength is the longest address SMTP carries.
const MaxEmailLength = 254

// Identity is a person or service, shared by every environment of the
// account. Roles are given to identities per environment.
type Identity struct {
	Key   string `json:"key" doc:"Identifier within the account; taken from the path on writes, so a body may leave it out or repeat it." example:"ada"`
	Email string `json:"email" doc:"Email address, unique across the account (compared case-insensitively)." example:"ada@example.com"`
	Name  string `json:"name" doc:"Display name." example:"Ada Lovelace"`
	Meta
}

func (i *Identity) ObjectKey() string     { return i.Key }
func (i *Identity) SetObjectKey(k string) { i.Key = k }
func (i *Identity) References() []Ref     { return nil }

// EmailIdentity is the form of the email under which no two identities may
// hold it: addresses differing only in case are the same mailbox in practice.
func (i *Identity) EmailIdentity() string { return strings.ToLower(i.Email) }

// Validate checks the identity's fields.
func (i *Identity) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "key", i.Key)
	if msg := CheckIdentityEmail(i.Email); msg != "" {
		probs.Add("email", "%s", msg)
	}
	checkText(&probs, "name", i.Name, MaxNameLength, true)
	return probs
}

// CheckIdentityEmail returns a message when s cannot be an identity's email.
func CheckIdentityEmail(s string) string {
	if len(s) > MaxEmailLength {
		return "must be at most 254 characters"
	}
	return CheckEmail(s)
}
