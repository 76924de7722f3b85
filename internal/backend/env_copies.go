package backend

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// What the configuration pages derive from every object of an environment
// (its export and the version heads of its versioned objects) costs a read
// and a decode of all of them: with 10,000 objects of each kind, seconds.
// It is kept in memory between requests, under the environment's change
// number (store.Changes, see access_index.go): every committed write in an
// environment stamps it with a new number, never reused, so two read
// snapshots that see the same number see the same objects there. A copy is
// used only by a read transaction whose snapshot holds the copy's number,
// and is filled from such a transaction; a write transaction never uses
// one, since its own writes are stamped only when it ends.

// envCopies holds the newest copy of each environment.
type envCopies struct {
	mu    sync.Mutex
	byEnv map[string]*envCopy
	// parts are the objects and sections of each environment's newest
	// export made (export_parts.go), which the next one takes again where
	// their rows have not changed.
	parts map[string]keptParts
}

// envCopy is what was derived of one environment at one change number,
// filled as it is first asked for. What it hands out is shared: callers
// read it and never change it.
type envCopy struct {
	at int64

	mu     sync.Mutex
	export *exportCopy
	heads  map[string][]keyedHead
	// reviews are the reviews of imports and promotions into the
	// environment at this number (config_review.go).
	reviews map[string]*ConfigReview
}

// exportCopy is an environment's export for itself.
type exportCopy struct {
	doc     *domain.ConfigDocument
	version string

	// The encoding, assembled from the objects' when first asked for (a
	// download): a review needs the version and the objects alone.
	encode    sync.Once
	assemble  func() ([]byte, error)
	encoded   []byte
	encodeErr error

	// The encoding's objects, as a review compares them.
	encodedObjects *domain.EncodedDocument

	// The content shas of its versioned objects.
	shas contentSHAs
}

// bytes is the export's encoding.
func (e *exportCopy) bytes() ([]byte, error) {
	e.encode.Do(func() { e.encoded, e.encodeErr = e.assemble() })
	return e.encoded, e.encodeErr
}

// keyedHead is the version head of one object.
type keyedHead struct {
	key  string
	head domain.VersionHead
}

// of returns the copy of env that tx's snapshot holds; tx must be a read
// transaction. A snapshot older than the copy held gets one of its own,
// which is not kept.
func (c *envCopies) of(tx store.Tx, env string) (*envCopy, error) {
	changes, err := tx.Changes(env)
	c.mu.Lock()
	defer c.mu.Unlock()
	if errors.Is(err, store.ErrNotFound) {
		// An environment gone takes its copy with it.
		delete(c.byEnv, env)
		delete(c.parts, env)
	}
	if err != nil {
		return nil, err
	}
	if c.byEnv == nil {
		c.byEnv = map[string]*envCopy{}
	}
	held := c.byEnv[env]
	if held != nil && held.at == changes.Environment {
		return held, nil
	}
	fresh := &envCopy{at: changes.Environment}
	if held == nil || held.at < changes.Environment {
		c.byEnv[env] = fresh
	}
	return fresh, nil
}

// in gives the copies tx's snapshot holds, tx being a read transaction:
// each environment's change number is read once in it.
func (c *envCopies) in(tx store.Tx) *copiesInTx {
	return &copiesInTx{copies: c, tx: tx, held: map[string]*envCopy{}}
}

// copiesInTx are the copies of the environments one read transaction
// holds.
type copiesInTx struct {
	copies *envCopies
	tx     store.Tx
	held   map[string]*envCopy
}

func (t *copiesInTx) of(env string) (*envCopy, error) {
	if cp, ok := t.held[env]; ok {
		return cp, nil
	}
	cp, err := t.copies.of(t.tx, env)
	if err == nil {
		t.held[env] = cp
	}
	return cp, err
}

