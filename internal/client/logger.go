package client

import (
	"context"
	"fmt"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryLogger passes go-retryablehttp's own messages (each attempt, each
// retry and its wait, giving up) to tflog in the context of the request
// they are about, so they reach Terraform's log beside the provider's.
type retryLogger struct{ ctx context.Context }

var _ retryablehttp.LeveledLogger = retryLogger{}

func (l retryLogger) Error(msg string, keysAndValues ...any) {
	tflog.Error(l.ctx, msg, logFields(keysAndValues))
}

func (l retryLogger) Warn(msg string, keysAndValues ...any) {
	tflog.Warn(l.ctx, msg, logFields(keysAndValues))
}

func (l retryLogger) Info(msg string, keysAndValues ...any) {
	tflog.Info(l.ctx, msg, logFields(keysAndValues))
}

func (l retryLogger) Debug(msg string, keysAndValues ...any) {
	tflog.Debug(l.ctx, msg, logFields(keysAndValues))
}

// logFields turns the library's alternating keys and values into tflog's
// fields.
func logFields(keysAndValues []any) map[string]any {
	fields := make(map[string]any, len(keysAndValues)/2)
	for i := 0; i+1 < len(keysAndValues); i += 2 {
		fields[fmt.Sprint(keysAndValues[i])] = keysAndValues[i+1]
	}
	return fields
}

// retryingFor is the client's retrying HTTP client with the library's
// messages logged in ctx. The library's Logger knows no context, and the
// shared client cannot be copied (it holds sync.Once values), so each
// request gets a new one carrying the shared one's settings; the
// connection pool (HTTPClient) stays shared.
func (c *Client) retryingFor(ctx context.Context) *retryablehttp.Client {
	shared := c.http
	return &retryablehttp.Client{
		HTTPClient:      shared.HTTPClient,
		Logger:          retryLogger{ctx: ctx},
		RetryWaitMin:    shared.RetryWaitMin,
		RetryWaitMax:    shared.RetryWaitMax,
		RetryMax:        shared.RetryMax,
		RequestLogHook:  shared.RequestLogHook,
		ResponseLogHook: shared.ResponseLogHook,
		CheckRetry:      shared.CheckRetry,
		Backoff:         shared.Backoff,
		ErrorHandler:    shared.ErrorHandler,
		PrepareRetry:    shared.PrepareRetry,
	}
}
