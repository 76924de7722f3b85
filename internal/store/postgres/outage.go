package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// isOutage reports whether err says the database cannot be reached or the
// connection to it was lost, rather than that a statement was wrong: the
// server refusing or dropping connections (shutting down, starting up,
// crashed, full), the network failing, or the driver finding its
// connection closed.
func isOutage(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection_exception
			return true
		case pgErr.Code == "57P01", // admin_shutdown: terminated by an administrator or a fast shutdown
			pgErr.Code == "57P02", // crash_shutdown
			pgErr.Code == "57P03", // cannot_connect_now: starting up, or in recovery
			pgErr.Code == "53300": // too_many_connections
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// outage marks err as the database being unavailable when it is one (see
// isOutage), or when conn, the connection it ran on, is now closed: pgx
// closes a connection whose socket failed under a statement, whatever the
// error it passes on says. A caller giving up also closes it, and a rule's
// refusal or the store's own answers say nothing of the connection: those
// errors are kept as they are.
func outage(err error, conn *pgconn.PgConn) error {
	if err == nil || errors.Is(err, store.ErrUnavailable) {
		return err
	}
	if conn != nil && conn.IsClosed() && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !isAnswer(err) {
		return &store.UnavailableError{Err: err}
	}
	return store.Unavailable(err, isOutage)
}

// isAnswer reports the errors that are answers rather than failures: the
// store's own, and the domain's refusals returned through a transaction.
func isAnswer(err error) bool {
	var ue *store.UniqueError
	var re *store.ReferencedError
	var de *store.DanglingError
	var refusal *domain.Error
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) ||
		errors.As(err, &ue) || errors.As(err, &re) || errors.As(err, &de) || errors.As(err, &refusal)
}

// commitOutage is outage for the error of a COMMIT: unless pgx says
// nothing reached the server, the write may have been made.
func commitOutage(err error, conn *pgconn.PgConn) error {
	err = outage(err, conn)
	var ue *store.UnavailableError
	if errors.As(err, &ue) && !pgconn.SafeToRetry(ue.Err) {
		ue.Uncertain = true
	}
	return err
}
