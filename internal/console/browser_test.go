package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
)

// The browser tests drive the console in headless Chromium (Debian's
// chromium; ARBOR_CHROMIUM names another binary) against a real backend.
// They fail on any JavaScript error, any failed request and any serious or
// critical axe-core violation, and save a PNG of every page they visit when
// ARBOR_SCREENSHOTS names a directory. Without Chromium or axe-core (make
// axe) they skip, unless ARBOR_REQUIRE_BROWSER=1 (.ci/run sets it) makes that
// a failure.

const requireBrowserEnv = "ARBOR_REQUIRE_BROWSER"

// axeSource finds axe-core: ARBOR_AXE, else the newest .axe/axe-core-*.min.js
// of the repository (make axe).
func axeSource(t *testing.T) string {
	path := os.Getenv("ARBOR_AXE")
	if path == "" {
		matches, _ := filepath.Glob("../../.axe/axe-core-*.min.js")
		if len(matches) > 0 {
			path = matches[len(matches)-1]
		}
	}
	b, err := os.ReadFile(path)
	if path == "" || err != nil {
		unavailable(t, "axe-core is missing: run `make axe` (it fetches axe-core from npm into .axe/), or set ARBOR_AXE to axe.min.js")
	}
	return string(b)
}

func chromium(t *testing.T) string {
	for _, name := range []string{os.Getenv("ARBOR_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	unavailable(t, "Chromium is missing: install Debian's chromium package (apt-get install chromium), or set ARBOR_CHROMIUM")
	return ""
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(requireBrowserEnv) == "1" {
		t.Fatalf("%s (%s=1 requires the browser tests to run)", why, requireBrowserEnv)
	}
	t.Skip(why)
}

// tab is one browser tab on a site, checking every page it shows.
type tab struct {
	t    *testing.T
	s    *site
	ctx  context.Context
	axe  string
	shot string

	mu       sync.Mutex
	problems []string
	visited  int
}

func newTab(t *testing.T, s *site) *tab {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	exe, axe := chromium(t), axeSource(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	tb := &tab{t: t, s: s, ctx: ctx, axe: axe, shot: os.Getenv("ARBOR_SCREENSHOTS")}
	if err := chromedp.Listen(ctx, tb.watch); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return tb
}

// watch records what makes a page fail: a JavaScript error, a failed
// request, a browser error such as a refused script.
func (tb *tab) watch(ev any) {
	var problem string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		problem = "JavaScript exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			problem += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			problem = "console.error on the page"
		}
	case *log.EventEntryAdded:
		// The network's entries are judged by the network events below:
		// a page answering a refused form with 4xx is not a failure.
		if e.Entry.Level == log.EntryLevelError && e.Entry.Source != log.EntrySourceNetwork {
			problem = fmt.Sprintf("browser error (%s): %s", e.Entry.Source, e.Entry.Text)
		}
	case *network.EventLoadingFailed:
		if !e.Canceled {
			problem = fmt.Sprintf("request failed: %s (%s)", e.ErrorText, e.Type)
		}
	case *network.EventResponseReceived:
		status := e.Response.Status
		if status >= 500 || (status >= 400 && e.Type != network.ResourceTypeDocument) {
			problem = fmt.Sprintf("%s answered %d", e.Response.URL, status)
		}
	}
	if problem != "" {
		tb.mu.Lock()
		tb.problems = append(tb.problems, problem)
		tb.mu.Unlock()
	}
}

// run runs steps and then checks the page they leave the tab on.
func (tb *tab) run(name string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", name, err)
	}
	tb.check(name)
}

// open goes to a console address and checks the page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.run(path, chromedp.Navigate(tb.s.url+path), chromedp.WaitReady(chromedp.CSS("main h1")))
}

// submit clicks a button and waits for the next page's heading to be text.
// The page submitted is marked first and the wait is for a page without
// the mark: a form shown again (refused on a field) has the heading it
// had, and waiting for the heading alone ran the page's checks on the
// old document while the browser was leaving it.
func (tb *tab) submit(button, heading string) {
	tb.t.Helper()
	tb.run("submit "+button,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.arborSubmitted = true`)(ctx, t)
			return err
		}),
		chromedp.Click(chromedp.CSS(button)),
		until(fmt.Sprintf(`!window.arborSubmitted && document.readyState === "complete" && document.querySelector("main h1") && document.querySelector("main h1").textContent === %q`, heading)))
}

// until waits for a JavaScript expression to be true, across the
// navigation a click starts (an evaluation during it fails and is tried
// again).
func until(expression string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(15 * time.Second)
		for {
			ok, err := chromedp.Evaluate[bool]("Boolean("+expression+")")(ctx, t)
			if err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				if err == nil {
					err = fmt.Errorf("still false after 15s: %s", expression)
				}
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// text is the visible text of the page's main part.
func (tb *tab) text() string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		tb.t.Fatal(err)
	}
	return s
}

func (tb *tab) expectText(texts ...string) {
	tb.t.Helper()
	got := tb.text()
	for _, want := range texts {
		if !strings.Contains(got, want) {
			tb.t.Fatalf("the page lacks %q:\n%s", want, got)
		}
	}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// check fails the test on what the page did wrong, runs axe-core on it
// and saves its screenshot.
func (tb *tab) check(name string) {
	tb.t.Helper()
	tb.mu.Lock()
	problems := tb.problems
	tb.problems = nil
	tb.visited++
	n := tb.visited
	tb.mu.Unlock()
	if len(problems) > 0 {
		tb.t.Fatalf("%s:\n  %s", name, strings.Join(problems, "\n  "))
	}
	// A page just submitted may still be laid out: wait for it.
	if err := chromedp.Do(tb.ctx, until(`document.readyState === "complete" && document.documentElement.getBoundingClientRect().width > 0`)); err != nil {
		tb.t.Fatalf("%s: %v", name, err)
	}
	location, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	path := strings.TrimPrefix(location, tb.s.url)
	if tb.shot != "" {
		png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(90))
		if err != nil {
			tb.t.Fatal(err)
		}
		file := filepath.Join(tb.shot, fmt.Sprintf("%s-%02d-%s.png", tb.t.Name(), n, screenshotName(path)))
		if err := os.MkdirAll(tb.shot, 0o755); err == nil {
			err = os.WriteFile(file, png, 0o644)
		}
		if err != nil {
			tb.t.Fatal(err)
		}
	}
	raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](tb.axe+`;
		axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("axe-core on %s: %v", path, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		tb.t.Fatal(err)
	}
	var bad, all []string
	for _, v := range violations {
		line := fmt.Sprintf("%s (%s): %s, at %v", v.ID, v.Impact, v.Help, v.Nodes)
		all = append(all, v.ID+"/"+v.Impact)
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, line)
		}
	}
	tb.t.Logf("axe-core on %s: %d violation(s) %v", path, len(all), all)
	axeResults.record(path, violations)
	if len(bad) > 0 {
		tb.t.Fatalf("axe-core finds on %s:\n  %s", path, strings.Join(bad, "\n  "))
	}
}

