package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	runtimedebug "runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/bench/load"
	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopprovider"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/process"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
	"github.com/arborhq/terraform-provider-arbor/internal/version"
)

// Profile writes CPU profiles to dir: of the no-op and the Arbor provider
// (embedded) during an apply and a refresh plan of n resources, and of the
// backend under the read and the write load. To be profiled, the providers
// and the backend run in this process: Terraform attaches to the providers
// (TF_REATTACH_PROVIDERS) instead of starting them, and the load generator
// reaches the backend over loopback. Unlike under Terraform, the provider
// then lives across commands, so per-process start-up is not in these
// profiles; make bench measures it.
func Profile(ctx context.Context, opts Options, dir string, n int) error {
	work, err := filepath.Abs(opts.Work)
	if err != nil {
		return err
	}
	h := &harness{opts: opts, work: work, binDir: filepath.Join(work, "bin")}
	h.arborBinary = filepath.Join(h.binDir, "terraform-provider-arbor")
	h.noopBinary = filepath.Join(h.binDir, "terraform-provider-noop")
	h.cliConfig = filepath.Join(work, "terraformrc")
	if err := h.prepare(ctx); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range subjects() {
		var p fwprovider.Provider
		var address string
		switch {
		case s.name == noopProvider || s.name == noopSchema:
			p, address = noopprovider.New(), noopprovider.Address
		case s.backend == embedded:
			p, address = provider.New(version.Version)(), "registry.terraform.io/arborhq/arbor"
		default:
			continue
		}
		if err := h.profileSubject(ctx, dir, s, n, address, p); err != nil {
			return err
		}
	}
	return h.profileBackend(ctx, dir)
}

// profileSubject serves p in this process and profiles Terraform's apply
// and refresh plan of n resources of s against it.
func (h *harness) profileSubject(ctx context.Context, dir string, s subject, n int, address string, p fwprovider.Provider) error {
	if address != noopprovider.Address {
		defer tunedAsArbor()()
	}
	reattach, stop, err := serveInProcess(ctx, address, p)
	if err != nil {
		return err
	}
	defer stop()
	tfDir := h.subjectDir(s)
	if err := os.RemoveAll(tfDir); err != nil {
		return err
	}
	if err := os.MkdirAll(tfDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tfDir, "main.tf"), []byte(s.provider+"\n"+s.resources(n)), 0o644); err != nil {
		return err
	}
	// The provider reads its settings from this process's environment.
	os.Setenv("ARBOR_DATABASE", filepath.Join(tfDir, "arbor.db"))
	defer os.Unsetenv("ARBOR_DATABASE")
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devNull.Close()
	stderr := os.Stderr
	os.Stderr = devNull
	defer func() { os.Stderr = stderr }()
	env := append(h.terraformEnv(), "TF_REATTACH_PROVIDERS="+reattach)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"apply", []string{"apply", "-auto-approve", "-input=false", "-no-color"}},
		{"plan", []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}},
	} {
		file := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.pprof", slug(s.name), c.name, n))
		var took sample
		before := selfCPU()
		err := profileTo(file, func() error {
			var err error
			took, err = h.terraform(ctx, tfDir, env, nil, c.args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		h.logf("profile: %s %s of %d took %.2fs; CPU: Terraform %.2fs, provider %.2fs: %s",
			s.name, c.name, n, took.wall.Seconds(), took.cpu.Seconds(), (selfCPU() - before).Seconds(), file)
	}
	return nil
}

// tunedAsArbor sets this process up as terraform-provider-arbor's main
// does (process.Tune), so that Arbor's profiles show the binary
// Terraform runs, and returns what puts the process back as it was.
func tunedAsArbor() func() {
	vars := []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}
	saved := map[string]*string{}
	for _, v := range vars {
		if value, ok := os.LookupEnv(v); ok {
			saved[v] = &value
		} else {
			saved[v] = nil
		}
	}
	gc := runtimedebug.SetGCPercent(100)
	runtimedebug.SetGCPercent(gc)
	process.Tune(false)
	return func() {
		for v, value := range saved {
			if value == nil {
				os.Unsetenv(v)
			} else {
				os.Setenv(v, *value)
			}
		}
		runtimedebug.SetGCPercent(gc)
	}
}

// serveInProcess serves p in this process in go-plugin's debug mode and
// returns the TF_REATTACH_PROVIDERS value that makes Terraform use it.
func serveInProcess(ctx context.Context, address string, p fwprovider.Provider) (string, func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	// Launched by Terraform, a provider writes its logs (at trace level
	// unless TF_LOG_SDK and the like say otherwise) to a pipe Terraform
	// reads; here they go to whatever os.Stderr is when each is written,
	// which profileSubject points at /dev/null: formatting them is part
	// of what is profiled, reading them is not.
	//nolint:errcheck // ends when the profile is taken; its error is that of a closed server
	go tf6server.Serve(address, providerserver.NewProtocol6(p),
		tf6server.WithDebug(ctx, configs, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
		tf6server.WithoutLogStderrOverride())
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-configs:
	case <-time.After(10 * time.Second):
		cancel()
		return "", nil, fmt.Errorf("serving %s in-process: no reattach configuration", address)
	}
	type addr struct{ Network, String string }
	reattach, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol": cfg.Protocol, "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": addr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}})
	stop := func() {
		cancel()
		<-closed
	}
	return string(reattach), stop, err
}

// profileBackend runs the backend in this process on 127.0.0.1 and
// profiles it under the read and the write load.
func (h *harness) profileBackend(ctx context.Context, dir string) error {
	dbDir := filepath.Join(h.work, "profile-backend")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return err
	}
	st, err := database.Open(ctx, filepath.Join(dbDir, "arbor.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	sealer, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err != nil {
		return err
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		return err
	}
	owner, _, err := srv.BootstrapOwnerToken(ctx, "")
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	httpSrv := &http.Server{Handler: srv.Handler()}
	go httpSrv.Serve(ln) //nolint:errcheck // returns ErrServerClosed when the deferred Close runs
	defer httpSrv.Close()
	sp := &serveProcess{url: "http://" + ln.Addr().String(), owner: owner}
	var key domain.APIKey
	if err := sp.call(ctx, owner, http.MethodPost, "/v1/environments/development/api-keys",
		domain.APIKeyInput{Name: "bench", Scope: domain.ScopeReadWrite}, &key); err != nil {
		return err
	}
	t := loadTarget{urls: []string{sp.url}, token: key.Secret}
	if err := t.seed(ctx); err != nil {
		return err
	}
	for name, cfg := range map[string]load.Config{
		"backend-reads":  t.readLoad(h.opts.LoadConcurrency, h.opts.LoadDuration),
		"backend-writes": t.writeLoad(0, h.opts.LoadConcurrency, h.opts.LoadDuration),
	} {
		file := filepath.Join(dir, name+".pprof")
		var res load.Result
		if err := profileTo(file, func() error { res = load.Run(ctx, cfg); return nil }); err != nil {
			return err
		}
		if res.Failures > 0 {
			return fmt.Errorf("%s: %d of %d requests failed; the first: %s", name, res.Failures, res.Requests, res.FirstFailure)
		}
		h.logf("profile: %s %.0f/s: %s", name, res.PerSecond, file)
	}
	return nil
}

// profileTo writes a CPU profile of fn to file.
func profileTo(file string, fn func() error) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = fn()
	pprof.StopCPUProfile()
	return err
}
