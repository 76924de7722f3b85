package domain

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/filters"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/values"
)

// Bounded Liquid. A template written through the API runs on the server,
// so a preview renders it with limits that hold whatever it says:
//
//   - no file access: include refuses, and render reads partials from the
//     environment, never from a disk;
//   - output: every rendered template, capture and filter result is at most
//     MaxRenderedLength bytes, and every list a filter takes or makes (a
//     range literal included) at most MaxTemplateItems items;
//   - iterations: the loops of one template (for and tablerow, with the
//     partials and translations it renders) run at most
//     MaxTemplateIterations times in all, whether or not they write;
//   - time: a preview's templates render within PreviewRenderTime, checked
//     at every iteration, partial and filter, so a render stops where it is
//     (no goroutine is left running).
//
// github.com/osteele/liquid (v1.6.0, its latest) has no loop limit and no
// cancellation, and its standard tags cannot be replaced one by one, so the
// configuration here is built from its parser and renderer with tags of
// its own: the standard tags' behaviour, adapted from the library's tags
// package (MIT licence, © 2017 Oliver Steele), with the loops counting
// their iterations.
const (
	MaxTemplateIterations = 20_000
	MaxTemplateItems      = 10_000
	MaxPartialDepth       = 5
	PreviewRenderTime     = 2 * time.Second
)

var (
	errRenderedTooLong   = errors.New("the rendered text is longer than 1 MiB")
	errTooManyIterations = fmt.Errorf("the template's loops run more than %d times: a template may loop at most %d times in all", MaxTemplateIterations, MaxTemplateIterations)
	errRenderTimeout     = fmt.Errorf("the preview's templates took longer than %s to render", PreviewRenderTime)
	errLoopBreak         = errors.New("break outside a loop")
	errLoopContinue      = errors.New("continue outside a loop")
)

// budget is what one preview's templates may still spend.
type budget struct {
	deadline   time.Time
	iterations int
}

// charge counts one iteration (or one filter call, n=0) and checks the
// deadline.
func (b *budget) charge(n int) error {
	b.iterations += n
	if b.iterations > MaxTemplateIterations {
		return errTooManyIterations
	}
	if time.Now().After(b.deadline) {
		return errRenderTimeout
	}
	return nil
}

// cappedWriter refuses to grow past MaxRenderedLength.
type cappedWriter struct{ strings.Builder }

func (w *cappedWriter) Write(p []byte) (int, error) {
	if w.Len()+len(p) > MaxRenderedLength {
		return 0, errRenderedTooLong
	}
	return w.Builder.Write(p)
}

// boundedConfig is a Liquid configuration whose loops and filters charge b.
func boundedConfig(b *budget) render.Config {
	cfg := render.NewConfig()
	filters.AddStandardFilters(boundedFilters{&cfg, b})
	cfg.AddTag("assign", assignTag)
	cfg.AddTag("include", func(string) (func(io.Writer, render.Context) error, error) {
		return func(io.Writer, render.Context) error {
			return errors.New("include is not available: a template is self-contained (render a partial with {% render 'key' %})")
		}, nil
	})
	cfg.AddTag("break", func(string) (func(io.Writer, render.Context) error, error) {
		return func(_ io.Writer, ctx render.Context) error { return ctx.WrapError(errLoopBreak) }, nil
	})
	cfg.AddTag("continue", func(string) (func(io.Writer, render.Context) error, error) {
		return func(_ io.Writer, ctx render.Context) error { return ctx.WrapError(errLoopContinue) }, nil
	})
	cfg.AddTag("cycle", cycleTag)
	cfg.AddBlock("capture").Compiler(captureTag)
	cfg.AddBlock("case").Clause("when").Clause("else").Compiler(caseTag)
	cfg.AddBlock("comment")
	cfg.AddBlock("for").Clause("else").Compiler(loopTag(b))
	cfg.AddBlock("if").Clause("else").Clause("elsif").Compiler(ifTag(true))
	cfg.AddBlock("raw")
	cfg.AddBlock("tablerow").Compiler(loopTag(b))
	cfg.AddBlock("unless").Clause("else").Compiler(ifTag(false))
	return cfg
}

// renderNode renders a compiled template into a capped text. The renderer
// panics with the writer's error when a write is refused, and on inputs its
// authors did not foresee: either is the template's failure.
func renderNode(node render.Node, bindings map[string]any, cfg render.Config) (text string, err error) {
	defer func() {
		if v := recover(); v != nil {
			if e, ok := v.(error); ok && errors.Is(e, errRenderedTooLong) {
				text, err = "", errRenderedTooLong
				return
			}
			text, err = "", fmt.Errorf("the template could not be rendered: %v", v)
		}
	}()
	var out cappedWriter
	if renderErr := render.Render(node, &out, bindings, cfg); renderErr != nil {
		return "", renderError(renderErr)
	}
	return out.String(), nil
}

