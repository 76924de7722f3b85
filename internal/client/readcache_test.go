package client_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// countingTransport counts the requests that reach the backend by method
// and whether they list a collection or name one object, and may run a
// hook before passing a request on.
type countingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	counts map[string]int
	// beforeList, when set, runs once before the first listing is passed on.
	beforeList func()
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	what := r.Method + " item"
	if r.URL.Query().Has("limit") {
		what = r.Method + " list"
	}
	c.mu.Lock()
	c.counts[what]++
	hook := c.beforeList
	if what == "GET list" {
		c.beforeList = nil
	} else {
		hook = nil
	}
	c.mu.Unlock()
	if hook != nil {
		hook()
	}
	return c.next.RoundTrip(r)
}

func (c *countingTransport) count(what string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[what]
}

// embeddedBackend is two clients of one embedded backend: the one under
// test, whose requests are counted, and another, out of band.
func embeddedBackend(t *testing.T) (*client.Client, *countingTransport, *client.Client) {
	t.Helper()
	st, err := database.Open(context.Background(), filepath.Join(t.TempDir(), "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := backend.OpenSealer(context.Background(), st, st.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingTransport{next: srv.Transport(), counts: map[string]int{}}
	c, err := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: counted})
	if err != nil {
		t.Fatal(err)
	}
	other, err := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: srv.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	return c, counted, other
}

