package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// TestDocumentImports: the measured document, at a small size, imports
// into a new backend once its channels are made, as each run does, so a
// rule of the backend that the document breaks fails here rather than an
// hour into make bench.
func TestDocumentImports(t *testing.T) {
	ctx := context.Background()
	st, err := database.Open(ctx, filepath.Join(t.TempDir(), "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: srv.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	for key, ch := range documentChannels {
		if _, err := client.Objects[domain.Channel](c, domain.KindChannel).Put(ctx, domain.Development, key, &ch, client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	const n = 200
	doc := configDocument(n)
	raw, err := doc.Encode()
	if err != nil {
		t.Fatal(err)
	}
	result, err := c.ImportConfig(ctx, domain.Development, raw, client.ImportOptions{})
	if err != nil {
		t.Fatalf("the benchmark's document does not import: %v", err)
	}
	created := 0
	for _, k := range result.Created {
		created += k
	}
	if created != n {
		t.Errorf("created %d objects, want %d", created, n)
	}
}