// renderError is a render's error as a step reports it: the limit it hit,
// or the library's message without its prefix.
func renderError(err error) error {
	for _, limit := range []error{errRenderedTooLong, errTooManyIterations, errRenderTimeout} {
		if errors.Is(err, limit) || strings.Contains(err.Error(), limit.Error()) {
			return limit
		}
	}
	msg := strings.TrimPrefix(err.Error(), "Liquid error: ")
	// A filter's own error is quoted by the library: say it plainly, then
	// where.
	for cause := err; cause != nil; {
		if fe, ok := cause.(expressions.FilterError); ok {
			if rest, found := strings.CutPrefix(msg, fe.Error()); found {
				msg = fmt.Sprintf("%v (filter %s%s)", fe.Err, fe.FilterName, rest)
			}
			break
		}
		c, ok := cause.(interface{ Cause() error })
		if !ok || c.Cause() == cause {
			break
		}
		cause = c.Cause()
	}
	return errors.New(msg)
}

// boundedFilters adds each standard filter wrapped so that it charges the
// budget, refuses a list (or range) of more than MaxTemplateItems items,
// and fails rather than return a text longer than MaxRenderedLength or a
// list longer than MaxTemplateItems. The two that could build an
// oversized text before it is checked (replace, join) are measured first.
type boundedFilters struct {
	cfg *render.Config
	b   *budget
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()
var anyType = reflect.TypeOf((*any)(nil)).Elem()

func (f boundedFilters) AddFilter(name string, fn any) {
	if name == "uniq" {
		// The library's compares every string or object with every
		// other kept: seconds for one call over MaxTemplateItems items.
		fn = uniqFilter
	}
	rf := reflect.ValueOf(fn)
	ft := rf.Type()
	ins := make([]reflect.Type, ft.NumIn())
	for i := range ins {
		ins[i] = ft.In(i)
		if k := ins[i].Kind(); (k == reflect.Slice || k == reflect.Array) && !ft.IsVariadic() {
			// Received as is, measured, then converted: a range would
			// otherwise become a slice of any length first.
			ins[i] = anyType
		}
	}
	outs := []reflect.Type{ft.Out(0), errorType}
	wrapped := reflect.MakeFunc(reflect.FuncOf(ins, outs, ft.IsVariadic()), func(args []reflect.Value) []reflect.Value {
		fail := func(err error) []reflect.Value {
			return []reflect.Value{reflect.Zero(ft.Out(0)), reflect.ValueOf(&err).Elem()}
		}
		if err := f.b.charge(0); err != nil {
			return fail(err)
		}
		for i, a := range args {
			if ins[i] != anyType || ft.In(i) == anyType {
				continue
			}
			if n, ok := itemCount(a.Interface()); ok && n > MaxTemplateItems {
				return fail(fmt.Errorf("a list of %d items is longer than %d", n, MaxTemplateItems))
			}
			converted, err := values.Convert(a.Interface(), ft.In(i))
			if err != nil {
				return fail(err)
			}
			args[i] = reflect.ValueOf(converted)
			if !args[i].IsValid() {
				args[i] = reflect.Zero(ft.In(i))
			}
		}
		if err := measureFilter(name, args); err != nil {
			return fail(err)
		}
		var results []reflect.Value
		if ft.IsVariadic() {
			results = rf.CallSlice(args)
		} else {
			results = rf.Call(args)
		}
		if len(results) == 2 && !results[1].IsNil() {
			return fail(results[1].Interface().(error))
		}
		if err := checkFilterResult(results[0].Interface()); err != nil {
			return fail(err)
		}
		return []reflect.Value{results[0], reflect.Zero(errorType)}
	})
	f.cfg.AddFilter(name, wrapped.Interface())
}

// uniqFilter is Liquid's uniq in linear time: an item is a duplicate of
// an earlier one of the same type that prints the same (fmt prints a
// map's keys in order), where the library compares them with == or
// reflect.DeepEqual.
func uniqFilter(a []any) []any {
	seen := make(map[string]bool, len(a))
	var out []any
	for _, item := range a {
		k := fmt.Sprintf("%T\x00%#v", item, item)
		if !seen[k] {
			seen[k] = true
			out = append(out, item)
		}
	}
	return out
}

// itemCount is the length of a list or range.
func itemCount(v any) (int, bool) {
	if r, ok := v.(interface{ Len() int }); ok {
		return r.Len(), true
	}
	if rv := reflect.ValueOf(v); rv.IsValid() && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) {
		return rv.Len(), true
	}
	return 0, false
}

