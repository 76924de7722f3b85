package acctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
)

// TLSFiles are a throwaway certificate authority and a server certificate
// it signed for 127.0.0.1 and localhost, as PEM files in a test's temporary
// directory.
type TLSFiles struct {
	CAFile, CertFile, KeyFile string
	// Roots holds the CA, for clients built in the test.
	Roots *x509.CertPool
}

// NewTLSFiles makes a CA and a server certificate for one test.
func NewTLSFiles(t testing.TB) TLSFiles {
	t.Helper()
	dir := t.TempDir()
	caKey := newKey(t)
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Arbor test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	serverKey := newKey(t)
	serverDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, &serverKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(serverKey)
	if err != nil {
		t.Fatal(err)
	}
	files := TLSFiles{
		CAFile:   writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER),
		CertFile: writePEM(t, dir, "server.pem", "CERTIFICATE", serverDER),
		KeyFile:  writePEM(t, dir, "server-key.pem", "EC PRIVATE KEY", keyDER),
		Roots:    x509.NewCertPool(),
	}
	files.Roots.AddCert(ca)
	return files
}

// ServerConfig is a TLS configuration serving the files' certificate.
func (f TLSFiles) ServerConfig(t testing.TB) *tls.Config {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writePEM(t testing.TB, dir, name, blockType string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// NewTLSBackend is NewBackend reached over HTTPS, with a certificate that
// only the returned files' CA vouches for. URL, Client and the provider
// configurations use HTTPS.
func NewTLSBackend(t testing.TB) (*Backend, TLSFiles) {
	t.Helper()
	plain := NewBackend(t)
	files := NewTLSFiles(t)
	ts := httptest.NewUnstartedServer(plain.Server.Handler())
	ts.TLS = files.ServerConfig(t)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	c, err := client.New(client.Config{Endpoint: ts.URL, Token: plain.Token, MaxRetries: 1, RootCAs: files.Roots})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Whoami(context.Background()); err != nil {
		t.Fatalf("the HTTPS backend does not answer: %v", err)
	}
	b := *plain
	b.URL, b.Client = ts.URL, c
	return &b, files
}

// ProviderConfigWithCA is a provider block reaching the backend with its
// owner token, trusting the CA in caFile.
func (b *Backend) ProviderConfigWithCA(caFile string) string {
	return fmt.Sprintf("provider \"arbor\" {\n  endpoint = %q\n  api_key  = %q\n  ca_file  = %q\n}\n", b.URL, b.Token, caFile)
}
