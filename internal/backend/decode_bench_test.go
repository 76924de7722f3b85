package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
)

// BenchmarkCheckJSONStrings measures the strict pre-check on a large
// configuration-document-like body, the worst case it sees.
func BenchmarkCheckJSONStrings(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"permissions":[`)
	for i := range 20000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"key":"perm.%06d","name":"Permission %d — ünïcode \u00e9","description":"reads \"things\" and \ud83d\ude00"}`, i, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if fe := backend.CheckJSONStrings(body); fe != nil {
			b.Fatal(fe)
		}
	}
}
