package client_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
)

func TestCAFileIsTrusted(t *testing.T) {
	t.Parallel()
	files := acctest.NewTLSFiles(t)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"account_token","role":"owner"}`))
	}))
	ts.TLS = files.ServerConfig(t)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	ctx := context.Background()

	untrusting, err := client.New(client.Config{Endpoint: ts.URL, Token: "t", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	var unknownAuthority x509.UnknownAuthorityError
	if _, err := untrusting.Whoami(ctx); !errors.As(err, &unknownAuthority) {
		t.Errorf("without the CA file: %v, want an unknown-authority error", err)
	}

	roots, err := client.LoadCAFile(files.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	trusting, err := client.New(client.Config{Endpoint: ts.URL, Token: "t", MaxRetries: 0, RootCAs: roots})
	if err != nil {
		t.Fatal(err)
	}
	if who, err := trusting.Whoami(ctx); err != nil || who.Role != "owner" {
		t.Errorf("with the CA file: %+v %v", who, err)
	}
}

func TestLoadCAFileSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		filepath.Join(dir, "missing.pem"): "reading the CA file",
		notPEM:                            "holds no PEM certificate",
	} {
		if _, err := client.LoadCAFile(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadCAFile(%s): %v, want an error saying %q", path, err, want)
		}
	}
}
