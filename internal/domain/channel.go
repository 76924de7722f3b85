package domain

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// DeliveryChannelTypes are the types a channel can have. A workflow step
// also knows the type http (ChannelTypes), which no channel delivers: a
// step of that type is refused by the channel-reference rule.
var DeliveryChannelTypes = []string{"email", "sms", "push", "chat", "in_app_feed"}

// KindChannel is the kind of channels.
var KindChannel = Kind{Name: "channel", Noun: "channel", Collection: "channels"}

// Limits of a channel's settings and credentials.
const (
	MaxChannelSettings       = 100
	MaxChannelSettingLength  = 2048
	MaxChannelCredentialSize = 16 << 10
)

// Channel is a delivery channel of one environment: the provider it sends
// through, with that provider's settings and credentials. Channels are each
// environment's own (development sends through a sandbox, production
// through the real account): never promoted or exported; copy_from copies
// their definitions into a new environment, never their credentials.
type Channel struct {
	Key      string            `json:"key" doc:"Identifier within the environment, named by workflow steps' channel.key; taken from the path on writes, so a body may leave it out or repeat it." example:"postmark"`
	Name     string            `json:"name" doc:"Display name."`
	Type     string            `json:"type" values:"delivery_channel_types" doc:"Channel type: a workflow step of this type may send through the channel."`
	Service  string            `json:"service" doc:"The delivery provider, such as postmark, sendgrid, twilio, fcm, apns or slack." example:"postmark"`
	Settings map[string]string `json:"settings,omitempty" doc:"Non-secret settings of the delivery provider (sender address, sandbox mode): the whole map, replaced by every write."`
	// Credentials travel only towards the backend: they are sealed apart
	// from the stored body and no response carries them.
	Credentials JSONObject `json:"credentials,omitempty" writeOnly:"true" doc:"In a write: replaces the delivery provider's credentials (a JSON object, at most 16 KiB); a write without it keeps the ones stored. Never returned."`
	// NeedsCredentials is set on a channel copy_from copied from an
	// environment where it had credentials, and cleared by the first write
	// that supplies them. Left out when false, so a channel never copied
	// answers as it always did.
	NeedsCredentials bool `json:"needs_credentials,omitempty" readOnly:"true" doc:"True for a channel that copy_from copied without the credentials it had in the source environment, until a write supplies them: nothing should send through it before then."`
	Meta
}

func (c *Channel) ObjectKey() string     { return c.Key }
func (c *Channel) SetObjectKey(k string) { c.Key = k }
func (c *Channel) References() []Ref     { return nil }

// Validate checks the channel's fields. Messages about credentials never
// repeat them.
func (c *Channel) Validate() Problems {
	var p Problems
	checkKeyField(&p, "key", c.Key)
	checkText(&p, "name", c.Name, MaxNameLength, true)
	if !slices.Contains(DeliveryChannelTypes, c.Type) {
		p.Add("type", "must be one of %s", strings.Join(DeliveryChannelTypes, ", "))
	}
	if msg := CheckServiceName(c.Service); msg != "" {
		p.Add("service", "%s", msg)
	}
	if len(c.Settings) > MaxChannelSettings {
		p.Add("settings", "must have at most %d entries (got %d)", MaxChannelSettings, len(c.Settings))
	}
	for _, k := range sortedKeys(c.Settings) {
		if msg := CheckKey(k); msg != "" {
			p.Add("settings", "setting name %q %s", k, msg)
			continue
		}
		checkText(&p, "settings."+k, c.Settings[k], MaxChannelSettingLength, false)
	}
	if len(c.Credentials) > 0 {
		if msg := CheckChannelCredentials(c.Credentials); msg != "" {
			p.Add("credentials", "%s", msg)
		}
	}
	return p
}

// CheckChannelCredentials returns a message when raw cannot be a channel's
// credentials. The message never repeats them.
func CheckChannelCredentials(raw []byte) string {
	switch {
	case len(raw) > MaxChannelCredentialSize:
		return fmt.Sprintf("must be at most %d bytes of JSON", MaxChannelCredentialSize)
	case !JSONObject(raw).isObject():
		return "must be a JSON object"
	}
	return ""
}

// ServiceRule describes a channel's service name, for documentation.
const ServiceRule = "1–64 characters of lowercase letters, digits, _ and -, starting with a letter"

// CheckServiceName returns a message when s is not a delivery provider's
// name.
func CheckServiceName(s string) string {
	if s == "" || utf8.RuneCountInString(s) > 64 || s[0] < 'a' || s[0] > 'z' || !keyChars(s) {
		return "must be " + ServiceRule
	}
	return ""
}
