package client

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The library's own messages about a retry reach the log of the request's
// context.
func TestRetriesAreLoggedInTheRequestsContext(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"slug":"qa"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Endpoint: srv.URL, MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := c.CreateEnvironment(ctx, domain.NewEnvironmentInput{Slug: "qa"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"@message":"performing request"`, `"@message":"retrying request"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %s:\n%s", want, logs.String())
		}
	}
}

// The per-request client carries every setting of the shared one, so a
// setting the library adds, or New sets, is not lost on the way.
func TestRetryingClientCarriesEverySetting(t *testing.T) {
	c, err := New(Config{Endpoint: "http://arbor.invalid"})
	if err != nil {
		t.Fatal(err)
	}
	shared := reflect.ValueOf(c.http).Elem()
	for i := 0; i < shared.NumField(); i++ {
		field := shared.Field(i)
		if !field.CanSet() || !field.IsZero() {
			continue
		}
		switch field.Kind() {
		case reflect.Func:
			field.Set(reflect.MakeFunc(field.Type(), func([]reflect.Value) []reflect.Value { return nil }))
		case reflect.Pointer:
			field.Set(reflect.New(field.Type().Elem()))
		case reflect.Int, reflect.Int64:
			field.SetInt(1)
		}
	}
	got := reflect.ValueOf(c.retryingFor(context.Background())).Elem()
	for i := 0; i < shared.NumField(); i++ {
		name := shared.Type().Field(i).Name
		if !shared.Field(i).CanSet() || name == "Logger" {
			continue
		}
		want, have := shared.Field(i), got.Field(i)
		same := want.Kind() == reflect.Func && want.Pointer() == have.Pointer() ||
			want.Kind() != reflect.Func && reflect.DeepEqual(want.Interface(), have.Interface())
		if !same || have.IsZero() {
			t.Errorf("retryablehttp.Client.%s is not carried to the per-request client", name)
		}
	}
}
