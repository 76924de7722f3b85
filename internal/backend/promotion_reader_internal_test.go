package backend

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// The import plan's promotion reader answers as promotionOf does, key by
// key, before and after it reads a kind whole: objects in one environment
// or both, with the same content or not, born in either.
func TestPromotionReaderAnswersAsPromotionOf(t *testing.T) {
	st, err := database.Open(context.Background(), filepath.Join(t.TempDir(), "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 3 * promotionScanAfter
	now := time.Now().UTC()
	put := func(tx store.Tx, env, key, sha, origin string) error {
		body := fmt.Sprintf(`{"key":%q,"name":"W","steps":[],"sha":%q,"origin_environment":%q}`, key, sha, origin)
		return tx.PutObject(store.Object{Environment: env, Kind: domain.KindWorkflow.Name, Key: key, Version: 1, Body: []byte(body), CreatedAt: now, UpdatedAt: now}, nil, nil)
	}
	var keys []string
	err = st.Update(context.Background(), func(tx store.Tx) error {
		for i := range n {
			key := fmt.Sprintf("w%03d", i)
			keys = append(keys, key)
			switch i % 4 {
			case 0: // development only
				err = put(tx, "development", key, "a", "development")
			case 1: // both, same content
				if err = put(tx, "development", key, "a", "development"); err == nil {
					err = put(tx, domain.Production, key, "a", "development")
				}
			case 2: // both, changed below
				if err = put(tx, "development", key, "b", "development"); err == nil {
					err = put(tx, domain.Production, key, "a", "development")
				}
			case 3: // born in production
				err = put(tx, domain.Production, key, "c", domain.Production)
			}
			if err != nil {
				return err
			}
		}
		// A key asked about that exists nowhere.
		keys = append(keys, "absent")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(context.Background(), func(tx store.Tx) error {
		// answers asks reader about keys, as promotionOf answers them.
		answers := func(what string, reader *promotionReader, keys []string) error {
			for _, key := range keys {
				want, err := promotionOf(tx, domain.KindWorkflow, reader.env, key)
				if err != nil {
					return err
				}
				// A plan reads the rule's part, not each environment's
				// state.
				want.Environments = nil
				got, err := reader.of(domain.KindWorkflow, key)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s: %s answers\n%+v\npromotionOf\n%+v", reader.env, key, what, got, want)
				}
			}
			return nil
		}
		for _, env := range []string{"development", domain.Production} {
			reader := &promotionReader{tx: tx, env: env}
			// Twice over: the first promotionScanAfter answers come from
			// point reads, the rest from the kind read whole.
			if err := answers("the reader", reader, append(keys, keys...)); err != nil {
				return err
			}
			if _, whole := reader.heads[domain.KindWorkflow.Name]; !whole {
				t.Errorf("%s: the reader never read the kind whole", env)
			}
			// From the heads the environments' kept copies hold, as a
			// review reads them.
			kept := &promotionReader{tx: tx, env: env, index: (&envCopies{}).in(tx).headsOf}
			if err := answers("the reader of kept heads", kept, keys); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A head cursor finds what a map of the heads finds, whatever the order of
// the questions: in key order, backwards, repeated, absent keys between
// and beyond the heads.
func TestHeadCursorFindsAsAMap(t *testing.T) {
	var heads []keyedHead
	byKey := map[string]domain.VersionHead{}
	for i := range 40 {
		if i%3 == 0 {
			continue
		}
		key := fmt.Sprintf("k%03d", i)
		h := domain.VersionHead{Environment: "development", SHA: key, Version: int64(i)}
		heads = append(heads, keyedHead{key: key, head: h})
		byKey[key] = h
	}
	var asked []string
	for i := range 45 {
		asked = append(asked, fmt.Sprintf("k%03d", i))
	}
	backwards := slices.Clone(asked)
	slices.Reverse(backwards)
	orders := map[string][]string{"in key order": asked, "backwards": backwards}
	shuffled := slices.Clone(asked)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	orders["shuffled, twice"] = append(shuffled, shuffled...)
	orders["each twice"] = nil
	for _, k := range asked {
		orders["each twice"] = append(orders["each twice"], k, k)
	}
	for name, keys := range orders {
		c := &headCursor{heads: heads}
		for _, k := range keys {
			got, ok := c.find(k)
			want, wantOK := byKey[k]
			if got != want || ok != wantOK {
				t.Errorf("%s: %s: found %+v %v, want %+v %v", name, k, got, ok, want, wantOK)
			}
		}
	}
}
