package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The driver's errors of an outage are told apart from those of a
// statement, which are bugs or answers.
func TestIsOutage(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"terminated by an administrator", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"connection refused", fmt.Errorf("beginning transaction: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{"cannot connect", &pgconn.ConnectError{}, true},
		{"socket closed mid-answer", fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF), true},
		{"conn closed", pgconn.ErrConnClosed, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"a rule's refusal", domain.Errorf(domain.CodeConflict, "taken"), false},
		{"not found", store.ErrNotFound, false},
		{"a bug", errors.New("decoding stored permission"), false},
	} {
		err := outage(c.err, nil)
		if got := errors.Is(err, store.ErrUnavailable); got != c.want {
			t.Errorf("%s: unavailable = %v, want %v (%v)", c.name, got, c.want, err)
		}
		if !errors.Is(err, c.err) {
			t.Errorf("%s: the driver's error is lost: %v", c.name, err)
		}
	}
}

// A COMMIT that failed before anything was sent did not commit; one
// whose connection broke after sending may have.
func TestCommitOutageIsUncertainOnceSent(t *testing.T) {
	var ue *store.UnavailableError
	if err := commitOutage(fmt.Errorf("sending: %w", io.ErrUnexpectedEOF), nil); !errors.As(err, &ue) || !ue.Uncertain {
		t.Errorf("a COMMIT lost after sending: %v, want an uncertain outage", err)
	}
	if err := commitOutage(notSent{pgconn.ErrConnClosed}, nil); !errors.As(err, &ue) || ue.Uncertain {
		t.Errorf("a COMMIT refused before sending (conn closed): %v, want a certain outage", err)
	}
}

// notSent is an error pgx raises before sending anything, as its
// connection lock does on a closed connection.
type notSent struct{ error }

func (notSent) SafeToRetry() bool { return true }
func (e notSent) Unwrap() error   { return e.error }
