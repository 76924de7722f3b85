package domain

import (
	"errors"
	"fmt"
	"strings"

	"github.com/osteele/liquid"
	"github.com/osteele/liquid/render"
)

// MaxRenderedLength caps one rendered template, so that a loop in a
// template cannot make a preview answer without bound.
const MaxRenderedLength = 1 << 20

// templates renders Liquid, the template language of the notification
// products Arbor's workflows come from. The standard engine's include tag
// reads files from the server's disk; a template written through the API
// must never reach them, so it is replaced by one that refuses.
var templates = func() *liquid.Engine {
	e := liquid.NewEngine()
	e.RegisterTag("include", func(render.Context) (string, error) {
		return "", errors.New("include is not available: a template is self-contained")
	})
	return e
}()

var errRenderedTooLong = errors.New("the rendered text is longer than 1 MiB")

// cappedWriter refuses to grow past MaxRenderedLength, which stops the
// renderer.
type cappedWriter struct{ strings.Builder }

func (w *cappedWriter) Write(p []byte) (int, error) {
	if w.Len()+len(p) > MaxRenderedLength {
		return 0, errRenderedTooLong
	}
	return w.Builder.Write(p)
}

// renderTemplate renders one template against the scope. Its error says
// what is wrong in the template, for the step's errors.
func renderTemplate(source string, s previewScope) (text string, err error) {
	tpl, parseErr := templates.ParseString(source)
	if parseErr != nil {
		return "", errors.New(strings.TrimPrefix(parseErr.Error(), "Liquid error: "))
	}
	// The renderer panics with the writer's error when a write is refused,
	// and on inputs its authors did not foresee: either is this template's
	// failure, reported on its step, not the request's.
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
	if renderErr := tpl.FRender(&out, map[string]any(s)); renderErr != nil {
		if strings.Contains(renderErr.Error(), errRenderedTooLong.Error()) {
			return "", errRenderedTooLong
		}
		return "", errors.New(strings.TrimPrefix(renderErr.Error(), "Liquid error: "))
	}
	return out.String(), nil
}
