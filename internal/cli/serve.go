package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

func init() {
	register("serve", "run the Arbor backend (HTTP JSON API on a SQLite file or PostgreSQL)", serve)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	listen := fs.String("listen", envOr("ARBOR_LISTEN", "127.0.0.1:8710"), "address to listen on (ARBOR_LISTEN)")
	databaseFlag := fs.String("database", envOr("ARBOR_DATABASE", "arbor.db"), "SQLite database file, created if missing, or postgres://user:password@host/db URL shared by replicas, which then need ARBOR_ENCRYPTION_KEY (ARBOR_DATABASE)")
	rateLimit := fs.Float64("rate-limit", 0, "requests per second allowed per credential by this replica, answered 429 beyond; each replica counts on its own, "+
		"so N replicas behind a load balancer allow up to N times this; 0 disables")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	tlsCert := fs.String("tls-cert", os.Getenv("ARBOR_TLS_CERT"), "PEM certificate (with its chain) to serve HTTPS with, TLS 1.2 or later; needs --tls-key (ARBOR_TLS_CERT)")
	tlsKey := fs.String("tls-key", os.Getenv("ARBOR_TLS_KEY"), "PEM private key of --tls-cert (ARBOR_TLS_KEY)")
	metricsListen := fs.String("metrics-listen", os.Getenv("ARBOR_METRICS_LISTEN"), "address serving GET /metrics without a credential (over HTTPS with --tls-cert); "+
		"unset: /metrics is on --listen, for owner and admin tokens only (ARBOR_METRICS_LISTEN)")
	consoleOn := fs.Bool("console", envOr("ARBOR_CONSOLE", "true") != "false", "serve the web console at /console/ (ARBOR_CONSOLE=false turns it off)")
	publicURL := fs.String("public-url", os.Getenv("ARBOR_PUBLIC_URL"), "the address people open the console at, such as https://arbor.example.com, when a proxy or load balancer "+
		"stands between them and this server; its console forms are then accepted (several: separate with commas) (ARBOR_PUBLIC_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	origins, err := trustedOrigins(*publicURL)
	if err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return fmt.Errorf("--log-format %q: use text or json", *logFormat)
	}
	// Checked before the database is opened: a misconfigured replica
	// should fail at once, not after migrating.
	tlsConfig, err := serverTLS(*tlsCert, *tlsKey)
	if err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := database.Open(ctx, *databaseFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	sealer, err := backend.OpenSealer(ctx, st, st.KeyFile)
	if err != nil {
		return err
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer, Logger: log, RateLimit: *rateLimit, MetricsOnSeparateListener: *metricsListen != ""})
	if err != nil {
		return err
	}
	secret, created, err := srv.BootstrapOwnerToken(ctx, os.Getenv("ARBOR_BOOTSTRAP_TOKEN"))
	if err != nil {
		return fmt.Errorf("creating the first owner token: %w", err)
	}
	if created && os.Getenv("ARBOR_BOOTSTRAP_TOKEN") == "" {
		fmt.Fprintf(stdout, "Created the first owner token. It is shown only this once; keep it somewhere safe:\n\n  %s\n\n", secret)
	}

	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	errorLog := slog.NewLogLogger(handler, slog.LevelWarn)
	listeners := []net.Listener{ln}
	var web *console.Console
	if *consoleOn {
		if web, err = console.New(console.Config{Backend: srv, Store: st, Logger: log, TrustedOrigins: origins}); err != nil {
			ln.Close()
			return err
		}
	}
	servers := []*http.Server{newHTTPServer(console.Mount(srv.Handler(), web), tlsConfig, errorLog)}
	if *metricsListen != "" {
		metricsLn, err := net.Listen("tcp", *metricsListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listening for metrics: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		listeners = append(listeners, metricsLn)
		servers = append(servers, newHTTPServer(mux, tlsConfig, errorLog))
	}
	log.Info("arbor backend listening", "address", ln.Addr().String(), "tls", tlsConfig != nil, "database", st.Location)
	fmt.Fprintf(stdout, "Arbor backend listening on %s://%s (database %s)\n", scheme, ln.Addr(), st.Location)
	if web != nil {
		fmt.Fprintf(stdout, "Console on %s://%s/console/ (sign in with an account token)\n", scheme, ln.Addr())
	}
	if *metricsListen != "" {
		log.Info("metrics listening", "address", listeners[1].Addr().String())
		fmt.Fprintf(stdout, "Metrics on %s://%s/metrics\n", scheme, listeners[1].Addr())
	}

	errc := make(chan error, len(servers))
	for i, httpSrv := range servers {
		go func() {
			if tlsConfig != nil {
				errc <- httpSrv.ServeTLS(listeners[i], "", "")
				return
			}
			errc <- httpSrv.Serve(listeners[i])
		}()
	}
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, httpSrv := range servers {
		if err := httpSrv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) && serveErr == nil {
			serveErr = err
		}
	}
	return serveErr
}

// trustedOrigins reads --public-url: origins, each scheme://host[:port].
func trustedOrigins(value string) ([]string, error) {
	var out []string
	for _, v := range strings.Split(value, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("--public-url %q: write the address people open, scheme and host only, such as https://arbor.example.com", v)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}

// newHTTPServer serves handler with the timeouts every listener needs.
func newHTTPServer(handler http.Handler, tlsConfig *tls.Config, errorLog *stdlog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          errorLog,
	}
}

// serverTLS loads the HTTPS certificate, or returns nil to serve HTTP.
func serverTLS(certFile, keyFile string) (*tls.Config, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("--tls-cert and --tls-key (ARBOR_TLS_CERT, ARBOR_TLS_KEY) go together: pass both to serve HTTPS, or neither to serve HTTP")
	}
	if certFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the TLS certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