// exportOf is env's export for itself. Made with it are the version heads
// of env's versioned objects, from the same rows.
func (t *copiesInTx) exportOf(env string) (*exportCopy, error) {
	cp, err := t.of(env)
	if err != nil {
		return nil, err
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.export != nil {
		return cp.export, nil
	}
	built, err := buildExport(t.tx, env, t.copies.partsOf(env))
	if err != nil {
		return nil, err
	}
	cp.export = built.export
	if cp.heads == nil {
		cp.heads = map[string][]keyedHead{}
	}
	for kind, heads := range built.heads {
		if _, ok := cp.heads[kind]; !ok {
			cp.heads[kind] = heads
		}
	}
	t.copies.keepParts(env, cp.at, built.parts)
	return cp.export, nil
}

// headsOf are the version heads of env's objects of a versioned kind, in
// key order.
func (t *copiesInTx) headsOf(env string, kind domain.Kind) ([]keyedHead, error) {
	cp, err := t.of(env)
	if err != nil {
		return nil, err
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if heads, ok := cp.heads[kind.Name]; ok {
		return heads, nil
	}
	heads, err := readHeads(t.tx, env, kind)
	if err != nil {
		return nil, err
	}
	if cp.heads == nil {
		cp.heads = map[string][]keyedHead{}
	}
	cp.heads[kind.Name] = heads
	return heads, nil
}

// contentSHAs are the content shas of a document's versioned objects, by
// kind and key, as an import plan checks them, computed once for all of
// them: for a document that no one changes, which a review compares
// again after every write to its target.
type contentSHAs struct {
	once sync.Once
	// shas are those computed, by kind name and key.
	shas map[string]map[string]string
	// known, when set before the first of, gives for a kind the shas of
	// its objects known ahead, which of does not compute: an uploaded
	// object whose bytes are the target's has the target's object's
	// (makeReview).
	known func(kind domain.Kind) func(key string) (string, bool)
	// knownOf holds known's answer for each versioned kind.
	knownOf map[string]func(key string) (string, bool)
	// lookup, when set, answers every question, and of computes nothing:
	// a kept export's, whose every object carries its sha (keptObject).
	lookup func(kind domain.Kind, key string) (string, bool)
}

// of gives the shas of doc's objects.
func (c *contentSHAs) of(doc *domain.ConfigDocument) func(kind domain.Kind, key string) (string, bool) {
	if c.lookup != nil {
		return c.lookup
	}
	c.once.Do(func() {
		// Each object's sha is its content encoded and hashed: for a
		// document of thousands, shared out among as many goroutines as
		// Go runs at once.
		sections := doc.VersionedSections()
		type at struct{ section, object int }
		var unknown []at
		c.knownOf = map[string]func(string) (string, bool){}
		for s, sec := range sections {
			var known func(string) (string, bool)
			if c.known != nil {
				known = c.known(sec.Kind)
				c.knownOf[sec.Kind.Name] = known
			}
			for i, o := range sec.Objects {
				if known != nil {
					if _, ok := known(o.ObjectKey()); ok {
						continue
					}
				}
				unknown = append(unknown, at{s, i})
			}
		}
		shas := make([]string, len(unknown))
		_ = domain.ForEachParallel(len(unknown), func(j int) error { // never fails
			shas[j] = domain.ContentSHA(sections[unknown[j].section].Objects[unknown[j].object])
			return nil
		})
		c.shas = map[string]map[string]string{}
		for j, u := range unknown {
			sec := sections[u.section]
			byKey := c.shas[sec.Kind.Name]
			if byKey == nil {
				byKey = map[string]string{}
				c.shas[sec.Kind.Name] = byKey
			}
			byKey[sec.Objects[u.object].ObjectKey()] = shas[j]
		}
	})
	return func(kind domain.Kind, key string) (string, bool) {
		if sha, ok := c.shas[kind.Name][key]; ok {
			return sha, true
		}
		if known := c.knownOf[kind.Name]; known != nil {
			return known(key)
		}
		return "", false
	}
}

// readHeads reads the version heads of env's objects of a versioned kind
// in tx, in key order, a batch at a time.
func readHeads(tx store.Tx, env string, kind domain.Kind) ([]keyedHead, error) {
	var heads []keyedHead
	after := ""
	for {
		objects, err := tx.Objects(store.Query{Environment: env, Kind: kind.Name, After: after, Limit: headBatch})
		if err != nil {
			return nil, err
		}
		for _, o := range objects {
			h, err := headOf(o)
			if err != nil {
				return nil, err
			}
			heads = append(heads, keyedHead{key: o.Key, head: h})
			after = o.Key
		}
		if len(objects) < headBatch {
			return heads, nil
		}
	}
}

// headsAfter are the heads of keys after after (all of them for "").
func headsAfter(heads []keyedHead, after string) []keyedHead {
	if after == "" {
		return heads
	}
	i, found := slices.BinarySearchFunc(heads, after, func(h keyedHead, key string) int { return strings.Compare(h.key, key) })
	if found {
		i++
	}
	return heads[i:]
}

// CountBornIn counts env's objects of a versioned kind whose origin
// environment is origin, in tx, a read transaction of the server's store
// (the console's counts): from env's kept heads, so a page that counts
// reads no object once they are kept.
func (s *Server) CountBornIn(tx store.Tx, env string, kind domain.Kind, origin string) (int, error) {
	heads, err := s.envCopies.in(tx).headsOf(env, kind)
	n := 0
	for _, h := range heads {
		if h.head.OriginEnvironment == origin {
			n++
		}
	}
	return n, err
}
