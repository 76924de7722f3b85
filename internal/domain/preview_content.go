package domain

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/parser"
	"github.com/osteele/liquid/render"
	"golang.org/x/text/language"
)

// A preview renders a message as it would be sent: the email body inside
// its layout, the partials it renders ({% render 'key', name: value %}) and
// its translations ({{ "key" | t }}) in the recipient's locale, all read
// from the environment in the preview's transaction.
//
// Partials render as Liquid's render tag does: in a scope of their own
// holding only the inputs passed, at most MaxPartialDepth deep, and a
// partial that renders itself (directly or through others) is an error
// naming the cycle. Translations are read in the locale chain: the
// recipient's locale (recipient.locale), its language alone (fr for
// fr-CA), then the environment's default locale and its language; the
// step's locale is the first of them a translation holds, and a string
// missing there is read in the next. A namespaced string is named
// "namespace:key" ({{ "billing:due" | t }}), read from the translations
// keyed <namespace>.<locale>. A translated string is itself a template,
// rendered with the message's scope (recipient, tenant, data, vars,
// branding). A string no translation of the chain holds is an error on
// the step naming the key and the locales tried, so that a message never
// goes out with a hole in it.

// contentRenderer renders one preview's templates.
type contentRenderer struct {
	cfg      render.Config
	budget   *budget
	scope    previewScope
	layouts  map[string]*EmailLayout
	partials map[string]*Partial
	// strings holds each translation's strings by namespace ("" for none)
	// and locale.
	strings  map[string]map[string]map[string]string
	compiled map[string]compiledTemplate
	// chain is the locales a string is read in, in order; locale is the
	// first, the step's locale.
	chain        []string
	locale       string
	localeReason string
	// stack is what is being rendered inside the current template:
	// partials ("partial button") and translated strings.
	stack []string
}

type compiledTemplate struct {
	node render.Node
	err  error
}

func newContentRenderer(in PreviewInput, scope previewScope, recipient map[string]any) *contentRenderer {
	r := &contentRenderer{
		budget:   &budget{deadline: time.Now().Add(PreviewRenderTime)},
		scope:    scope,
		layouts:  in.Layouts,
		partials: in.Partials,
		strings:  map[string]map[string]map[string]string{},
		compiled: map[string]compiledTemplate{},
	}
	r.cfg = boundedConfig(r.budget)
	r.cfg.AddTag("render", r.renderTag)
	r.cfg.AddFilter("t", r.translate)
	for _, t := range in.Translations {
		namespace, locale := SplitTranslationKey(t.Key)
		if r.strings[namespace] == nil {
			r.strings[namespace] = map[string]map[string]string{}
		}
		r.strings[namespace][locale] = t.Strings
	}
	r.chain, r.locale, r.localeReason = localeChain(recipient["locale"], in.DefaultLocale, r.holds)
	return r
}

// holds reports whether a translation of locale exists, in any namespace.
func (r *contentRenderer) holds(locale string) bool {
	for _, byLocale := range r.strings {
		if _, ok := byLocale[locale]; ok {
			return true
		}
	}
	return false
}

// localeChain is the locales a recipient's strings are read in: its
// locale, its language alone, the default locale and its language, from
// the first one a translation holds (the locale used), with why.
func localeChain(recipientLocale any, defaultLocale string, holds func(string) bool) (chain []string, locale, reason string) {
	if defaultLocale == "" {
		defaultLocale = DefaultLocale
	}
	var candidates []string
	add := func(tag string) {
		if !slices.Contains(candidates, tag) {
			candidates = append(candidates, tag)
		}
	}
	withLanguage := func(locale string) {
		add(locale)
		if tag, err := language.Parse(locale); err == nil {
			if base, conf := tag.Base(); conf != language.No {
				add(base.String())
			}
		}
	}
	var why string
	switch v := recipientLocale.(type) {
	case nil:
		why = "the recipient has no locale"
	case string:
		tag, err := language.Parse(v)
		if err != nil || v == "" {
			why = fmt.Sprintf("the recipient's locale %q is not a BCP 47 locale", v)
			break
		}
		withLanguage(tag.String())
		why = fmt.Sprintf("no translation holds the recipient's locale %s", tag.String())
	default:
		why = "the recipient's locale is not a string"
	}
	fromRecipient := len(candidates)
	withLanguage(defaultLocale)
	for i, c := range candidates {
		if !holds(c) {
			continue
		}
		switch {
		case i == 0 && fromRecipient > 0:
			return candidates[i:], c, fmt.Sprintf("the recipient's locale %s", c)
		case i < fromRecipient:
			return candidates[i:], c, fmt.Sprintf("no translation holds the recipient's locale %s: its language %s", candidates[0], c)
		case c == defaultLocale:
			return candidates[i:], c, fmt.Sprintf("%s: the environment's default locale %s", why, c)
		default:
			return candidates[i:], c, fmt.Sprintf("%s: the language %s of the environment's default locale %s", why, c, defaultLocale)
		}
	}
	return candidates[fromRecipient:], defaultLocale, fmt.Sprintf("%s: the environment's default locale %s (no translation holds it)", why, defaultLocale)
}

