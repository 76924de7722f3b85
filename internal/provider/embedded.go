package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
)

// embeddedBackends holds the in-process backends of this process, one per
// database file. Terraform may configure the provider several times in one
// process (and tests do so constantly); the database is opened once.
var embeddedBackends = struct {
	sync.Mutex
	byPath map[string]*backend.Server
}{byPath: map[string]*backend.Server{}}

// openEmbedded returns the in-process backend on the SQLite file at path,
// creating the database on first use.
func openEmbedded(ctx context.Context, path string) (*backend.Server, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolving database path %q: %w", path, err)
	}
	embeddedBackends.Lock()
	defer embeddedBackends.Unlock()
	if srv, ok := embeddedBackends.byPath[abs]; ok {
		return srv, nil
	}
	st, err := sqlite.Open(ctx, abs)
	if err != nil {
		return nil, err
	}
	sealer, err := backend.LoadSealer(abs)
	if err != nil {
		st.Close()
		return nil, err
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		st.Close()
		return nil, err
	}
	embeddedBackends.byPath[abs] = srv
	return srv, nil
}
