package backend

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The review of an import or a promotion: what writing a configuration
// document into an environment would change, section by section, and what
// it would do to people's access there. The console shows it before a
// person confirms; nothing is written.
//
// The same answers come from the API (the export of both sides and
// POST …/access/impact), but through it a review moves two whole documents
// through JSON: with 10,000 objects of each kind, seconds per page. Here
// both sides are read from the environments' kept copies (env_copies.go),
// and a review, once made, is kept in the target's copy under what it
// compared: the source (a promotion) or the digest of the uploaded bytes
// (an import), with every environment's change number in
// promotion order, the settings' version and how the reader sees customer
// data: all a review reads. The target's copy is dropped at its next
// write, and the rest is read in the same snapshot, so a kept review
// describes exactly the state it is shown against.

// SectionChange is what a review finds in one section of the document.
type SectionChange struct {
	Name                    string
	Added, Changed, Removed []string
	// Kept are objects the document lacks that stay: versioned objects
	// created in the target itself, which a document from another
	// environment never removes.
	Kept      []string
	Unchanged int
	// Untouched is true for a section the document predates (a version-1
	// document has no partials): the import leaves every object of its
	// kind as it is, each counted Unchanged.
	Untouched bool
}

// Empty is true when the section does not change.
func (d SectionChange) Empty() bool {
	return len(d.Added)+len(d.Changed)+len(d.Removed) == 0
}

// ConfigReview is what an import or a promotion would do to an
// environment.
type ConfigReview struct {
	Target, From string
	// Version is the target's configuration version as its export's ETag
	// gives it, the precondition (If-Match) a confirm sends; SourceVersion
	// is the promotion source's.
	Version, SourceVersion string
	// LeftOut names what the source's document for the target leaves out
	// (kind/key), as the export's X-Arbor-Left-Out does.
	LeftOut  []string
	Sections []SectionChange
	// Impact is what the change does to people's access in the target,
	// with the assignments of removed roles and nodes removed too
	// (prune_assignments), as the access impact route answers it.
	Impact *api.AccessImpactAnswer
}

// NoChange is true when the document changes no section.
func (r *ConfigReview) NoChange() bool {
	for _, s := range r.Sections {
		if !s.Empty() {
			return false
		}
	}
	return true
}

// maxKeptReviews bounds the reviews kept per environment copy.
const maxKeptReviews = 8

// ReviewPromotion reviews a promotion of from's configuration into target,
// as p: p must be allowed to read both environments, as the exports it
// stands for require.
func (s *Server) ReviewPromotion(ctx context.Context, p domain.Principal, target, from string) (*ConfigReview, error) {
	if msg := domain.CheckSlug(from); msg != "" || from == target {
		if msg == "" {
			msg = "must name another environment"
		}
		return nil, s.fail(ctx, &domain.Error{Code: domain.CodeValidation, Message: fmt.Sprintf("choose the environment to promote into %s from: from %s", target, msg),
			Details: []domain.FieldError{{Field: "from", Message: msg}}})
	}
	return s.review(ctx, p, target, from, func(tx store.Tx, copies *copiesInTx, env domain.Environment) (string, reviewRead, error) {
		if _, err := s.access(tx, p, from, domain.ActRead); err != nil {
			return "", reviewRead{}, err
		}
		// from's change number joins the key with every environment's
		// (review).
		return "promote:" + from, reviewRead{read: func() (*reviewSource, error) {
			current, err := copies.exportOf(from)
			if err != nil {
				return nil, err
			}
			src := &reviewSource{version: strconv.Quote(current.version), shas: &contentSHAs{}}
			keeps, err := keepsProductionBorn(copies, from, target)
			if err != nil {
				return nil, err
			}
			if !keeps {
				src.doc, src.shas, src.encoded = current.doc, &current.shas, current.encodedObjects
				return src, nil
			}
			doc, left, err := exportFor(tx, from, target)
			if err != nil {
				return nil, err
			}
			for _, lo := range left {
				src.leftOut = append(src.leftOut, lo.Kind+"/"+lo.Key)
			}
			src.doc = doc
			src.encoded, err = doc.EncodeObjects()
			return src, err
		}}, nil
	})
}

