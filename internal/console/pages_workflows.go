package console

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Workflows, per environment: the list, each workflow with its origin,
// active, promotion status, versions and their diff, a preview, and the
// form that edits the templates of a production-born workflow's channel
// steps (subject and body), the lifecycle marketer's part of seed 000.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 36, Section: "Notifications", Environment: true, Links: []link{
		{"Workflows", env + "workflows"},
	}},
		page{Method: "GET", Path: env + "workflows", Template: "workflows/list.html", Title: "Workflows", Handle: workflowsPage},
		page{Method: "GET", Path: env + "workflows/{key}", Template: "workflows/workflow.html", Title: "Workflow", Handle: versionedPage[domain.Workflow](domain.KindWorkflow)},
		page{Method: "POST", Path: env + "workflows/{key}/active", Template: "workflows/workflow.html", Title: "Workflow", Handle: switchActive[domain.Workflow](domain.KindWorkflow)},
		page{Method: "GET", Path: env + "workflows/{key}/diff", Template: "notifications/diff.html", Title: "Workflow changes", Handle: diffPage(domain.KindWorkflow)},
		page{Method: "GET", Path: env + "workflows/{key}/edit", Template: "workflows/edit.html", Title: "Edit workflow templates", Handle: editWorkflowPage},
		page{Method: "POST", Path: env + "workflows/{key}/edit", Template: "workflows/edit.html", Title: "Edit workflow templates", Handle: saveWorkflow},
		page{Method: "GET", Path: env + "workflows/{key}/preview", Template: "workflows/preview.html", Title: "Workflow preview", Handle: previewWorkflowPage},
	)
}

func workflowsPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Workflow](c, r, domain.KindWorkflow, nil)
}

// templateField is one template of a channel step in the edit form, named
// as the API names it (steps[0].channel.subject).
type templateField struct {
	Name, Label, Value string
	Multiline          bool
}

type stepForm struct {
	Ref, Type, Channel string
	Fields             []templateField
}

// workflowForm is the template editor of a workflow.
type workflowForm struct {
	*versionedView[domain.Workflow]
	Steps []stepForm
}

func stepForms(w *domain.Workflow) []stepForm {
	var out []stepForm
	w.EachStep(func(step string, s *domain.Step) {
		if s.Channel == nil {
			return
		}
		at := step + ".channel."
		channel := s.Channel.Key
		if channel == "" {
			channel = "channel group " + s.Channel.ChannelGroupKey
		}
		f := stepForm{Ref: s.Ref, Type: s.Channel.Type, Channel: channel}
		if s.Channel.Subject != "" || s.Channel.Type == "email" {
			f.Fields = append(f.Fields, templateField{Name: at + "subject", Label: "Subject", Value: s.Channel.Subject})
		}
		f.Fields = append(f.Fields, templateField{Name: at + "body", Label: "Body", Value: s.Channel.Body, Multiline: true})
		out = append(out, f)
	})
	return out
}

func editWorkflowPage(c *Console, r *http.Request) (any, error) {
	v, err := loadVersioned[domain.Workflow](c, r, domain.KindWorkflow)
	if err != nil {
		return nil, err
	}
	return workflowForm{versionedView: v, Steps: stepForms(v.Object)}, nil
}

// saveWorkflow writes the form's templates into the workflow as read,
// everything else kept, as exactly the version the form was made from.
func saveWorkflow(c *Console, r *http.Request) (any, error) {
	v, err := loadVersioned[domain.Workflow](c, r, domain.KindWorkflow)
	if err != nil {
		return nil, err
	}
	if !v.Rights.Offers(false) {
		return nil, readOnly(workflowForm{versionedView: v, Steps: stepForms(v.Object)}, v.Rights)
	}
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	w := v.Object
	// Every channel step, at every level of branches, is edited where
	// the form names it.
	w.EachStep(func(step string, s *domain.Step) {
		ch := s.Channel
		if ch == nil {
			return
		}
		at := step + ".channel."
		if _, sent := r.PostForm[at+"subject"]; sent {
			ch.Subject = r.PostFormValue(at + "subject")
		}
		if _, sent := r.PostForm[at+"body"]; sent {
			ch.Body = normalizeNewlines(r.PostFormValue(at + "body"))
		}
	})
	form := workflowForm{versionedView: v, Steps: stepForms(w)}
	if err := putVersioned[domain.Workflow](c, r, domain.KindWorkflow, w, false); err != nil {
		return nil, refuse(err, form)
	}
	return redirect(objectURL(v.Env, domain.KindWorkflow, w.Key) + "?saved=templates"), nil
}

// normalizeNewlines turns a textarea's CRLF line ends into the LF a
// template written through the API has.
func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

type previewView struct {
	Env       string
	Key       string
	Recipient string
	Tenant    string
	Data      string
	At        string
	Result    *domain.WorkflowPreview
}

// previewWorkflowPage previews the workflow for a recipient, a tenant and
// trigger data through the API's preview route; nothing is stored or sent.
func previewWorkflowPage(c *Console, r *http.Request) (any, error) {
	q := r.URL.Query()
	v := previewView{Env: r.PathValue("env"), Key: r.PathValue("key"), Recipient: q.Get("recipient"), Tenant: q.Get("tenant"), Data: q.Get("data"), At: strings.TrimSpace(q.Get("at"))}
	if v.Recipient == "" {
		v.Recipient = `{"id": "ada", "name": "Ada"}`
	}
	if v.Data == "" {
		v.Data = "{}"
	}
	if q.Get("run") == "" {
		return v, nil
	}
	in := domain.PreviewRequest{Tenant: v.Tenant, At: v.At}
	var problems domain.Problems
	for _, f := range []struct {
		name, text string
		into       *domain.JSONObject
	}{{"recipient", v.Recipient, &in.Recipient}, {"data", v.Data, &in.Data}} {
		if strings.TrimSpace(f.text) == "" {
			continue
		}
		if !json.Valid([]byte(f.text)) {
			problems.Add(f.name, "is not JSON: write an object such as {\"id\": \"ada\"}")
			continue
		}
		*f.into = domain.JSONObject(f.text)
	}
	if len(problems) > 0 {
		return nil, &formError{Status: http.StatusBadRequest, Data: v, Err: &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation, Message: "The preview needs JSON objects.", Details: problems}}}
	}
	v.Result = &domain.WorkflowPreview{}
	if _, err := c.call(r, api.PreviewWorkflow.Method, api.PreviewWorkflow.URL(v.Env, v.Key), nil, nil, in, v.Result); err != nil {
		v.Result = nil
		return nil, refuse(err, v)
	}
	return v, nil
}
