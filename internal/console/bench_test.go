package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/cpubench"
	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// benchObjects is how many objects of each kind the page benchmarks hold.
const benchObjects = 10000

// benchChangedEvery: in the page benchmarks, production holds a copy of
// each versioned object of development, the same content but for every
// benchChangedEvery-th: what the pending promotion and the promotion
// review must find among 10,000 unchanged ones.
const benchChangedEvery = 1000

// fillKinds stores n objects of every kind (of only those given, when
// some are) in development (identities in the account), a copy of each versioned one in production (see
// benchChangedEvery), n tokens, n API keys and n audit entries, through
// the store in one transaction: the pages then read them through the API.
// It returns a key of each kind.
func fillKinds(tb testing.TB, s *site, n int, only ...domain.Kind) map[string]string {
	tb.Helper()
	for _, w := range [][2]string{
		{"/v1/environments/development/permissions/docs.read", `{"name":"Read"}`},
		{"/v1/environments/development/roles/reader", `{"name":"Reader","permissions":["docs.read"]}`},
		{"/v1/environments/development/hierarchy-nodes/acme", `{"name":"Acme"}`},
		{"/v1/identities/ada", `{"name":"Ada","email":"ada@example.com"}`},
		{"/v1/environments/development/channels/in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`},
		{"/v1/environments/production/channels/in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`},
	} {
		s.api(s.owner, "PUT", w[0], w[1], &struct{}{})
	}
	keys := map[string]string{}
	now := time.Now().UTC()
	err := s.store.Update(context.Background(), func(tx store.Tx) error {
		for _, k := range domain.Kinds {
			if len(only) > 0 && !slices.Contains(only, k) {
				continue
			}
			sample, ok := samples[k.Name]
			if !ok {
				return fmt.Errorf("kind %s has no sample", k.Name)
			}
			env := "development"
			if k.Account {
				env = ""
			}
			for i := range n {
				key := fmt.Sprintf("%s-%05d", strings.ReplaceAll(k.Name, "_", "-"), i)
				var body map[string]any
				if err := json.Unmarshal([]byte(sample.body), &body); err != nil {
					return err
				}
				var refs []store.Ref
				switch k {
				case domain.KindRoleAssignment:
					node := fmt.Sprintf("hierarchy-node-%05d", i)
					key = "ada/reader/" + node
					body["identity_key"], body["role_key"], body["node_key"] = "ada", "reader", node
					refs = []store.Ref{{Kind: domain.KindIdentity.Name, Key: "ada"}, {Environment: env, Kind: domain.KindRole.Name, Key: "reader"},
						{Environment: env, Kind: domain.KindHierarchyNode.Name, Key: node}}
				case domain.KindIdentity:
					body["email"] = key + "@example.com"
				case domain.KindTranslation:
					// A translation's key is its locale after a namespace.
					key += ".en"
				}
				body["key"] = key
				versioned := slices.Contains(domain.VersionedKinds, k)
				if versioned {
					raw, _ := json.Marshal(body)
					sha, err := contentSHA(k, raw)
					if err != nil {
						return err
					}
					body["origin_environment"], body["sha"] = "development", sha
				}
				raw, _ := json.Marshal(body)
				if err := tx.PutObject(store.Object{Environment: env, Kind: k.Name, Key: key, Version: 1, Body: raw, CreatedAt: now, UpdatedAt: now}, refs, nil); err != nil {
					return fmt.Errorf("%s %s: %w", k.Name, key, err)
				}
				if versioned {
					if i%benchChangedEvery == 0 {
						// Changed in development since its last promotion.
						body["sha"] = fmt.Sprintf("%064d", i)
					}
					raw, _ := json.Marshal(body)
					if err := tx.PutObject(store.Object{Environment: domain.Production, Kind: k.Name, Key: key, Version: 1, Body: raw, CreatedAt: now, UpdatedAt: now}, nil, nil); err != nil {
						return fmt.Errorf("%s %s in production: %w", k.Name, key, err)
					}
				}
				if i == n/2 {
					keys[k.Collection] = key
				}
			}
		}
		for i := range n {
			id := fmt.Sprintf("tok%05d", i)
			if err := tx.InsertToken(domain.Token{ID: id, Name: "token " + id, Role: domain.RoleViewer, Prefix: "arbt_" + id, Version: 1, CreatedAt: now}, []byte("h")); err != nil {
				return err
			}
			kid := fmt.Sprintf("key%05d", i)
			if err := tx.InsertAPIKey(domain.APIKey{ID: kid, Environment: "development", Name: "key " + kid, Scope: domain.ScopeReadOnly, Prefix: "arbk_" + kid, Version: 1, CreatedAt: now}, []byte("h")); err != nil {
				return err
			}
			if err := tx.AppendAudit(domain.AuditEntry{At: now, Actor: "token:x (bench)", Action: "create", Environment: "development", Kind: "role", Key: fmt.Sprint(i), Version: 1}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return keys
}

// contentSHA is the sha the backend stores for a versioned object's body.
func contentSHA(kind domain.Kind, body []byte) (string, error) {
	var o domain.VersionedObject
	switch kind {
	case domain.KindWorkflow:
		o = &domain.Workflow{}
	case domain.KindGuide:
		o = &domain.Guide{}
	case domain.KindPartial:
		o = &domain.Partial{}
	case domain.KindTranslation:
		o = &domain.Translation{}
	case domain.KindEmailLayout:
		o = &domain.EmailLayout{}
	default:
		return "", fmt.Errorf("versioned kind %s: give contentSHA its type", kind.Name)
	}
	if err := json.Unmarshal(body, o); err != nil {
		return "", err
	}
	o.ApplyDefaults()
	return domain.ContentSHA(o), nil
}

// benchPath is where the benchmark shows a page: the pages that compare
// an environment with the one below (pending promotion, the promotion
// review) in production, above development; the others in development.
func benchPath(pattern string, keys map[string]string) (string, bool) {
	path, ok := fill(pattern, keys)
	if !ok {
		return "", false
	}
	switch {
	case strings.HasSuffix(path, "/promote"), strings.HasSuffix(path, "/pending-promotion"):
		path = strings.Replace(path, "/development/", "/production/", 1)
	case strings.HasSuffix(path, "/access/check"):
		return path + "?" + url.Values{"identity_key": {"ada"}, "permission": {"docs.read"}, "node_key": {keys["hierarchy-nodes"]}}.Encode(), true
	}
	return path + queryFor(path), true
}

// BenchmarkPages renders every page the console registers with 10,000
// objects of every kind: each is to stay under 50 ms on the server. The
// review pages a form shows (an import's) are sent the export of
// development, 10,000 objects of each configuration kind, to review
// against production.
//
// Each page is shown once before it is timed: what the backend keeps
// between requests (each environment's export and version heads, and the
// reviews made from them) is then as a person finds it on a second look.
// The reviews' first showing after a write, which makes them anew, is
// timed apart by the cold/ benchmarks.
func BenchmarkPages(b *testing.B) {
	s := newSite(b)
	keys := fillKinds(b, s, benchObjects)
	br := s.browser()
	br.signIn(s.owner)
	for _, pattern := range console.PagesShown() {
		path, ok := benchPath(pattern, keys)
		if !ok {
			b.Fatalf("%s: no object to show", pattern)
		}
		b.Run(strings.TrimPrefix(pattern, console.Prefix), func(b *testing.B) {
			show := func() page {
				p := br.get(path)
				if p.status != http.StatusOK {
					b.Fatalf("%s: %d %.2000s", path, p.status, p.body)
				}
				return p
			}
			show()
			defer cpubench.Start(b)()
			defer serverTime(b)()
			for b.Loop() {
				serverTook(b, show())
			}
		})
	}
	var doc []byte
	s.api(s.owner, "GET", "/v1/environments/development/config?for=production", "", (*json.RawMessage)(&doc))
	review := func(b *testing.B, path string) { uploadReview(b, br, path, doc) }
	for _, pattern := range console.PagesReviewing() {
		path := strings.ReplaceAll(pattern, "{env}", domain.Production)
		b.Run(strings.TrimPrefix(pattern, console.Prefix), func(b *testing.B) {
			review(b, path)
			defer cpubench.Start(b)()
			defer serverTime(b)()
			for b.Loop() {
				review(b, path)
			}
		})
	}
	// The document above holds 10,000 objects of each configuration kind;
	// the review of one holding 10,000 of a single kind (permissions) is
	// timed too: reading, digesting and sending back the upload grow with
	// the document, not with what the store holds.
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(doc, &sections); err != nil {
		b.Fatal(err)
	}
	for name, raw := range sections {
		if name != "permissions" && len(raw) > 0 && raw[0] == '[' {
			sections[name] = json.RawMessage("[]")
		}
	}
	oneKind, err := json.Marshal(sections)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("documents reviewed: %d bytes (every kind), %d bytes (permissions only)", len(doc), len(oneKind))
	b.Run("one-kind/config/review", func(b *testing.B) {
		path := console.Prefix + "environments/production/config/review"
		uploadReview(b, br, path, oneKind)
		defer cpubench.Start(b)()
		defer serverTime(b)()
		for b.Loop() {
			uploadReview(b, br, path, oneKind)
		}
	})
	coldReviews(b, "cold/", s, br, keys, doc, channelWrite(s))
	coldReviews(b, "cold-kind/", s, br, keys, doc, kindWrite(b, s, domain.KindWorkflow, keys))
	newDocumentReview(b, "new-document/", br, doc)
	// The same over 10,000 objects of one configuration kind, each in
	// turn, on a site of its own.
	for _, sec := range domain.ConfigSections {
		one := newSite(b)
		keys := fillKinds(b, one, benchObjects, sec.Kind)
		br := one.browser()
		br.signIn(one.owner)
		var doc []byte
		one.api(one.owner, "GET", "/v1/environments/development/config?for=production", "", (*json.RawMessage)(&doc))
		coldReviews(b, "cold/"+sec.Name+"/", one, br, keys, doc, channelWrite(one))
		coldReviews(b, "cold-kind/"+sec.Name+"/", one, br, keys, doc, kindWrite(b, one, sec.Kind, keys))
		newDocumentReview(b, "new-document/"+sec.Name+"/", br, doc)
	}
}

// newDocumentReview times the import review of a document the server has
// never been sent, as a person's first upload: doc after n spaces, the
// n-th time (the same objects, other bytes), so that nothing made
// of an earlier upload is kept for it. Production is as the review before
// left it.
func newDocumentReview(b *testing.B, prefix string, br *browser, doc []byte) {
	review := console.Prefix + "environments/production/config/review"
	var sent []byte
	timedAfter(b, prefix+"config/review", func(n int) { sent = append(bytes.Repeat([]byte(" "), n), doc...) },
		func(b *testing.B) { uploadReview(b, br, review, sent) })
}

// timedAfter times show, after before(n), untimed, the n-th time.
func timedAfter(b *testing.B, name string, before func(n int), show func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		n := 0
		defer cpubench.Start(b)()
		defer serverTime(b)()
		for b.Loop() {
			b.StopTimer()
			n++
			before(n)
			b.StartTimer()
			show(b)
		}
	})
}

// uploadReview sends doc to the import review at path, and notes the time
// the server says it took.
func uploadReview(b *testing.B, br *browser, path string, doc []byte) {
	p := br.upload(path, "document", "development.json", doc)
	if p.status != http.StatusOK {
		b.Fatalf("%s: %d %.2000s", path, p.status, p.body)
	}
	serverTook(b, p)
}

// coldReviews times the reviews made anew, the promotion's and the
// import's of doc, on s: write(n) before each showing, the n-th, drops
// what was kept of production's reviews.
func coldReviews(b *testing.B, prefix string, s *site, br *browser, keys map[string]string, doc []byte, write func(n int)) {
	promotion, _ := benchPath(console.Prefix+"environments/{env}/promote", keys)
	review := console.Prefix + "environments/production/config/review"
	for _, c := range []struct {
		name string
		show func(b *testing.B)
	}{
		{"promote", func(b *testing.B) {
			p := br.get(promotion)
			if p.status != http.StatusOK {
				b.Fatalf("%s: %d %.2000s", promotion, p.status, p.body)
			}
			serverTook(b, p)
		}},
		{"config/review", func(b *testing.B) { uploadReview(b, br, review, doc) }},
	} {
		timedAfter(b, prefix+c.name, write, c.show)
	}
}

// channelWrite writes production's in-app channel: a write outside the
// configuration, which moves production's change number and no kind's.
func channelWrite(s *site) func(n int) {
	return func(n int) {
		s.api(s.owner, "PUT", "/v1/environments/production/channels/in-app", fmt.Sprintf(`{"name":"In-app %d","type":"in_app_feed","service":"arbor"}`, n), &struct{}{})
	}
}

// kindWrite writes one object of kind in production, straight to the
// store as fillKinds does (the API's rules would refuse most kinds there):
// the copy of the object keys names, its name changed, for a kind
// production holds copies of, and an object of its own otherwise. The next
// review reads that object of production's again (its key stamp says it
// was written), and takes the rest of the section as it was.
func kindWrite(tb testing.TB, s *site, kind domain.Kind, keys map[string]string) func(n int) {
	return func(n int) {
		err := s.store.Update(context.Background(), func(tx store.Tx) error {
			key := keys[kind.Collection]
			o, err := tx.Object(domain.Production, kind.Name, key)
			if errors.Is(err, store.ErrNotFound) {
				key = keys[kind.Collection] + "-production"
				o = store.Object{Environment: domain.Production, Kind: kind.Name, Key: key, Body: []byte(samples[kind.Name].body), CreatedAt: s.now}
				if kind == domain.KindTranslation {
					key, o.Key = key+".en", key+".en"
				}
			} else if err != nil {
				return err
			}
			var body map[string]any
			if err := json.Unmarshal(o.Body, &body); err != nil {
				return err
			}
			body["key"], body["name"] = key, fmt.Sprintf("Changed in production %d", n)
			o.Body, _ = json.Marshal(body)
			o.Version++
			o.UpdatedAt = time.Now()
			return tx.PutObject(o, nil, nil)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// serverTimes sums, per running benchmark, the time the server says
// (Server-Timing) it took to make each page: the render time on the
// server, without the client's share of the round trip, which for a
// review of a document of megabytes is most of it.
var serverTimes = map[*testing.B]float64{}

// serverTook adds p's server time to b's.
func serverTook(b *testing.B, p page) {
	dur, ok := strings.CutPrefix(p.header.Get("Server-Timing"), "page;dur=")
	ms, err := strconv.ParseFloat(dur, 64)
	if !ok || err != nil {
		b.Fatalf("the page has no Server-Timing: %q", p.header.Get("Server-Timing"))
	}
	serverTimes[b] += ms
}

// serverTime begins summing b's server times; the returned function,
// called once the benchmark's loop has ended, reports server-ms/op (the
// page shown before the loop is not counted).
func serverTime(b *testing.B) func() {
	serverTimes[b] = 0
	return func() {
		if b.N > 0 {
			b.ReportMetric(serverTimes[b]/float64(b.N), "server-ms/op")
		}
		delete(serverTimes, b)
	}
}
