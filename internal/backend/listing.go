package backend

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// PageParams are the pagination parameters of every listing.
type PageParams struct {
	Cursor string `query:"cursor" doc:"Opaque cursor from the previous page's next_cursor."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"Maximum number of items in the page."`
}

func (p PageParams) after() (string, error) {
	if p.Cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil {
		return "", (&domain.Problems{{Field: "cursor", Message: "is not a cursor returned by this API"}}).Err()
	}
	return string(b), nil
}

func cursorAfter(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// before decodes a cursor of a listing ordered newest first by number
// (audit entries, versions): 0 when there is none.
func (p PageParams) before() (int64, error) {
	after, err := p.after()
	if err != nil || after == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil {
		return 0, (&domain.Problems{{Field: "cursor", Message: "is not a cursor returned by this API"}}).Err()
	}
	return n, nil
}

// pageOf makes a page of items read with limit+1: an item beyond limit only
// says another page follows, after the cursor of the last item kept.
func pageOf[T any](items []T, limit int, cursor func(T) string) domain.Page[T] {
	page := domain.Page[T]{Items: append([]T{}, items...)}
	if len(items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = cursorAfter(cursor(items[limit-1]))
	}
	return page
}

func (p PageParams) limit() int {
	if p.Limit <= 0 {
		return 100
	}
	return p.Limit
}

// listFilter narrows a listing: to keys starting with prefix, to objects
// referencing refTo, and/or to those keep accepts.
type listFilter[T any] struct {
	prefix string
	refTo  *domain.Ref
	keep   func(*T) bool
}

// startAfter is where a listing of keys starting with prefix begins, given
// the cursor's after: every such key sorts after the prefix less its last
// byte, so the keys read before the first match are only those sharing all
// but the prefix's last byte.
func startAfter(after, prefix string) string {
	if prefix == "" {
		return after
	}
	return max(after, prefix[:len(prefix)-1])
}

// listObjects reads one page of objects of a kind.
func listObjects[T any, PT domain.ObjectPtr[T]](ctx context.Context, s *Server, r *rules[T], envSlug string, page PageParams, f listFilter[T]) (domain.Page[T], error) {
	out := domain.Page[T]{Items: []T{}}
	after, err := page.after()
	if err != nil {
		return out, err
	}
	limit := page.limit()
	err = s.view(ctx, envSlug, func(tx store.Tx, env domain.Environment, p domain.Principal) error {
		q := store.Query{Environment: scope(r.kind, env.Slug), Kind: r.kind.Name, After: startAfter(after, f.prefix), Limit: limit + 1}
		if f.refTo != nil {
			q.ReferencesTo = &store.Ref{Environment: scope(f.refTo.Kind, env.Slug), Kind: f.refTo.Kind.Name, Key: f.refTo.Key}
		}
		// last is the key of the last object returned: the next page
		// starts after it, whatever this one examined beyond it.
		var last string
		for {
			batch, err := tx.Objects(q)
			if err != nil {
				return err
			}
			for _, o := range batch {
				if !strings.HasPrefix(o.Key, f.prefix) {
					if o.Key > f.prefix {
						// Keys come in order: none after this one has the prefix.
						return nil
					}
					continue
				}
				if len(out.Items) == limit {
					out.NextCursor = cursorAfter(last)
					return nil
				}
				obj, err := decode[T, PT](o)
				if err != nil {
					return err
				}
				if f.keep != nil && !f.keep(obj) {
					continue
				}
				if r.present != nil {
					r.present(env, p, obj)
				}
				out.Items = append(out.Items, *obj)
				last = o.Key
			}
			if len(batch) < q.Limit {
				return nil
			}
			q.After = batch[len(batch)-1].Key
		}
	})
	return out, err
}
