package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A lifecycle marketer with a production_member token creates a guide in
// production, is told on the field what the API refuses, edits the guide,
// and finds a development-born workflow's origin message where a form
// would be; the API holds what the pages said.
func TestBrowserMarketerPath(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	marketer := s.token(string(domain.RoleProductionMember))
	tb := newTab(t, s)
	tb.signIn(marketer)

	tb.open("/console/environments/production/guides")
	tb.run("new guide", chromedp.Click(chromedp.CSS(`main a[href="/console/environments/production/guides/new"]`)),
		until(`location.pathname.endsWith("/guides/new") && document.readyState === "complete"`))
	tb.run("fill the guide",
		chromedp.SendKeys(chromedp.CSS("#key"), "summer-sale"),
		chromedp.SendKeys(chromedp.CSS(`[name="name"]`), "Summer sale"),
		chromedp.SetValue(chromedp.CSS("#type"), "announcement"),
		chromedp.SendKeys(chromedp.CSS(`[name="channel_key"]`), "in-app"),
		chromedp.SendKeys(chromedp.CSS(`[name="content.title"]`), "Summer sale"),
		chromedp.SendKeys(chromedp.CSS(`[name="content.body"]`), "20% off every plan"),
		chromedp.SendKeys(chromedp.CSS(`[name="content.button_text"]`), "See plans"))
	// A button without its URL: the API refuses it, naming the field.
	tb.submit("main form button", "New guide")
	tb.expectText("content.button_url", "is required with button_text")
	if err := chromedp.Do(tb.ctx, until(`document.querySelector('[name="content.button_url"]').getAttribute("aria-invalid") === "true"`)); err != nil {
		t.Fatalf("the refused field is not marked: %v", err)
	}
	tb.run("fix it", chromedp.SendKeys(chromedp.CSS(`[name="content.button_url"]`), "https://app.example.com/plans"))
	tb.submit("main form button", "Guide")
	tb.expectText("Created.", "Summer sale", "Originated in production")
	var guide domain.Guide
	s.api(marketer, "GET", "/v1/environments/production/guides/summer-sale", "", &guide)
	if guide.OriginEnvironment != domain.Production || guide.Content.Title != "Summer sale" || guide.Content.ButtonURL != "https://app.example.com/plans" || guide.Version != 1 {
		t.Fatalf("the API holds %+v", guide)
	}

	tb.run("edit", chromedp.Click(chromedp.CSS(`main a[href="/console/environments/production/guides/summer-sale/edit"]`)),
		until(`location.pathname.endsWith("/edit") && document.readyState === "complete"`))
	tb.run("change the title", chromedp.Clear(chromedp.CSS(`[name="content.title"]`)), chromedp.SendKeys(chromedp.CSS(`[name="content.title"]`), "Summer sale: last days"))
	tb.submit("main form button", "Guide")
	tb.expectText("Saved as a new version.", "Summer sale: last days")
	s.api(marketer, "GET", "/v1/environments/production/guides/summer-sale", "", &guide)
	if guide.Content.Title != "Summer sale: last days" || guide.Version != 2 {
		t.Fatalf("after the edit the API holds %+v", guide)
	}

	// A workflow born in development: the origin message, no form.
	tb.open("/console/environments/production/workflows/welcome")
	tb.expectText("Originated in development", "It is edited only in development")
	if strings.Contains(tb.text(), "Edit templates") {
		t.Error("a development-born workflow offers its templates for editing in production")
	}
	tb.open("/console/environments/production/workflows/welcome/edit")
	tb.expectText("It is edited only in development")
	var wf domain.Workflow
	s.api(marketer, "GET", "/v1/environments/production/workflows/welcome", "", &wf)
	if wf.OriginEnvironment != domain.Development {
		t.Fatalf("the API says welcome originated in %q", wf.OriginEnvironment)
	}
}

// A reviewer with a viewer token finds the changed workflow on staging's
// Pending promotion and reads its diff; the API answers the same.
func TestBrowserReviewerPath(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	reviewer := s.token(string(domain.RoleViewer))
	tb := newTab(t, s)
	tb.signIn(reviewer)
	tb.open("/console/environments/staging/workflows")
	tb.run("open pending promotion", chromedp.Click(chromedp.CSS(`.side a[href="/console/environments/staging/pending-promotion"]`)),
		until(`location.pathname.endsWith("/pending-promotion") && document.readyState === "complete"`))
	tb.expectText("welcome", "changed", "development")
	var pending domain.PendingPromotions
	s.api(reviewer, "GET", "/v1/environments/staging/pending-promotion", "", &pending)
	if len(pending.Items) != 1 || pending.Items[0].Key != "welcome" || pending.Items[0].Change != domain.PendingChanged {
		t.Fatalf("the API's pending promotion: %+v", pending.Items)
	}
	tb.run("open the diff", chromedp.Click(chromedp.CSS(`main a[href$="/workflows/welcome/diff?to_environment=development"]`)),
		until(`location.pathname.endsWith("/diff") && document.readyState === "complete"`))
	tb.expectText("steps[0].channel.subject", "Welcome aboard", "changed")
	var diff domain.VersionDiff
	s.api(reviewer, "GET", "/v1/environments/staging/workflows/welcome/diff?to_environment=development", "", &diff)
	if len(diff.Changes) != 1 || diff.Changes[0].Field != "steps[0].channel.subject" || diff.Changes[0].After != "Welcome aboard" {
		t.Fatalf("the API's diff: %+v", diff.Changes)
	}
	// A viewer is offered no write.
	tb.open("/console/environments/staging/workflows/welcome")
	if text := tb.text(); strings.Contains(text, "Deactivate") || strings.Contains(text, "Edit templates") {
		t.Errorf("a viewer is offered a write:\n%s", text)
	}
}

// Every Notifications page, as an owner sees it: no error, no failed
// request, no serious axe-core finding.
func TestBrowserNotificationPages(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	tb := newTab(t, s)
	tb.signIn(s.owner)
	for _, path := range []string{
		"/console/environments/development/workflows", "/console/environments/staging/workflows/welcome",
		"/console/environments/development/workflows/welcome/diff", "/console/environments/production/workflows/spring/edit",
		"/console/environments/production/workflows/welcome/edit", "/console/environments/production/workflows/spring/preview?run=1&tenant=acme&data=%7B%7D",
		"/console/environments/production/guides", "/console/environments/production/guides/launch", "/console/environments/production/guides/launch/edit",
		"/console/environments/production/guides/new", "/console/environments/production/guides/launch/diff?from=1&to=1",
		"/console/environments/staging/pending-promotion", "/console/environments/development/pending-promotion",
		"/console/environments/production/channels", "/console/environments/production/channels/postmark",
		"/console/environments/production/variables", "/console/environments/production/variables/api_token", "/console/environments/production/branding",
	} {
		tb.open(path)
	}
}
