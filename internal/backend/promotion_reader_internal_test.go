package backend

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
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
		for _, env := range []string{"development", domain.Production} {
			reader := &promotionReader{tx: tx, env: env}
			// Twice over: the first promotionScanAfter answers come from
			// point reads, the rest from the kind read whole.
			for _, key := range append(keys, keys...) {
				want, err := promotionOf(tx, domain.KindWorkflow, env, key)
				if err != nil {
					return err
				}
				got, err := reader.of(domain.KindWorkflow, key)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s: the reader answers\n%+v\npromotionOf\n%+v", env, key, got, want)
				}
			}
			if _, whole := reader.heads[domain.KindWorkflow.Name]; !whole {
				t.Errorf("%s: the reader never read the kind whole", env)
			}
			// From the heads the environments' kept copies hold, as a
			// review reads them.
			kept := &promotionReader{tx: tx, env: env, index: (&envCopies{}).in(tx).headIndexOf}
			for _, key := range keys {
				want, err := promotionOf(tx, domain.KindWorkflow, env, key)
				if err != nil {
					return err
				}
				got, err := kept.of(domain.KindWorkflow, key)
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s: the reader of kept heads answers\n%+v\npromotionOf\n%+v", env, key, got, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