func putPermissions(t *testing.T, c *client.Client, n int, name string) {
	t.Helper()
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	for i := range n {
		if _, err := perms.Put(context.Background(), domain.Development, fmt.Sprintf("perm.%04d", i), &domain.Permission{Name: name}, client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRefreshListsOnce: 1500 refresh reads of permissions, 10 at a time
// as Terraform makes them, cost two pages of one listing and no read of
// one object, and answer what a read of each object answers.
func TestRefreshListsOnce(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	putPermissions(t, other, 1500, "Listed")
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	direct := client.Objects[domain.Permission](other, domain.KindPermission)
	ctx := context.Background()
	keys := make(chan string)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range keys {
				got, err := perms.Refresh(ctx, domain.Development, key)
				if err != nil {
					t.Error(err)
					continue
				}
				want, err := direct.Get(ctx, domain.Development, key)
				if err != nil || got.Name != want.Name || got.Version != want.Version || got.Key != key {
					t.Errorf("%s: refreshed %+v, read %+v (%v)", key, got, want, err)
				}
			}
		}()
	}
	for i := range 1500 {
		keys <- fmt.Sprintf("perm.%04d", i)
	}
	close(keys)
	wg.Wait()
	if lists, items := counted.count("GET list"), counted.count("GET item"); lists != 2 || items != 0 {
		t.Errorf("1500 refresh reads made %d listing requests and %d reads of one object; want 2 and 0", lists, items)
	}
}

// TestRefreshReadsWhatTheListingLacks: an object created out of band after
// the listing is read directly, and so is one that does not exist, whose
// 404 the caller sees.
func TestRefreshReadsWhatTheListingLacks(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	putPermissions(t, other, 3, "Before")
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	ctx := context.Background()
	if _, err := perms.Refresh(ctx, domain.Development, "perm.0000"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Objects[domain.Permission](other, domain.KindPermission).Put(ctx, domain.Development, "late", &domain.Permission{Name: "Late"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	got, err := perms.Refresh(ctx, domain.Development, "late")
	if err != nil || got.Name != "Late" {
		t.Errorf("an object created after the listing: %+v, %v", got, err)
	}
	if _, err := perms.Refresh(ctx, domain.Development, "never"); !client.IsNotFound(err) {
		t.Errorf("an object that does not exist: %v, want the backend's 404", err)
	}
	if exists, err := perms.Listed(ctx, domain.Development, "never"); exists || err != nil {
		t.Errorf("Listed says a missing object exists: %v, %v", exists, err)
	}
	if exists, err := perms.Listed(ctx, domain.Development, "perm.0001"); !exists || err != nil {
		t.Errorf("Listed says a listed object is missing: %v, %v", exists, err)
	}
	if items := counted.count("GET item"); items != 3 {
		t.Errorf("%d reads of one object; want 3 (late, never twice)", items)
	}
}

// TestRefreshAfterAWriteReadsTheBackend: a write through the client drops
// the listing, and a client that has written lists no more: a refresh
// after the write reads the object from the backend, so it sees it as the
// write left it, other objects' out-of-band changes included.
func TestRefreshAfterAWriteReadsTheBackend(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	putPermissions(t, other, 3, "Before")
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	ctx := context.Background()
	if _, err := perms.Refresh(ctx, domain.Development, "perm.0000"); err != nil {
		t.Fatal(err)
	}
	putPermissions(t, other, 3, "Out of band")
	// A write of another kind drops the permissions' listing too.
	if _, err := client.Objects[domain.Role](c, domain.KindRole).Put(ctx, domain.Development, "reader", &domain.Role{Name: "Reader"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"perm.0001", "perm.0002"} {
		got, err := perms.Refresh(ctx, domain.Development, key)
		if err != nil || got.Name != "Out of band" {
			t.Errorf("%s after a write: %+v, %v", key, got, err)
		}
	}
	if lists, items := counted.count("GET list"), counted.count("GET item"); lists != 1 || items != 2 {
		t.Errorf("%d listings and %d reads of one object; want 1, before the write, and 2 after it", lists, items)
	}
}

// TestListingUnderWayDuringAWriteIsNotKept: a listing that a write of the
// same client overtakes answers nothing, even for the objects it holds.
func TestListingUnderWayDuringAWriteIsNotKept(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	putPermissions(t, other, 3, "Before")
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	ctx := context.Background()
	counted.beforeList = func() {
		// The listing leaves after this write has been answered, so it
		// holds the new name; it is dropped all the same, since the
		// client cannot tell which side of a write a listing saw.
		if _, err := perms.Put(ctx, domain.Development, "perm.0002", &domain.Permission{Name: "Written"}, client.Cond{}); err != nil {
			t.Error(err)
		}
	}
	got, err := perms.Refresh(ctx, domain.Development, "perm.0002")
	if err != nil || got.Name != "Written" {
		t.Errorf("refreshed %+v, %v", got, err)
	}
	if items := counted.count("GET item"); items != 1 {
		t.Errorf("%d reads of one object; want 1: the listing made during the write must not answer", items)
	}
	if !strings.Contains(fmt.Sprint(counted.counts), "PUT item") {
		t.Errorf("the write was not sent: %v", counted.counts)
	}
}

// TestListedObjectAnswersOneRead: the second refresh of an object in one
// walk reads it from the backend, so it sees a change made out of band
// after the listing; the object still counts as listed for Listed.
func TestListedObjectAnswersOneRead(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	putPermissions(t, other, 2, "Listed")
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	ctx := context.Background()
	if got, err := perms.Refresh(ctx, domain.Development, "perm.0000"); err != nil || got.Name != "Listed" {
		t.Fatalf("first refresh: %+v, %v", got, err)
	}
	putPermissions(t, other, 2, "Changed")
	if got, err := perms.Refresh(ctx, domain.Development, "perm.0000"); err != nil || got.Name != "Changed" {
		t.Errorf("second refresh: %+v, %v; want the backend's answer", got, err)
	}
	if exists, err := perms.Listed(ctx, domain.Development, "perm.0000"); !exists || err != nil {
		t.Errorf("a refreshed object no longer counts as listed: %v, %v", exists, err)
	}
	if lists, items := counted.count("GET list"), counted.count("GET item"); lists != 1 || items != 1 {
		t.Errorf("%d listings and %d reads of one object; want 1 and 1", lists, items)
	}
}

// TestRefreshBrandingIsShared: the refreshes of one walk share one read of
// an environment's branding; a write through the client drops it, so the
// read after the write sees a change made out of band before it.
func TestRefreshBrandingIsShared(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	ctx := context.Background()
	if _, err := other.PutBranding(ctx, domain.Development, domain.Branding{PrimaryColor: "#0A7CFF"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				got, err := c.RefreshBranding(ctx, domain.Development)
				if err != nil || got.PrimaryColor != "#0A7CFF" {
					t.Errorf("shared branding: %+v, %v", got, err)
				}
			}
		}()
	}
	wg.Wait()
	if items := counted.count("GET item"); items != 1 {
		t.Errorf("50 shared reads of the branding made %d requests; want 1", items)
	}
	if _, err := other.PutBranding(ctx, domain.Development, domain.Branding{PrimaryColor: "#E4002B"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.RefreshBranding(ctx, domain.Development); err != nil || got.PrimaryColor != "#0A7CFF" {
		t.Errorf("before any write of this client: %+v, %v; want the shared read", got, err)
	}
	if _, err := client.Objects[domain.Tenant](c, domain.KindTenant).Put(ctx, domain.Development, "acme", &domain.Tenant{Name: "Acme"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.RefreshBranding(ctx, domain.Development); err != nil || got.PrimaryColor != "#E4002B" {
		t.Errorf("after a write: %+v, %v; want the backend's branding now", got, err)
	}
	// A new client (a new provider process, the next plan) reads anew.
	fresh, err := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: counted})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.PutBranding(ctx, domain.Development, domain.Branding{PrimaryColor: "#00AA77"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	if got, err := fresh.RefreshBranding(ctx, domain.Development); err != nil || got.PrimaryColor != "#00AA77" {
		t.Errorf("a new client: %+v, %v", got, err)
	}
}

// TestPlanPromotionListsOnce: the plan-time promotion reads of many
// workflows, existing or not, cost one listing of the promotion states and
// answer what the promotion route answers for each; after a write they go
// to the backend one by one.
func TestPlanPromotionListsOnce(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	ctx := context.Background()
	for _, env := range []string{domain.Development, domain.Production} {
		if _, err := client.Objects[domain.Channel](other, domain.KindChannel).Put(ctx, env, "postmark", &domain.Channel{Name: "Postmark", Type: "email", Service: "postmark"}, client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	workflows := client.Objects[domain.Workflow](other, domain.KindWorkflow)
	workflow := func(subject string) *domain.Workflow {
		return &domain.Workflow{Name: "W", Steps: []domain.Step{{Ref: "email", Channel: &domain.ChannelStep{Type: "email", Key: "postmark", Subject: subject, Body: "Hello"}}}}
	}
	for i := range 30 {
		if _, err := workflows.Put(ctx, domain.Development, fmt.Sprintf("wf-%02d", i), workflow("v1"), client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		if _, err := workflows.Put(ctx, domain.Production, fmt.Sprintf("wf-%02d", i), workflow("v1"), client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for i := range 40 {
		keys = append(keys, fmt.Sprintf("wf-%02d", i)) // wf-30 to wf-39 exist nowhere
	}
	check := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, key := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := c.PlanPromotion(ctx, domain.KindWorkflow, domain.Production, key)
				want, werr := other.Promotion(ctx, domain.KindWorkflow, domain.Production, key)
				if err != nil || werr != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: planned %+v (%v), the route answers %+v (%v)", key, got, err, want, werr)
				}
			}()
		}
		wg.Wait()
	}
	check()
	if lists, items := counted.count("GET list"), counted.count("GET item"); lists != 1 || items != 0 {
		t.Errorf("40 plan-time promotion reads made %d listings and %d reads of one object; want 1 and 0", lists, items)
	}
	if _, err := c.PlanPromotion(ctx, domain.KindWorkflow, "nowhere", "wf-00"); !client.IsNotFound(err) {
		t.Errorf("an environment that does not exist: %v, want the backend's 404", err)
	}
	if _, err := client.Objects[domain.Permission](c, domain.KindPermission).Put(ctx, domain.Development, "p", &domain.Permission{Name: "P"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	lists, items := counted.count("GET list"), counted.count("GET item")
	check()
	if counted.count("GET list") != lists || counted.count("GET item") != items+len(keys) {
		t.Errorf("after a write: %d more listings and %d more reads of one object; want none and %d", counted.count("GET list")-lists, counted.count("GET item")-items, len(keys))
	}
}

// TestPlanPromotionAsksForKeysProductionMayHold: the development listing
// leaves production-born keys out, so when production holds some, the
// plan-time promotion of a key the listing lacks is read for that key
// alone (and refused as the write would be); listed keys still cost
// nothing more.
func TestPlanPromotionAsksForKeysProductionMayHold(t *testing.T) {
	c, counted, other := embeddedBackend(t)
	ctx := context.Background()
	for _, env := range []string{domain.Development, domain.Production} {
		if _, err := client.Objects[domain.Channel](other, domain.KindChannel).Put(ctx, env, "postmark", &domain.Channel{Name: "Postmark", Type: "email", Service: "postmark"}, client.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	workflows := client.Objects[domain.Workflow](other, domain.KindWorkflow)
	workflow := &domain.Workflow{Name: "W", Steps: []domain.Step{{Ref: "email", Channel: &domain.ChannelStep{Type: "email", Key: "postmark", Subject: "Hi", Body: "Hello"}}}}
	if _, err := workflows.Put(ctx, domain.Development, "listed", workflow, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.PutSettings(ctx, domain.Settings{ProductionWriteAccess: true}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	if _, err := workflows.Put(ctx, domain.Production, "campaign", workflow, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	listed, err := c.PlanPromotion(ctx, domain.KindWorkflow, domain.Development, "listed")
	if err != nil || listed.Current == nil {
		t.Fatalf("a listed key: %+v, %v", listed, err)
	}
	if items := counted.count("GET item"); items != 0 {
		t.Errorf("a listed key was read by itself %d times", items)
	}
	taken, err := c.PlanPromotion(ctx, domain.KindWorkflow, domain.Development, "campaign")
	if err != nil || taken.Origin != domain.Production {
		t.Fatalf("a production-born key from development: %+v, %v; want its origin, production", taken, err)
	}
	if _, err := taken.CheckWrite("any"); err == nil || !strings.Contains(err.Error(), "was created in production") {
		t.Errorf("creating it in development: %v, want the production-born refusal", err)
	}
	if lists, items := counted.count("GET list"), counted.count("GET item"); lists != 1 || items != 1 {
		t.Errorf("made %d listings and %d reads of one key; want 1 and 1", lists, items)
	}
}
