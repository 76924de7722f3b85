package console

import (
	"net/http"
	"net/url"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Pending promotion, per environment: every workflow and guide whose
// content in the environment below differs from this one's, what the next
// promotion would carry, each changed one with a link to its field diff.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 39, Section: "Notifications", Environment: true, Links: []link{
		{"Pending promotion", env + "pending-promotion"},
	}},
		page{Method: "GET", Path: env + "pending-promotion", Template: "pending/list.html", Title: "Pending promotion", Handle: pendingPage},
	)
}

type pendingRow struct {
	domain.PendingPromotion
	Kind domain.Kind
}

type pendingView struct {
	Env, Below string
	// Unread is true when the environment below is one the principal
	// does not read: the page names neither it nor what it holds.
	Unread   bool
	Items    []pendingRow
	NextHref string
}

func pendingPage(c *Console, r *http.Request) (any, error) {
	env := r.PathValue("env")
	q := url.Values{api.QueryLimit: {"50"}}
	if cursor := r.URL.Query().Get(api.QueryCursor); cursor != "" {
		q.Set(api.QueryCursor, cursor)
	}
	var page domain.PendingPromotions
	if _, err := c.call(r, api.PendingPromotion.Method, api.PendingPromotion.URL(env), q, nil, nil, &page); err != nil {
		return nil, err
	}
	v := pendingView{Env: env, Below: page.BelowEnvironment}
	if v.Below != "" && !reads(principalOf(r), v.Below) {
		return pendingView{Env: env, Unread: true}, nil
	}
	for _, it := range page.Items {
		kind, _ := domain.KindNamed(it.Kind)
		v.Items = append(v.Items, pendingRow{PendingPromotion: it, Kind: kind})
	}
	if page.NextCursor != "" {
		v.NextHref = "?" + url.Values{api.QueryCursor: {page.NextCursor}}.Encode()
	}
	return v, nil
}