// measureFilter refuses, before it runs, a replace or join whose result
// would be too long.
func measureFilter(name string, args []reflect.Value) error {
	switch name {
	case "replace":
		s, old, repl := args[0].String(), args[1].String(), args[2].String()
		n := strings.Count(s, old)
		if len(s)+n*(len(repl)-len(old)) > MaxRenderedLength {
			return errRenderedTooLong
		}
	case "join":
		list, _ := args[0].Interface().([]any)
		size := 0
		for _, v := range list {
			if s, ok := v.(string); ok {
				size += len(s)
			} else {
				size += 32
			}
		}
		if size+len(list)*len(args[1].Interface().(func(string) string)(" ")) > MaxRenderedLength {
			return errRenderedTooLong
		}
	}
	return nil
}

func checkFilterResult(v any) error {
	switch t := v.(type) {
	case string:
		if len(t) > MaxRenderedLength {
			return errRenderedTooLong
		}
	case []byte:
		if len(t) > MaxRenderedLength {
			return errRenderedTooLong
		}
	default:
		if n, ok := itemCount(v); ok && n > MaxTemplateItems {
			return fmt.Errorf("a list of %d items is longer than %d", n, MaxTemplateItems)
		}
	}
	return nil
}

func assignTag(source string) (func(io.Writer, render.Context) error, error) {
	stmt, err := expressions.ParseStatement(expressions.AssignStatementSelector, source)
	if err != nil {
		return nil, err
	}
	return func(_ io.Writer, ctx render.Context) error {
		value, err := ctx.Evaluate(stmt.Assignment.ValueFn)
		if err != nil {
			return err
		}
		ctx.Set(stmt.Assignment.Variable, value)
		return nil
	}, nil
}

// captureTag renders its body into a capped text.
func captureTag(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	name := strings.TrimSpace(node.Args)
	return func(_ io.Writer, ctx render.Context) error {
		var w cappedWriter
		if err := ctx.RenderChildren(&w); err != nil {
			return err
		}
		ctx.Set(name, w.String())
		return nil
	}, nil
}

func cycleTag(args string) (func(io.Writer, render.Context) error, error) {
	stmt, err := expressions.ParseStatement(expressions.CycleStatementSelector, args)
	if err != nil {
		return nil, err
	}
	cycle := stmt.Cycle
	return func(w io.Writer, ctx render.Context) error {
		loop, ok := ctx.Get("forloop").(map[string]any)
		if !ok {
			return ctx.Errorf("cycle must be within a forloop")
		}
		cycles, ok := loop[".cycles"].(map[string]int)
		if !ok {
			return ctx.Errorf("cycle must be within a forloop")
		}
		n := cycles[cycle.Group]
		cycles[cycle.Group] = n + 1
		_, err := io.WriteString(w, cycle.Values[n%len(cycle.Values)])
		return err
	}, nil
}

func caseTag(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	expr, err := expressions.Parse(node.Args)
	if err != nil {
		return nil, err
	}
	type when struct {
		exprs []expressions.Expression // nil for else
		body  *render.BlockNode
	}
	var cases []when
	for _, clause := range node.Clauses {
		if clause.Name != "when" {
			cases = append(cases, when{body: clause})
			continue
		}
		stmt, err := expressions.ParseStatement(expressions.WhenStatementSelector, clause.Args)
		if err != nil {
			return nil, err
		}
		cases = append(cases, when{exprs: stmt.When.Exprs, body: clause})
	}
	return func(w io.Writer, ctx render.Context) error {
		sel, err := ctx.Evaluate(expr)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if c.exprs == nil {
				return ctx.RenderBlock(w, c.body)
			}
			for _, e := range c.exprs {
				v, err := ctx.Evaluate(e)
				if err != nil {
					return err
				}
				if values.Equal(sel, v) {
					return ctx.RenderBlock(w, c.body)
				}
			}
		}
		return nil
	}, nil
}

func ifTag(polarity bool) render.BlockCompiler {
	return func(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
		type branch struct {
			test expressions.Expression
			body *render.BlockNode
		}
		expr, err := expressions.Parse(node.Args)
		if err != nil {
			return nil, err
		}
		if !polarity {
			expr = expressions.Not(expr)
		}
		branches := []branch{{expr, &node}}
		for _, c := range node.Clauses {
			test := expressions.Constant(true)
			if c.Name == "elsif" {
				if test, err = expressions.Parse(c.Args); err != nil {
					return nil, err
				}
			}
			branches = append(branches, branch{test, c})
		}
		return func(w io.Writer, ctx render.Context) error {
			for _, b := range branches {
				v, err := ctx.Evaluate(b.test)
				if err != nil {
					return err
				}
				if v != nil && v != false {
					return ctx.RenderBlock(w, b.body)
				}
			}
			return nil
		}, nil
	}
}

