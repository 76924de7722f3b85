package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The loops that stand for regexps in the checks of every object
// (keyChars, ParseDuration, layoutContents, translationNamespace,
// translationStringKey) decide as the regexps they
// replaced, on inputs built from the characters that matter to them and
// on fuzzed ones.
func TestValidationLoopsAgreeWithTheirRegexps(t *testing.T) {
	key := regexp.MustCompile(`^[a-z0-9_-]+$`)
	duration := regexp.MustCompile(`^(\d+[smhdw])+$`)
	content := regexp.MustCompile(`\{\{-?\s*content\s*-?\}\}`)
	namespace := regexp.MustCompile(`^[a-z0-9_-]{1,100}$`)
	stringKey := regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,255}$`)
	pieces := []string{"", "a", "z", "0", "9", "_", "-", "A", "Z", ":", "@", "[", "`", " ", "\t", "\n", "\v", "é", "{", "{{", "}", "}}", "content", "s", "m", "h", "d", "w", "x", ".", "1", "30"}
	var inputs []string
	var build func(prefix string, depth int)
	build = func(prefix string, depth int) {
		inputs = append(inputs, prefix)
		if depth == 0 {
			return
		}
		for _, p := range pieces {
			build(prefix+p, depth-1)
		}
	}
	build("", 3)
	inputs = append(inputs, "{{{ content }}", "{{- content -}}{{content}}", "{{ -content}}", "{{content - }}", "<p>{{  content\n}}</p>", "1h30m", "365d", "366d", "52w1d", "0s", "9223372036854775807s", strings.Repeat("365d", 100),
		strings.Repeat("a", 100), strings.Repeat("a", 101), strings.Repeat("A:", 127)+"b", strings.Repeat("A:", 128))
	for _, in := range inputs {
		if got, want := keyChars(in), key.MatchString(in); got != want {
			t.Errorf("keyChars(%q) = %v, the regexp says %v", in, got, want)
		}
		if got, want := translationNamespace(in), namespace.MatchString(in); got != want {
			t.Errorf("translationNamespace(%q) = %v, the regexp says %v", in, got, want)
		}
		if got, want := translationStringKey(in), stringKey.MatchString(in); got != want {
			t.Errorf("translationStringKey(%q) = %v, the regexp says %v", in, got, want)
		}
		if got, want := layoutContents(in), len(content.FindAllStringIndex(in, -1)); got != want {
			t.Errorf("layoutContents(%q) = %d, the regexp finds %d", in, got, want)
		}
		_, err := ParseDuration(in)
		if want := duration.MatchString(in) && sumOfParts(in) > 0 && sumOfParts(in) <= MaxDelay; (err == nil) != want {
			t.Errorf("ParseDuration(%q): %v, the regexp and the sum say valid=%v", in, err, want)
		}
	}
}

// sumOfParts adds a duration's parts as the regexp split them, saturating
// above MaxDelay.
func sumOfParts(s string) time.Duration {
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}
	var total time.Duration
	for _, m := range regexp.MustCompile(`(\d+)([smhdw])`).FindAllStringSubmatch(s, -1) {
		n := time.Duration(0)
		for _, c := range m[1] {
			if n = n*10 + time.Duration(c-'0'); n > MaxDelay {
				return MaxDelay + 1
			}
		}
		if total += n * unit[m[2]]; total > MaxDelay || n*unit[m[2]]/unit[m[2]] != n {
			return MaxDelay + 1
		}
	}
	return total
}

func FuzzLayoutContents(f *testing.F) {
	content := regexp.MustCompile(`\{\{-?\s*content\s*-?\}\}`)
	namespace := regexp.MustCompile(`^[a-z0-9_-]{1,100}$`)
	stringKey := regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,255}$`)
	for _, s := range []string{"{{ content }}", "{{{ content }}}", "{{-\tcontent\r-}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := translationNamespace(in), namespace.MatchString(in); got != want {
			t.Errorf("translationNamespace(%q) = %v, the regexp says %v", in, got, want)
		}
		if got, want := translationStringKey(in), stringKey.MatchString(in); got != want {
			t.Errorf("translationStringKey(%q) = %v, the regexp says %v", in, got, want)
		}
		if got, want := layoutContents(in), len(content.FindAllStringIndex(in, -1)); got != want {
			t.Errorf("layoutContents(%q) = %d, the regexp finds %d", in, got, want)
		}
	})
}

// CheckLocale answers a locale it has found canonical before as it did
// the first time, and never lets that answer stand for another spelling.
func TestCheckLocaleAnswersAgainAsAtFirst(t *testing.T) {
	for range 2 {
		for locale, canonical := range map[string]bool{"en-US": true, "en-us": false, "pt-BR": true, "": false, "xx-": false, "sr-Latn-RS": true, "sr-latn-rs": false} {
			if got := CheckLocale(locale) == ""; got != canonical {
				t.Errorf("CheckLocale(%q) canonical = %v, want %v", locale, got, canonical)
			}
		}
	}
}

// A section large enough to be checked on several goroutines reports what
// checking each object in turn reports, in the same order: every object's
// own problems under its index, and a key sent twice.
func TestALargeSectionReportsAsInTurn(t *testing.T) {
	var items []Permission
	var want Problems
	keys := map[string]bool{}
	for i := range parallelValidation * 3 {
		p := Permission{Key: fmt.Sprintf("p%04d", i), Name: "P"}
		switch i % 97 {
		case 5:
			p.Key = "Not A Key"
		case 11:
			p.Name = ""
		case 13:
			p.Key = "p0000"
		}
		items = append(items, p)
		at := fmt.Sprintf("permissions[%d]", i)
		want.Merge(at, p.Validate())
		if keys[p.Key] {
			want.Add(at+".key", "%q appears twice in permissions", p.Key)
		}
		keys[p.Key] = true
	}
	if len(want) < 9 {
		t.Fatalf("only %d problems made", len(want))
	}
	var got Problems
	validateSection(&got, "permissions", items, map[string]bool{})
	if !slices.Equal(got, want) {
		t.Fatalf("the section reports\n%v\nchecked in turn\n%v", got, want)
	}
}