// ReviewImport reviews an import of document (as uploaded) into target, as
// p. A document that does not decode or validate is refused as the import
// refuses it, its fields named.
func (s *Server) ReviewImport(ctx context.Context, p domain.Principal, target string, upload Upload) (*ConfigReview, error) {
	document := upload.bytes
	key := "import:" + hex.EncodeToString(upload.sum[:])
	return s.review(ctx, p, target, "", func(store.Tx, *copiesInTx, domain.Environment) (string, reviewRead, error) {
		return key, reviewRead{alone: true, read: func() (*reviewSource, error) {
			// With the document, each object's bytes as sent: an object
			// whose bytes are the target's is not encoded again
			// (makeReview).
			doc, uploaded, err := domain.DecodeConfigDocumentSent(document)
			if err != nil {
				return nil, err
			}
			if err := doc.Validate().Err(); err != nil {
				return nil, err
			}
			doc.Canonicalize()
			// The content shas are computed by makeReview, which knows
			// the objects sent as the target holds them.
			return &reviewSource{doc: doc, uploaded: uploaded, shas: &contentSHAs{}}, nil
		}}, nil
	})
}

// reviewRead reads the document a review compares with its target.
type reviewRead struct {
	read func() (*reviewSource, error)
	// alone is true when read uses nothing of the read transaction (an
	// uploaded document): it runs beside the reads of the target, on
	// another goroutine.
	alone bool
}

// reviewSource is the document a review compares with its target.
type reviewSource struct {
	doc *domain.ConfigDocument
	// encoded is doc's objects encoded; for an uploaded document, made by
	// makeReview from the bytes uploaded where they are the target's.
	encoded  *domain.EncodedDocument
	uploaded domain.SentObjects
	version  string
	leftOut  []string
	// shas are the content shas of doc's objects: the export's own when
	// doc is a kept export. A source is shared once kept: shas is set
	// when it is made.
	shas *contentSHAs
}

// review reads, in one read transaction of p's, target and what source
// names: the key under which its review is kept, and the document. A kept
// review is answered as it is; another is made and kept.
func (s *Server) review(ctx context.Context, p domain.Principal, target, from string,
	source func(tx store.Tx, copies *copiesInTx, env domain.Environment) (string, reviewRead, error)) (*ConfigReview, error) {
	if err := s.limit(p); err != nil {
		return nil, s.fail(ctx, err)
	}
	var out *ConfigReview
	err := s.store.View(ctx, func(tx store.Tx) error {
		env, err := s.access(tx, p, target, domain.ActRead)
		if err != nil {
			return err
		}
		copies := s.envCopies.in(tx)
		key, read, err := source(tx, copies, env)
		if err != nil {
			return err
		}
		// A review reads more than its two sides: the promotion rule
		// reads the production write access setting, the promotion order
		// and every environment's versions of each object (the one
		// directly below the target above all). It is kept under the
		// settings' version and each environment's change number too.
		order, settings, err := promotionContext(tx)
		if err != nil {
			return err
		}
		var under strings.Builder
		fmt.Fprintf(&under, "%s;settings@%d", key, settings.Version)
		for _, e := range order {
			cp, err := copies.of(e)
			if err != nil {
				return err
			}
			fmt.Fprintf(&under, ";%s@%d", e, cp.at)
		}
		key = under.String()
		// A reader who sees customer data obfuscated gets an impact
		// without identity keys: kept apart from the others'.
		if env.ObfuscateCustomerData && p.SeesObfuscatedData() {
			key += ";obfuscated"
		}
		cp, err := copies.of(target)
		if err != nil {
			return err
		}
		if out = cp.review(key); out != nil {
			return nil
		}
		src, err := readBeside(read, func() error {
			// What makeReview reads of the target first, kept in its
			// copy: made while the document is read.
			_, err := copies.exportOf(target)
			return err
		})
		if err != nil {
			return err
		}
		if out, err = s.makeReview(tx, copies, env, p, src); err != nil {
			return err
		}
		out.Target, out.From = target, from
		cp.keepReview(key, out)
		return nil
	})
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return out, nil
}

// readBeside reads the review's source, and runs target beside it when the
// source reads nothing of the transaction (target does, on this
// goroutine: a transaction is one goroutine's).
func readBeside(rd reviewRead, target func() error) (src *reviewSource, err error) {
	if !rd.alone {
		return rd.read()
	}
	read := goBeside("reading the document reviewed", func() (err error) {
		src, err = rd.read()
		return err
	})
	err = target()
	if srcErr := read(); srcErr != nil {
		// The document's own problems first: they are what the person
		// reviewing has to fix.
		return nil, srcErr
	}
	return src, err
}

// goBeside runs f on another goroutine; wait waits for it to end and
// returns its error. A panic in f is an error of the request (what f was
// doing, and the panic), as it would be on the request's own goroutine.
func goBeside(doing string, f func() error) (wait func() error) {
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%s: panic: %v", doing, r)
			}
		}()
		err = f()
	}()
	return func() error {
		<-done
		return err
	}
}