// axeResults gathers every page's axe-core result for ARBOR_AXE_REPORT:
// when set, the file is rewritten after each page checked with a Markdown
// table, one row per console page (its registered pattern), of the
// violations found on it by impact, over every visit of every test run.
var axeResults = &axeReport{pages: map[string]*axePage{}}

type axePage struct {
	visits int
	// impacts counts the violations (rules broken) per impact, the most
	// found on one visit; rules names them.
	impacts map[string]int
	rules   map[string]bool
}

type axeReport struct {
	mu    sync.Mutex
	pages map[string]*axePage
}

var axeImpacts = []string{"critical", "serious", "moderate", "minor"}

func (r *axeReport) record(path string, violations []axeViolation) {
	file := os.Getenv("ARBOR_AXE_REPORT")
	if file == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	name := pagePattern(path)
	p := r.pages[name]
	if p == nil {
		p = &axePage{impacts: map[string]int{}, rules: map[string]bool{}}
		r.pages[name] = p
	}
	p.visits++
	found := map[string]int{}
	for _, v := range violations {
		found[v.Impact]++
		p.rules[v.ID+" ("+v.Impact+")"] = true
	}
	for impact, n := range found {
		p.impacts[impact] = max(p.impacts[impact], n)
	}
	var b strings.Builder
	b.WriteString("| page | visits | critical | serious | moderate | minor | rules |\n|---|---:|---:|---:|---:|---:|---|\n")
	names := slices.Sorted(maps.Keys(r.pages))
	for _, name := range names {
		p := r.pages[name]
		fmt.Fprintf(&b, "| `%s` | %d |", name, p.visits)
		for _, impact := range axeImpacts {
			fmt.Fprintf(&b, " %d |", p.impacts[impact])
		}
		rules := slices.Sorted(maps.Keys(p.rules))
		if len(rules) == 0 {
			rules = []string{"none"}
		}
		fmt.Fprintf(&b, " %s |\n", strings.Join(rules, ", "))
	}
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		panic(fmt.Sprintf("ARBOR_AXE_REPORT: %v", err))
	}
}

// pagePattern is the registered pattern of the console page at path
// (without its query), or the path itself for the pages outside the
// registry (sign-in).
func pagePattern(path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(path, "/")
	best, bestLiteral := "", -1
	for _, pattern := range append(console.PagesShown(), console.PagesReviewing()...) {
		ps := strings.Split(pattern, "/")
		if len(ps) != len(segs) {
			continue
		}
		match, literal := true, 0
		for i, s := range ps {
			switch {
			case strings.HasPrefix(s, "{"):
			case s == segs[i]:
				literal++
			default:
				match = false
			}
		}
		// The most literal pattern wins: guides/new over guides/{key}.
		if match && literal > bestLiteral {
			best, bestLiteral = pattern, literal
		}
	}
	if best == "" {
		return path
	}
	return best
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

func screenshotName(path string) string {
	path, _, _ = strings.Cut(strings.TrimPrefix(path, "/console/"), "?")
	return strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(path), "-"), "-")
}

// signIn signs in through the form, typing the token.
func (tb *tab) signIn(token string) {
	tb.t.Helper()
	tb.open("/console/sign-in")
	tb.run("sign in", chromedp.SendKeys(chromedp.CSS("#token"), token), chromedp.Click(chromedp.CSS("form.signin button")),
		until(`location.pathname === "/console/environments" && document.readyState === "complete"`))
}

// fetchText fetches a console address from the page, with its session, as
// a link the person clicks would: for downloads.
func (tb *tab) fetch(path string) (body, disposition string) {
	tb.t.Helper()
	raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(async r => JSON.stringify({status: r.status, body: await r.text(), disposition: r.headers.get("Content-Disposition")}))`, path), chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatal(err)
	}
	var out struct {
		Status      int
		Body        string
		Disposition string
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		tb.t.Fatal(err)
	}
	if out.Status != 200 {
		tb.t.Fatalf("GET %s: %d %s", path, out.Status, out.Body)
	}
	return out.Body, out.Disposition
}
