package domain

import (
	"regexp"
	"testing"
)

// TestIsKeyIsTheKeyPattern: isKey accepts exactly the keys of the
// pattern KeyRule describes, for every string of up to three bytes drawn
// from the bytes that matter (each class's edges, the separators, a
// newline for the pattern's anchors, a non-ASCII byte).
func TestIsKeyIsTheKeyPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:@-]*$`)
	alphabet := []byte("aAzZ09_.:@-/ \n\x00\xc3`{[")
	var try func(prefix []byte)
	try = func(prefix []byte) {
		if got, want := isKey(string(prefix)), pattern.MatchString(string(prefix)); got != want {
			t.Errorf("isKey(%q) = %v, the pattern says %v", prefix, got, want)
		}
		if len(prefix) == 3 {
			return
		}
		for _, c := range alphabet {
			try(append(prefix, c))
		}
	}
	try(nil)
	for _, key := range []string{"documents.read", "team-a", "user@example.com", "a:b", "x_1"} {
		if CheckKey(key) != "" {
			t.Errorf("%q refused", key)
		}
	}
}