// makeReview compares src with env's configuration in tx.
//
// An uploaded document's objects are encoded and compared on another
// goroutine, which reads nothing of tx, while this one works out the
// access impact (whose plan reads tx from several goroutines, one read at
// a time: importTargetOf): neither waits for the other, and on a document
// of 100,000 objects each is a fifth of the review.
func (s *Server) makeReview(tx store.Tx, copies *copiesInTx, env domain.Environment, p domain.Principal, src *reviewSource) (*ConfigReview, error) {
	current, err := copies.exportOf(env.Slug)
	if err != nil {
		return nil, err
	}
	have := current.encodedObjects
	r := &ConfigReview{Version: strconv.Quote(current.version), SourceVersion: src.version, LeftOut: src.leftOut}
	compare := func() {
		for _, sec := range domain.ConfigSections {
			want, carried := src.encoded.Sections[sec.Name]
			if !carried {
				r.Sections = append(r.Sections, SectionChange{Name: sec.Name, Unchanged: len(have.Sections[sec.Name]), Untouched: true})
				continue
			}
			r.Sections = append(r.Sections, diffSection(sec.Name, have.Sections[sec.Name], want))
		}
	}
	compared := func() error { return nil }
	if src.encoded == nil {
		taken := takenOf(src.uploaded, have)
		if taken != nil {
			// An object sent as the target holds it is the target's
			// object: its content sha is the one the target's export
			// carries.
			target := current.shas.of(current.doc)
			src.shas.known = func(kind domain.Kind) func(key string) (string, bool) {
				same := taken[kind.Section()]
				return func(key string) (string, bool) {
					if same[key] == nil {
						return "", false
					}
					return target(kind, key)
				}
			}
		}
		compared = goBeside("encoding the document reviewed", func() (err error) {
			if src.encoded, err = encodeKnowing(src.doc, taken); err != nil {
				return err
			}
			compare()
			return nil
		})
	} else {
		compare()
	}
	r.Impact, err = s.accessImpactOf(tx, env, p, impactProposal{doc: src.doc, shas: src.shas.of(src.doc), pruneAssignments: true})
	if err := compared(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	// A document of the target itself removes what it lacks; one from
	// elsewhere keeps the versioned objects created in the target.
	if src.encoded.SourceEnvironment != env.Slug {
		for _, k := range domain.VersionedKinds {
			i := slices.IndexFunc(r.Sections, func(d SectionChange) bool { return d.Name == k.Section() })
			if i < 0 || len(r.Sections[i].Removed) == 0 {
				continue
			}
			heads, err := copies.headsOf(env.Slug, k)
			if err != nil {
				return nil, err
			}
			born := map[string]bool{}
			for _, h := range heads {
				born[h.key] = h.head.OriginEnvironment == env.Slug
			}
			d := &r.Sections[i]
			var removed []string
			for _, key := range d.Removed {
				if born[key] {
					d.Kept = append(d.Kept, key)
				} else {
					removed = append(removed, key)
				}
			}
			d.Removed = removed
		}
	}
	return r, nil
}

// encodeKnowing encodes doc's objects, taking as they are those taken
// (takenOf): by section and key, the bytes an object was uploaded as where
// they are the target's.
func encodeKnowing(doc *domain.ConfigDocument, taken map[string]map[string][]byte) (*domain.EncodedDocument, error) {
	if taken == nil {
		return doc.EncodeObjects()
	}
	return doc.EncodeObjectsKnowing(func(section, key string) []byte { return taken[section][key] })
}

// takenOf holds, by section and key, the target's bytes (have) of the
// uploaded objects whose bytes as uploaded, where the document's structure
// delimits them, are the target's: the target's are what EncodeObject
// writes for its canonical objects (its prefix, then the object), and
// canonical bytes decode to the object that encodes to them, which
// Canonicalize leaves as it is. An uploaded export of an environment much
// like the target's is mostly such objects, which the review then takes as
// they are rather than encoding them again. Nil when nothing was uploaded.
func takenOf(uploaded domain.SentObjects, have *domain.EncodedDocument) map[string]map[string][]byte {
	if uploaded == nil {
		return nil
	}
	taken := map[string]map[string][]byte{}
	for name, objects := range uploaded {
		byKey := map[string][]byte{}
		take := func(o domain.EncodedObject, target []byte) {
			if domain.SentAsEncoded(o.Bytes, target) {
				byKey[o.Key] = target
			}
		}
		targets := have.Sections[name]
		if inKeyOrder(objects) && inKeyOrder(targets) {
			// An export and the target's copy: both in key order, walked
			// side by side.
			i := 0
			for _, o := range objects {
				for i < len(targets) && targets[i].Key < o.Key {
					i++
				}
				if i < len(targets) && targets[i].Key == o.Key {
					take(o, targets[i].Bytes)
				}
			}
		} else {
			byTarget := make(map[string][]byte, len(targets))
			for _, t := range targets {
				byTarget[t.Key] = t.Bytes
			}
			for _, o := range objects {
				if t, ok := byTarget[o.Key]; ok {
					take(o, t)
				}
			}
		}
		taken[name] = byKey
	}
	return taken
}

// diffSection compares a section's objects in the target (have) with the
// document's (want), by their canonical bytes. What the document lacks is
// Removed. Two sections in key order (exports, canonical documents) are
// walked side by side; others are compared through a map.
func diffSection(name string, have, want []domain.EncodedObject) SectionChange {
	d := SectionChange{Name: name}
	if !inKeyOrder(have) || !inKeyOrder(want) {
		return diffUnordered(d, have, want)
	}
	i, j := 0, 0
	for i < len(have) || j < len(want) {
		switch {
		case j == len(want) || i < len(have) && have[i].Key < want[j].Key:
			d.Removed = append(d.Removed, have[i].Key)
			i++
		case i == len(have) || want[j].Key < have[i].Key:
			d.Added = append(d.Added, want[j].Key)
			j++
		default:
			if bytes.Equal(have[i].Bytes, want[j].Bytes) {
				d.Unchanged++
			} else {
				d.Changed = append(d.Changed, want[j].Key)
			}
			i, j = i+1, j+1
		}
	}
	return d
}

// inKeyOrder reports objects whose keys strictly increase.
func inKeyOrder(objects []domain.EncodedObject) bool {
	for i := 1; i < len(objects); i++ {
		if objects[i-1].Key >= objects[i].Key {
			return false
		}
	}
	return true
}

// diffUnordered is diffSection of sections in any order.
func diffUnordered(d SectionChange, have, want []domain.EncodedObject) SectionChange {
	h := make(map[string][]byte, len(have))
	for _, o := range have {
		h[o.Key] = o.Bytes
	}
	w := make(map[string]bool, len(want))
	for _, o := range want {
		w[o.Key] = true
		switch old, ok := h[o.Key]; {
		case !ok:
			d.Added = append(d.Added, o.Key)
		case !bytes.Equal(old, o.Bytes):
			d.Changed = append(d.Changed, o.Key)
		default:
			d.Unchanged++
		}
	}
	for _, o := range have {
		if !w[o.Key] {
			d.Removed = append(d.Removed, o.Key)
		}
	}
	for _, l := range [][]string{d.Added, d.Changed, d.Removed} {
		slices.Sort(l)
	}
	return d
}

// review is the review kept under key, or nil.
func (c *envCopy) review(key string) *ConfigReview {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reviews[key]
}

// keepReview keeps r under key, making room when the copy holds
// maxKeptReviews already.
func (c *envCopy) keepReview(key string, r *ConfigReview) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reviews == nil {
		c.reviews = map[string]*ConfigReview{}
	}
	if len(c.reviews) >= maxKeptReviews {
		for k := range c.reviews {
			if !strings.HasPrefix(k, "promote:") {
				delete(c.reviews, k)
				break
			}
		}
		for k := range c.reviews {
			if len(c.reviews) < maxKeptReviews {
				break
			}
			delete(c.reviews, k)
		}
	}
	c.reviews[key] = r
}

// ConfigVersion is env's configuration version as its export's ETag gives
// it (for any target: a document for another environment carries the
// version of its source's configuration), read as p, who must be allowed
// to read env: what a confirm compares with the version it reviewed.
func (s *Server) ConfigVersion(ctx context.Context, p domain.Principal, env string) (string, error) {
	if err := s.limit(p); err != nil {
		return "", s.fail(ctx, err)
	}
	var version string
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := s.access(tx, p, env, domain.ActRead); err != nil {
			return err
		}
		current, err := s.envCopies.in(tx).exportOf(env)
		if err == nil {
			version = strconv.Quote(current.version)
		}
		return err
	})
	if err != nil {
		return "", s.fail(ctx, err)
	}
	return version, nil
}

// limit takes a request of p's from the rate limiter, as the API's door
// does for every request: an operation called in process counts as one.
func (s *Server) limit(p domain.Principal) error {
	if s.limiter == nil {
		return nil
	}
	if wait, ok := s.limiter.allow(p.Actor()); !ok {
		return domain.Errorf(domain.CodeRateLimited, "rate limit exceeded; retry after %s second(s)", wait)
	}
	return nil
}
