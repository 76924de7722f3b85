package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A marketer with a production_member token, production write access on,
// edits a production-born partial in production: its content and a new
// input, one refused on its field first; the API holds what the page said.
// A layout born in development shows its origin message instead of a
// form.
func TestBrowserMarketerEditsAProductionBornPartial(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	marketer := s.token(string(domain.RoleProductionMember))
	tb := newTab(t, s)
	tb.signIn(marketer)

	tb.open("/console/environments/production/partials")
	tb.run("open the partial", chromedp.Click(chromedp.CSS(`main a[href="/console/environments/production/partials/promo"]`)),
		until(`location.pathname.endsWith("/partials/promo") && document.readyState === "complete"`))
	tb.expectText("Originated in production", "<b>{{ offer }}</b>")
	tb.run("edit", chromedp.Click(chromedp.CSS(`main a[href="/console/environments/production/partials/promo/edit"]`)),
		until(`location.pathname.endsWith("/edit") && document.readyState === "complete"`))
	tb.run("change it",
		chromedp.Clear(chromedp.CSS(`[name="content"]`)),
		chromedp.SendKeys(chromedp.CSS(`[name="content"]`), "<b>{{ offer }}</b> until {{ until }}"),
		chromedp.SendKeys(chromedp.CSS(`[name="input_fields[1].key"]`), "Until"))
	// An input key the API refuses: the refusal is on that field.
	tb.submit("main form button", "Edit partial")
	tb.expectText("input_fields[1].key", "lowercase identifier")
	if err := chromedp.Do(tb.ctx, until(`document.querySelector('[name="input_fields[1].key"]').getAttribute("aria-invalid") === "true"`)); err != nil {
		t.Fatalf("the refused field is not marked: %v", err)
	}
	tb.run("fix it", chromedp.Clear(chromedp.CSS(`[name="input_fields[1].key"]`)), chromedp.SendKeys(chromedp.CSS(`[name="input_fields[1].key"]`), "until"),
		chromedp.SendKeys(chromedp.CSS(`[name="input_fields[1].label"]`), "Last day"))
	tb.submit("main form button", "Partial")
	tb.expectText("Saved as a new version.", "until {{ until }}", "Last day")
	var partial domain.Partial
	s.api(marketer, "GET", "/v1/environments/production/partials/promo", "", &partial)
	if partial.Version != 2 || partial.Content != "<b>{{ offer }}</b> until {{ until }}" || len(partial.InputFields) != 2 ||
		partial.InputFields[1] != (domain.PartialInputField{Key: "until", Label: "Last day"}) || partial.OriginEnvironment != domain.Production {
		t.Fatalf("the API holds %+v", partial)
	}

	// A layout born in development: the origin message, no form.
	tb.open("/console/environments/production/email-layouts/default")
	tb.expectText("Originated in development", "It is edited only in development")
	if strings.Contains(tb.text(), "Edit email layout") {
		t.Error("a development-born layout offers itself for editing in production")
	}
	tb.open("/console/environments/production/email-layouts/default/edit")
	tb.expectText("It is edited only in development")
	var layout domain.EmailLayout
	s.api(marketer, "GET", "/v1/environments/production/email-layouts/default", "", &layout)
	if layout.OriginEnvironment != domain.Development || layout.Version != 1 {
		t.Fatalf("the API holds %+v", layout)
	}
}

// The reusable content pages as an owner sees them, a Terraform-managed
// translation's form among them: no error, no failed request, no serious
// axe-core finding.
func TestBrowserContentPages(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	tb := newTab(t, s)
	tb.signIn(s.owner)
	for _, path := range []string{
		"/console/environments/production/email-layouts", "/console/environments/development/email-layouts/default",
		"/console/environments/development/email-layouts/default/diff?from=1&to=2", "/console/environments/production/email-layouts/seasonal/edit",
		"/console/environments/production/email-layouts/new", "/console/environments/production/partials/promo",
		"/console/environments/production/partials/promo/edit", "/console/environments/production/translations",
		"/console/environments/production/translations/fr", "/console/environments/production/translations/fr/edit",
		"/console/environments/production/workflows/offer",
	} {
		tb.open(path)
	}
}
