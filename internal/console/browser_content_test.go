package console_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
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
	tb.follow("/console/environments/production/partials/promo")
	tb.expectText("Originated in production", "<b>{{ offer }}</b>")
	tb.follow("/console/environments/production/partials/promo/edit")
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

// Saving a translation that Terraform manages asks first, in the browser,
// that the next apply will put it back: dismissed, nothing is written;
// accepted, the API holds the change.
func TestBrowserTranslationFormAsksBeforeSavingOverTerraform(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	tb := newTab(t, s)
	tb.signIn(s.owner)
	var accept atomic.Bool
	var asked atomic.Value
	dialogs := chromedp.Events(tb.ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			asked.Store(ev.Message)
			if _, err := chromedp.Call(tb.ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: accept.Load()}); err != nil {
				return
			}
		}
	}()
	tb.open("/console/environments/production/translations/fr/edit")
	tb.expectText("Managed by Terraform", "will put back what the configuration says")
	tb.run("change a string", chromedp.Clear(chromedp.CSS(`[name="strings.welcome"]`)), chromedp.SendKeys(chromedp.CSS(`[name="strings.welcome"]`), "Bienvenue !"))
	tb.run("save, then dismiss the question", chromedp.Click(chromedp.CSS("main form button")))
	if msg, _ := asked.Load().(string); !strings.Contains(msg, "Terraform manages this translation") {
		t.Fatalf("the browser asked %q", msg)
	}
	var tr domain.Translation
	s.api(s.owner, "GET", "/v1/environments/production/translations/fr", "", &tr)
	if tr.Version != 1 || tr.Strings["welcome"] != "Bienvenue" {
		t.Fatalf("a dismissed save wrote %+v", tr)
	}
	accept.Store(true)
	tb.submit("main form button", "Translation")
	tb.expectText("Saved as a new version.", "Bienvenue !", "Managed by Terraform")
	s.api(s.owner, "GET", "/v1/environments/production/translations/fr", "", &tr)
	if tr.Version != 2 || tr.Strings["welcome"] != "Bienvenue !" || tr.Strings["bye"] != "Au revoir" {
		t.Fatalf("the API holds %+v", tr)
	}
}

// follow clicks the link of main to path and checks the page it opens.
func (tb *tab) follow(path string) {
	tb.t.Helper()
	tb.run("follow "+path, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href=%q]`, path))),
		until(fmt.Sprintf(`location.pathname === %q && document.readyState === "complete"`, path)))
}
