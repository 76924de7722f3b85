package domain

import (
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits shared by the backend's validation and the provider's plan-time
// validators.
const (
	MaxKeyLength         = 255
	MaxNameLength        = 255
	MaxDescriptionLength = 1024
	MaxURLLength         = 2048
)

var (
	slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	hexColor    = regexp.MustCompile(`^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$`)
)

// KeyRule describes the shape of an object key, for documentation.
const KeyRule = "1–255 characters: letters, digits and _ . : @ -, starting with a letter or digit"

// SlugRule describes the shape of an environment slug, for documentation.
const SlugRule = "2–63 characters: lowercase letters, digits and -, starting with a letter and not ending with -"

// CheckKey returns a message when key is not a valid object key, else "".
func CheckKey(key string) string {
	switch {
	case key == "":
		return "must not be empty"
	case len(key) > MaxKeyLength:
		return "must be at most 255 characters"
	case !isKey(key):
		return "must be " + KeyRule
	}
	return ""
}

// isKey says key has an object key's characters (KeyRule): a letter or
// digit, then letters, digits and _ . : @ -. A loop, not a regular
// expression: an access check validates three keys, and the expression
// cost more than the rest of the check's answer.
func isKey(key string) bool {
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && (c == '_' || c == '.' || c == ':' || c == '@' || c == '-'):
		default:
			return false
		}
	}
	return key != ""
}

// CheckSlug returns a message when slug is not a valid environment slug.
func CheckSlug(slug string) string {
	if len(slug) < 2 || len(slug) > 63 || !slugPattern.MatchString(slug) {
		return "must be " + SlugRule
	}
	return ""
}

// CheckHexColor returns a message when s is not a #RGB or #RRGGBB colour.
func CheckHexColor(s string) string {
	if !hexColor.MatchString(s) {
		return "must be a hex colour such as #0A7 or #00AA77"
	}
	return ""
}

// CheckEmail returns a message when s is not a plain email address.
func CheckEmail(s string) string {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "must be an email address such as ada@example.com"
	}
	if at := strings.LastIndexByte(s, '@'); at < 1 || !strings.Contains(s[at+1:], ".") {
		return "must be an email address with a domain, such as ada@example.com"
	}
	return ""
}

// CheckHTTPURL returns a message when s is not an absolute http(s) URL.
func CheckHTTPURL(s string) string {
	if len(s) > MaxURLLength {
		return "must be at most 2048 characters"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an absolute http or https URL"
	}
	return ""
}

// CheckRedirectURI returns a message when s is not an acceptable OAuth
// redirect URI: absolute https, or http only for a loopback host.
func CheckRedirectURI(s string) string {
	if msg := CheckHTTPURL(s); msg != "" {
		return msg
	}
	u, _ := url.Parse(s)
	if u.Fragment != "" {
		return "must not contain a fragment"
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "must use https (http is allowed only for localhost)"
	}
	return ""
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TextRule says which characters names and descriptions may hold, for
// documentation. Free JSON values (tenant properties, templates, trigger
// data) may hold any character JSON can carry.
const TextRule = "valid UTF-8 without control characters (U+0000–U+001F, U+007F–U+009F) other than tab, line feed and carriage return"

// checkText validates a free-text field (a name, a description): its
// length in characters, and no control characters but tab and line
// breaks: a NUL or an escape sequence in a name is a mistake or an attack
// on whoever displays it, never a name.
func checkText(p *Problems, field, value string, maxLength int, required bool) {
	n := utf8.RuneCountInString(value)
	switch {
	case required && strings.TrimSpace(value) == "":
		p.Add(field, "must not be empty")
	case n > maxLength:
		p.Add(field, "must be at most %d characters (got %d)", maxLength, n)
	case !utf8.ValidString(value):
		p.Add(field, "must be valid UTF-8")
	default:
		if i := strings.IndexFunc(value, isForbiddenControl); i >= 0 {
			r, _ := utf8.DecodeRuneInString(value[i:])
			p.Add(field, "must not contain the control character U+%04X (at byte %d): text is %s", r, i, TextRule)
		}
	}
}

func isForbiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// checkKeyField validates a key-shaped field.
func checkKeyField(p *Problems, field, value string) {
	if msg := CheckKey(value); msg != "" {
		p.Add(field, "%s", msg)
	}
}

// MaxSetSize caps the members of any set-valued field.
const MaxSetSize = 1000

var scopePattern = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]+$`)

// ScopeRule describes the shape of an OAuth scope, for documentation.
const ScopeRule = "1–255 printable ASCII characters without spaces, quotes or backslashes"

// CheckScope returns a message when s is not an OAuth scope token.
func CheckScope(s string) string {
	if len(s) == 0 || len(s) > MaxKeyLength || !scopePattern.MatchString(s) {
		return "must be " + ScopeRule
	}
	return ""
}

// CheckEventName returns a message when s is not a webhook event name; it
// has the shape of a key, such as role.updated.
func CheckEventName(s string) string { return CheckKey(s) }

// SortedSet returns the distinct values of s in order, never nil, so that a
// set is stored and compared in one form.
func SortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// checkSet validates the members of a set-valued field. Problems name the
// field and the offending member, not its position: a set has no order.
func checkSet(p *Problems, field string, values []string, check func(string) string) {
	if len(values) > MaxSetSize {
		p.Add(field, "must have at most %d members (got %d)", MaxSetSize, len(values))
		return
	}
	for _, v := range values {
		if msg := check(v); msg != "" {
			p.Add(field, "%q %s", v, msg)
		}
	}
}
