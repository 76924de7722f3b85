package domain

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// KindTranslation is the kind of translations: the strings of one locale
// (and optional namespace) that templates read with {{ "key" | t }},
// versioned like workflows.
var KindTranslation = Kind{Name: "translation", Noun: "translation", Collection: "translations"}

// Translation limits.
const (
	MaxTranslationStrings = 2_000
	MaxTranslationString  = 10_000
)

// TranslationKeyRule describes a translation's key, for documentation.
const TranslationKeyRule = "its locale, a BCP 47 tag in canonical form such as `en`, `en-US` or `pt-BR`, optionally after a namespace and a dot (`billing.en-US`); a namespace is 1–100 lowercase letters, digits, _ and -"

// translationNamespace reports whether s is a namespace: 1–100 lowercase
// letters, digits, _ and -.
func translationNamespace(s string) bool { return len(s) <= 100 && keyChars(s) }

// CheckTranslationStringKey is why s is not a string key, or "".
func CheckTranslationStringKey(s string) string {
	if translationStringKey(s) {
		return ""
	}
	return "is not a string key: 1–255 letters, digits, _, ., : and -"
}

// translationStringKey reports whether s is a string key: 1–255 letters,
// digits, _, ., : and -.
func translationStringKey(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '.' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

// canonicalLocales holds the locales CheckLocale found in canonical form:
// a document holds thousands of translations in a few locales, and
// parsing a tag costs more than the rest of a translation's checks.
var canonicalLocales sync.Map

// maxCanonicalLocales bounds canonicalLocales, which holds what requests
// sent: past it, a locale is parsed each time.
const maxCanonicalLocales = 1024

var canonicalLocaleCount atomic.Int64

// Translation holds the strings of one locale, optionally of one
// namespace: its key is `<locale>` or `<namespace>.<locale>`. The
// recipient's locale picks it, falling back to the environment's default
// locale. Content under the promotion rule; no active flag.
type Translation struct {
	Key     string            `json:"key" doc:"<locale> or <namespace>.<locale>, with a BCP 47 locale in canonical form (en, en-US, billing.pt-BR); taken from the path on writes." example:"en-US"`
	Strings map[string]string `json:"strings" doc:"The translated strings by key, which templates read with {{ \"key\" | t }}; at most 2,000, each at most 10,000 characters." example:"{\"welcome\":\"Welcome, {{ recipient.name }}!\"}"`
	VersionState
	Meta
}

func (t *Translation) ObjectKey() string         { return t.Key }
func (t *Translation) SetObjectKey(k string)     { t.Key = k }
func (t *Translation) References() []Ref         { return nil }
func (t *Translation) ChannelUses() []ChannelUse { return nil }

// Templates are the translation's strings: a translated string is
// rendered as a template, with the message's scope.
func (t *Translation) Templates() map[string]string {
	templates := make(map[string]string, len(t.Strings))
	for k, v := range t.Strings {
		templates["strings."+k] = v
	}
	return templates
}
func (t *Translation) ApplyDefaults() {
	if t.Strings == nil {
		t.Strings = map[string]string{}
	}
}

// SplitTranslationKey returns the namespace ("" for none) and the locale
// of a translation key.
func SplitTranslationKey(key string) (namespace, locale string) {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// CheckTranslationKey returns a message when key is not a translation key
// (TranslationKeyRule), else "".
func CheckTranslationKey(key string) string {
	namespace, locale := SplitTranslationKey(key)
	if strings.Contains(key, ".") && !translationNamespace(namespace) {
		return "must be " + TranslationKeyRule + fmt.Sprintf(": the namespace %q is not", namespace)
	}
	if msg := CheckLocale(locale); msg != "" {
		return "must be " + TranslationKeyRule + ": " + msg
	}
	return ""
}

// CheckLocale returns a message when locale is not a BCP 47 tag in
// canonical form, else "".
func CheckLocale(locale string) string {
	if _, ok := canonicalLocales.Load(locale); ok {
		return ""
	}
	tag, err := language.Parse(locale)
	switch {
	case locale == "" || err != nil:
		return fmt.Sprintf("%q is not a BCP 47 locale", locale)
	case tag.String() != locale:
		return fmt.Sprintf("the locale %q is written %q", locale, tag.String())
	}
	if canonicalLocaleCount.Load() < maxCanonicalLocales {
		if _, loaded := canonicalLocales.LoadOrStore(locale, true); !loaded {
			canonicalLocaleCount.Add(1)
		}
	}
	return ""
}

// Validate checks the translation, reporting every problem with its field.
func (t *Translation) Validate() Problems {
	var p Problems
	if msg := CheckTranslationKey(t.Key); msg != "" {
		p.Add("key", "%s", msg)
	}
	if len(t.Strings) > MaxTranslationStrings {
		p.Add("strings", "must have at most %d strings (got %d)", MaxTranslationStrings, len(t.Strings))
	}
	for k, v := range t.Strings {
		if msg := CheckTranslationStringKey(k); msg != "" {
			p.Add("strings", "%q %s", k, msg)
		}
		if n := utf8.RuneCountInString(v); n > MaxTranslationString {
			p.Add("strings."+k, "must be at most %d characters (got %d)", MaxTranslationString, n)
		}
	}
	checkTemplates(&p, t.Templates())
	return p
}

// VersionedContent is what a translation's sha covers: its strings (JSON
// writes a map's keys sorted); none and an empty object are the same.
func (t *Translation) VersionedContent() any {
	s := t.Strings
	if s == nil {
		s = map[string]string{}
	}
	return struct {
		Strings map[string]string `json:"strings"`
	}{s}
}
