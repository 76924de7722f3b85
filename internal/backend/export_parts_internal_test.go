package backend

import (
	"bytes"
	"context"
	"fmt"
	"reflect"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// exportAnew is env's export made from scratch in tx, as exportConfig and
// Encode make it, with its encoding.
func exportAnew(tx store.Tx, env string) (*domain.ConfigDocument, []byte, error) {
	doc, err := exportConfig(tx, env)
	if err != nil {
		return nil, nil, err
	}
	encoded, err := doc.Encode()
	return doc, encoded, err
}

// KeptCopyMismatch compares, in one read transaction, every environment's
// kept export (made from the objects of the export before it where their
// bodies are unchanged, export_parts.go) and version heads with those
// exportConfig, Encode and readHeads make anew: "" when they are the same.
// The backend's tests call it after every write they make (api.do), so
// every sequence of writes they make is a test of the kept exports. An
// error is the store's (an outage a test makes), not a mismatch.
func (s *Server) KeptCopyMismatch(ctx context.Context) (string, error) {
	var mismatch string
	err := s.store.View(ctx, func(tx store.Tx) error {
		envs, err := tx.Environments()
		if err != nil {
			return err
		}
		copies := s.envCopies.in(tx)
		for _, e := range envs {
			kept, err := copies.exportOf(e.Slug)
			if err != nil {
				return err
			}
			doc, encoded, err := exportAnew(tx, e.Slug)
			if err != nil {
				return err
			}
			split, err := domain.EncodedObjects(encoded)
			if err != nil {
				return err
			}
			keptSplit := kept.encodedObjects
			keptBytes, err := kept.bytes()
			if err != nil {
				return err
			}
			switch {
			case !bytes.Equal(keptBytes, encoded):
				mismatch = fmt.Sprintf("%s: the kept export is\n%s\nthe export made anew\n%s", e.Slug, keptBytes, encoded)
			case kept.version != domain.ConfigVersionOf(encoded):
				mismatch = fmt.Sprintf("%s: the kept export's version is %s, its encoding's %s", e.Slug, kept.version, domain.ConfigVersionOf(encoded))
			case !reflect.DeepEqual(kept.doc, doc):
				mismatch = fmt.Sprintf("%s: the kept export's document is\n%#v\nthe one made anew\n%#v", e.Slug, kept.doc, doc)
			case !reflect.DeepEqual(keptSplit, split):
				mismatch = fmt.Sprintf("%s: the kept export's objects are\n%+v\nthe encoding's\n%+v", e.Slug, keptSplit, split)
			}
			if mismatch != "" {
				return nil
			}
			shas := kept.shas.of(kept.doc)
			for _, sec := range doc.VersionedSections() {
				for _, o := range sec.Objects {
					if sha, ok := shas(sec.Kind, o.ObjectKey()); !ok || sha != domain.ContentSHA(o) {
						mismatch = fmt.Sprintf("%s: the kept export's content sha of %s %q is %q (known: %v), the object's %q",
							e.Slug, sec.Kind.Name, o.ObjectKey(), sha, ok, domain.ContentSHA(o))
						return nil
					}
				}
			}
			for _, k := range domain.VersionedKinds {
				heads, err := copies.headsOf(e.Slug, k)
				if err != nil {
					return err
				}
				read, err := readHeads(tx, e.Slug, k)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(heads, read) {
					mismatch = fmt.Sprintf("%s: the kept heads of %s are\n%+v\nthose read anew\n%+v", e.Slug, k.Name, heads, read)
					return nil
				}
			}
		}
		return nil
	})
	return mismatch, err
}
