package cli_test

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// startServeWith runs serve with extra flags and returns the addresses it
// printed: the API's first, then the metrics listener's when asked for.
func startServeWith(t *testing.T, env []string, args ...string) []string {
	t.Helper()
	binary = acctest.ProviderBinary(t)
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--database", filepath.Join(t.TempDir(), "arbor.db")}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	printed := regexp.MustCompile(`(?:listening on|Metrics on) (https?://\S+)`)
	var urls []string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := printed.FindStringSubmatch(lines.Text()); m != nil {
			urls = append(urls, m[1])
			if len(urls) == 2 || !strings.Contains(strings.Join(args, " "), "--metrics-listen") {
				go io.Copy(io.Discard, stdout) //nolint:errcheck // drains the server's output; nothing to do if that fails
				return urls
			}
		}
	}
	t.Fatal("serve exited before listening")
	return nil
}

func TestServeTLS(t *testing.T) {
	files := acctest.NewTLSFiles(t)
	urls := startServeWith(t, []string{"ARBOR_BOOTSTRAP_TOKEN=t", "ARBOR_TLS_KEY=" + files.KeyFile},
		"--tls-cert", files.CertFile, "--metrics-listen", "127.0.0.1:0")
	api, metrics := urls[0], urls[1] // metrics is the full URL of /metrics
	if !strings.HasPrefix(api, "https://") || !strings.HasPrefix(metrics, "https://") {
		t.Fatalf("serve printed %v, want HTTPS addresses", urls)
	}
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: files.Roots}}}
	status := func(c *http.Client, url, token string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if strings.HasSuffix(url, "/metrics") && resp.StatusCode == 200 && !strings.Contains(string(body), `arbor_http_requests_total{code="200",method="GET",route="/readyz"} 1`) {
			t.Errorf("GET %s served no Arbor metrics", url)
		}
		return resp.StatusCode
	}
	for _, url := range []string{api + "/healthz", api + "/readyz", metrics} {
		if got := status(trusting, url, ""); got != 200 {
			t.Errorf("GET %s: %d, want 200", url, got)
		}
	}
	// With a metrics listener, the API does not serve them at all.
	if got := status(trusting, api+"/metrics", "t"); got != 404 {
		t.Errorf("GET /metrics on the API with --metrics-listen: %d, want 404", got)
	}

	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: files.Roots, MaxVersion: tls.VersionTLS11}}}
	if _, err := old.Get(api + "/healthz"); err == nil {
		t.Error("serve accepted TLS 1.1")
	}
	if got := status(http.DefaultClient, "http://"+strings.TrimPrefix(api, "https://")+"/healthz", ""); got == 200 {
		t.Error("serve answered plain HTTP on its HTTPS port")
	}

	// The remote operator commands trust the CA given by --ca-file or ARBOR_CA_FILE.
	dir := t.TempDir()
	remote := []string{"ARBOR_ENDPOINT=" + api, "ARBOR_API_KEY=t"}
	if out := run(t, dir, remote, binary, "token", "list", "--ca-file", files.CAFile); !strings.Contains(out, `"role": "owner"`) {
		t.Errorf("token list --ca-file: %s", out)
	}
	if out := run(t, dir, append(remote, "ARBOR_CA_FILE="+files.CAFile), binary, "token", "list"); !strings.Contains(out, `"role": "owner"`) {
		t.Errorf("token list with ARBOR_CA_FILE: %s", out)
	}
	cmd := exec.Command(binary, "token", "list")
	cmd.Env = append(os.Environ(), remote...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "certificate signed by unknown authority") {
		t.Errorf("token list without the CA: %v\n%s", err, out)
	}
}

func TestServeRefusesAHalfTLSConfiguration(t *testing.T) {
	binary = acctest.ProviderBinary(t)
	files := acctest.NewTLSFiles(t)
	db := filepath.Join(t.TempDir(), "arbor.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", files.CertFile}, "--tls-cert and --tls-key (ARBOR_TLS_CERT, ARBOR_TLS_KEY) go together"},
		{[]string{"--tls-key", files.KeyFile}, "--tls-cert and --tls-key (ARBOR_TLS_CERT, ARBOR_TLS_KEY) go together"},
		{[]string{"--tls-cert", files.CAFile, "--tls-key", files.KeyFile}, "loading the TLS certificate"},
	} {
		cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--database", db}, c.args...)...)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("serve %v: %v\n%s\nwant an error saying %q", c.args, err, out, c.want)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("serve opened the database before checking its TLS flags: %v", err)
	}
}

func TestServeHelpSaysTheRateLimitIsPerReplica(t *testing.T) {
	binary = acctest.ProviderBinary(t)
	out, _ := exec.Command(binary, "serve", "--help").CombinedOutput()
	for _, want := range []string{"by this replica", "each replica counts on its own", "-tls-cert", "-tls-key", "-metrics-listen"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("serve --help does not say %q:\n%s", want, out)
		}
	}
}

// serve serves the console at /console/ unless --console=false (or
// ARBOR_CONSOLE=false) turns it off; the API is the same either way.
func TestServeConsoleOnAndOff(t *testing.T) {
	for _, c := range []struct {
		name   string
		env    []string
		args   []string
		status int
		text   string
	}{
		{"default", nil, nil, http.StatusOK, "Account token"},
		{"flag", nil, []string{"--console=false"}, http.StatusNotFound, "console is off"},
		{"environment", []string{"ARBOR_CONSOLE=false"}, nil, http.StatusNotFound, "console is off"},
		{"public URL", nil, []string{"--public-url", "https://arbor.example.com"}, http.StatusOK, "Account token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := startServeWith(t, c.env, c.args...)[0]
			// The console's root leads, through its redirects, to sign-in.
			resp, err := http.Get(url + "/console/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || !strings.Contains(string(body), c.text) {
				t.Errorf("/console/: %d %s", resp.StatusCode, body)
			}
			if resp, err := http.Get(url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("/healthz: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
		})
	}
}

func TestServeRefusesAPublicURLThatIsNotAnOrigin(t *testing.T) {
	binary = acctest.ProviderBinary(t)
	out, err := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--database", filepath.Join(t.TempDir(), "a.db"), "--public-url", "https://arbor.example.com/console").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--public-url") {
		t.Errorf("serve accepted a public URL with a path: %v %s", err, out)
	}
}
