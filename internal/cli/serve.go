package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

func init() {
	register("serve", "run the Arbor backend (HTTP JSON API on a SQLite file or PostgreSQL)", serve)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	listen := fs.String("listen", envOr("ARBOR_LISTEN", "127.0.0.1:8710"), "address to listen on (ARBOR_LISTEN)")
	databaseFlag := fs.String("database", envOr("ARBOR_DATABASE", "arbor.db"), "SQLite database file, created if missing, or postgres://user:password@host/db URL shared by replicas, which then need ARBOR_ENCRYPTION_KEY (ARBOR_DATABASE)")
	rateLimit := fs.Float64("rate-limit", 0, "requests per second allowed per credential, answered 429 beyond; 0 disables")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := parse(fs, args); err != nil {
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
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer, Logger: log, RateLimit: *rateLimit})
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

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
	}
	log.Info("arbor backend listening", "address", ln.Addr().String(), "database", st.Location)
	fmt.Fprintf(stdout, "Arbor backend listening on http://%s (database %s)\n", ln.Addr(), st.Location)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