// compile parses a template once per preview.
func (r *contentRenderer) compile(source string) (render.Node, error) {
	if c, ok := r.compiled[source]; ok {
		return c.node, c.err
	}
	node, err := r.cfg.Compile(source, parser.SourceLoc{})
	c := compiledTemplate{node: node}
	if err != nil {
		c.err = errors.New(strings.TrimPrefix(err.Error(), "Liquid error: "))
	}
	r.compiled[source] = c
	return c.node, c.err
}

// template renders one of a step's templates with bindings; its loops
// start a new count.
func (r *contentRenderer) template(source string, bindings map[string]any) (string, error) {
	r.budget.iterations, r.stack = 0, nil
	if err := r.budget.charge(0); err != nil {
		return "", err
	}
	node, err := r.compile(source)
	if err != nil {
		return "", err
	}
	return renderNode(node, bindings, r.cfg)
}

// channel renders a channel step's templates, an email's body inside its
// layout; the errors are by template.
func (r *contentRenderer) channel(c *ChannelStep) (rendered, errs map[string]string) {
	rendered = map[string]string{}
	fail := func(name string, err error) {
		if errs == nil {
			errs = map[string]string{}
		}
		errs[name] = err.Error()
	}
	for _, t := range []struct{ name, source string }{{"subject", c.Subject}, {"body", c.Body}, {"action_url", c.ActionURL}} {
		if t.source == "" {
			continue
		}
		text, err := r.template(t.source, r.scope)
		if err != nil {
			fail(t.name, err)
			continue
		}
		rendered[t.name] = text
	}
	body, ok := rendered["body"]
	if c.LayoutKey == "" || !ok {
		return rendered, errs
	}
	delete(rendered, "body")
	layout := r.layouts[c.LayoutKey]
	if layout == nil {
		fail("body", fmt.Errorf("layout %q does not exist in this environment", c.LayoutKey))
		return rendered, errs
	}
	links := make([]any, 0, len(layout.FooterLinks))
	for _, l := range layout.FooterLinks {
		links = append(links, map[string]any{"text": l.Text, "url": l.URL})
	}
	bindings := map[string]any{"content": body, "layout": map[string]any{"key": layout.Key, "name": layout.Name, "footer_links": links}}
	for k, v := range r.scope {
		bindings[k] = v
	}
	text, err := r.template(layout.HTMLLayout, bindings)
	if err != nil {
		fail("body", fmt.Errorf("layout %q: %w", layout.Key, err))
		return rendered, errs
	}
	rendered["body"] = text
	return rendered, errs
}

// push enters a partial or a translated string, refusing a cycle and a
// depth past MaxPartialDepth.
func (r *contentRenderer) push(what string) error {
	path := strings.Join(append(slices.Clone(r.stack), what), " → ")
	switch {
	case slices.Contains(r.stack, what):
		return fmt.Errorf("%s renders itself: %s", what, path)
	case len(r.stack) >= MaxPartialDepth:
		return fmt.Errorf("partials and translations render one another more than %d deep: %s", MaxPartialDepth, path)
	}
	r.stack = append(r.stack, what)
	return r.budget.charge(0)
}