// loopTag compiles for and tablerow: Liquid's loops, each iteration
// charged to the budget before it runs.
func loopTag(b *budget) render.BlockCompiler {
	return func(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
		stmt, err := expressions.ParseStatement(expressions.LoopStatementSelector, node.Args)
		if err != nil {
			return nil, err
		}
		loop := stmt.Loop
		if len(node.Clauses) > 1 {
			return nil, errors.New("for loops accept at most one else clause")
		}
		return func(w io.Writer, ctx render.Context) error {
			val, err := ctx.Evaluate(loop.Expr)
			if err != nil {
				return err
			}
			items, err := loopItems(val, loop, ctx)
			if err != nil || items == nil {
				return err
			}
			if items.Len() == 0 {
				if len(node.Clauses) == 1 && node.Clauses[0].Name == "else" {
					return ctx.RenderBlock(w, node.Clauses[0])
				}
				return nil
			}
			cols := 0
			if node.Name == "tablerow" {
				cols = 1 << 30
				if loop.Cols != nil {
					v, err := ctx.Evaluate(loop.Cols)
					if err != nil {
						return err
					}
					n, ok := v.(int)
					if !ok {
						return ctx.Errorf("loop cols must be an integer")
					}
					if n > 0 {
						cols = n
					}
				}
			}
			defer func(forloop, variable any) {
				ctx.Set("forloop", forloop)
				ctx.Set(loop.Variable, variable)
			}(ctx.Get("forloop"), ctx.Get(loop.Variable))
			cycles := map[string]int{}
			for i, n := 0, items.Len(); i < n; i++ {
				if err := b.charge(1); err != nil {
					return err
				}
				ctx.Set(loop.Variable, items.Index(i))
				ctx.Set("forloop", map[string]any{
					"first": i == 0, "last": i == n-1, "index": i + 1, "index0": i,
					"rindex": n - i, "rindex0": n - i - 1, "length": n, ".cycles": cycles,
				})
				if cols > 0 {
					if i%cols == 0 {
						if _, err := fmt.Fprintf(w, `<tr class="row%d">`, i/cols+1); err != nil {
							return err
						}
					}
					if _, err := fmt.Fprintf(w, `<td class="col%d">`, i%cols+1); err != nil {
						return err
					}
				}
				rerr := ctx.RenderChildren(w)
				if cols > 0 {
					end := `</td>`
					if (i+1)%cols == 0 || i+1 == n {
						end += `</tr>`
					}
					if _, err := io.WriteString(w, end); err != nil {
						return err
					}
				}
				if rerr != nil {
					switch rerr.Cause() {
					case errLoopBreak:
						return nil
					case errLoopContinue:
						continue
					}
					return rerr
				}
			}
			return nil
		}, nil
	}
}

// list is what a loop iterates: a range, without building it, or a list.
type list interface {
	Len() int
	Index(int) any
}

type sliceList reflect.Value

func (l sliceList) Len() int        { return reflect.Value(l).Len() }
func (l sliceList) Index(i int) any { return reflect.Value(l).Index(i).Interface() }

// windowList is l reversed or not, then from offset, count items: the
// library's order of the modifiers.
type windowList struct {
	l             list
	offset, count int
	reversed      bool
}

func (w windowList) Len() int { return w.count }
func (w windowList) Index(i int) any {
	j := w.offset + i
	if w.reversed {
		j = w.l.Len() - 1 - j
	}
	return w.l.Index(j)
}

// loopItems is what a loop iterates over val, with its reversed, offset
// and limit modifiers; nil for a value that is not a list.
func loopItems(val any, loop expressions.Loop, ctx render.Context) (list, error) {
	var l list
	switch v := val.(type) {
	case nil:
		return nil, nil
	case list:
		l = v
	case map[string]any:
		// Liquid iterates a hash's pairs; the order is the keys'.
		pairs := make([]any, 0, len(v))
		for _, k := range sortedKeys(v) {
			pairs = append(pairs, []any{k, v[k]})
		}
		l = sliceList(reflect.ValueOf(pairs))
	default:
		rv := reflect.ValueOf(val)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return nil, nil
		}
		l = sliceList(rv)
	}
	w := windowList{l: l, count: l.Len(), reversed: loop.Reversed}
	if loop.Offset != nil {
		v, err := ctx.Evaluate(loop.Offset)
		if err != nil {
			return nil, err
		}
		offset, ok := v.(int)
		if !ok {
			return nil, ctx.Errorf("loop offset must be an integer")
		}
		if offset > 0 {
			w.offset = min(offset, w.count)
			w.count -= w.offset
		}
	}
	if loop.Limit != nil {
		v, err := ctx.Evaluate(loop.Limit)
		if err != nil {
			return nil, err
		}
		limit, ok := v.(int)
		if !ok {
			return nil, ctx.Errorf("loop limit must be an integer")
		}
		if limit >= 0 {
			w.count = min(w.count, limit)
		}
	}
	return w, nil
}
