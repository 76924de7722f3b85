// Package embedded runs the Arbor backend inside the provider's process
// (embedded mode), one per database.
package embedded

import (
	"context"
	"sync"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// embeddedBackends holds the in-process backends of this process, one per
// database. Terraform may configure the provider several times in one
// process (and tests do so constantly); the database is opened once.
var embeddedBackends = struct {
	sync.Mutex
	byPath map[string]*backend.Server
}{byPath: map[string]*backend.Server{}}

// Open returns the in-process backend on the database named by
// value (a SQLite file by default), creating the database on first use.
func Open(ctx context.Context, value string) (*backend.Server, error) {
	name, err := database.Canonical(value)
	if err != nil {
		return nil, err
	}
	embeddedBackends.Lock()
	defer embeddedBackends.Unlock()
	if srv, ok := embeddedBackends.byPath[name]; ok {
		return srv, nil
	}
	st, err := database.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	sealer, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err != nil {
		st.Close()
		return nil, err
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		st.Close()
		return nil, err
	}
	embeddedBackends.byPath[name] = srv
	return srv, nil
}