func (r *contentRenderer) pop() { r.stack = r.stack[:len(r.stack)-1] }

// renderArgs reads {% render 'key', name: value, … %}.
var renderArgs = regexp.MustCompile(`(?s)^\s*(?:'([a-z0-9_-]+)'|"([a-z0-9_-]+)")\s*(?:,(.*))?$`)

type partialInput struct {
	name string
	expr expressions.Expression
}

// renderTag compiles {% render 'key', name: value %}: the partial's content
// rendered with the inputs, and only them, as its scope.
func (r *contentRenderer) renderTag(args string) (func(io.Writer, render.Context) error, error) {
	m := renderArgs.FindStringSubmatch(args)
	if m == nil {
		return nil, fmt.Errorf("render takes a partial's key in quotes, then its inputs as name: value, separated by commas: {%% render 'button', label: \"Open\" %%}")
	}
	key := m[1] + m[2]
	var inputs []partialInput
	for _, part := range splitTopLevel(m[3]) {
		if strings.TrimSpace(part) == "" {
			if m[3] != "" {
				return nil, fmt.Errorf("render %q: an input is empty", key)
			}
			continue
		}
		name, value, ok := strings.Cut(part, ":")
		name = strings.TrimSpace(name)
		if !ok || !partialInputKey.MatchString(name) {
			return nil, fmt.Errorf("render %q: %q is not an input (name: value)", key, strings.TrimSpace(part))
		}
		expr, err := expressions.Parse(value)
		if err != nil {
			return nil, fmt.Errorf("render %q: input %s: %v", key, name, err)
		}
		inputs = append(inputs, partialInput{name, expr})
	}
	return func(w io.Writer, ctx render.Context) error {
		p := r.partials[key]
		if p == nil {
			return fmt.Errorf("partial %q does not exist in this environment", key)
		}
		scope := map[string]any{}
		for _, in := range inputs {
			if len(p.InputFields) > 0 && !slices.ContainsFunc(p.InputFields, func(f PartialInputField) bool { return f.Key == in.name }) {
				return fmt.Errorf("partial %q takes no input %q (it takes %s)", key, in.name, inputNames(p))
			}
			v, err := ctx.Evaluate(in.expr)
			if err != nil {
				return err
			}
			scope[in.name] = v
		}
		if err := r.push("partial " + key); err != nil {
			return err
		}
		defer r.pop()
		node, err := r.compile(p.Content)
		if err != nil {
			return fmt.Errorf("partial %q: %w", key, err)
		}
		text, err := renderNode(node, scope, r.cfg)
		if err != nil {
			return fmt.Errorf("partial %q: %w", key, err)
		}
		_, err = io.WriteString(w, text)
		return err
	}, nil
}

func inputNames(p *Partial) string {
	names := make([]string, len(p.InputFields))
	for i, f := range p.InputFields {
		names[i] = f.Key
	}
	return strings.Join(names, ", ")
}

// splitTopLevel splits s at the commas outside quotes and brackets.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	var quote rune
	for i, c := range s {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s) != "" {
		parts = append(parts, s[start:])
	}
	return parts
}

// translate is the t filter: the string in the first locale of the chain
// that holds it, rendered with the message's scope.
func (r *contentRenderer) translate(key string) (string, error) {
	namespace, name := "", key
	if ns, rest, ok := strings.Cut(key, ":"); ok && r.strings[ns] != nil && ns != "" {
		namespace, name = ns, rest
	}
	for _, locale := range r.chain {
		source, ok := r.strings[namespace][locale][name]
		if !ok {
			continue
		}
		if err := r.push("translation " + key); err != nil {
			return "", err
		}
		defer r.pop()
		node, err := r.compile(source)
		if err != nil {
			return "", fmt.Errorf("translation %q in %s: %w", key, locale, err)
		}
		text, err := renderNode(node, r.scope, r.cfg)
		if err != nil {
			return "", fmt.Errorf("translation %q in %s: %w", key, locale, err)
		}
		return text, nil
	}
	where := "no translation"
	if namespace != "" {
		where = "no translation of namespace " + namespace
	}
	return "", fmt.Errorf("%s holds %q in %s", where, name, strings.Join(r.chain, ", "))
}
