package backend_test

import (
	"strings"
	"testing"
)

// Versioned objects use one another under the promotion order: a workflow
// is refused where its layout or a partial it renders is absent, its
// promotion is refused until they hold the content they hold below, a used
// object is not deleted while in use, and a document carries them together.
func TestVersionedUsesFollowThePromotionOrder(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.channels("development", "staging")
	at := func(env, collection, key string) string {
		return "/v1/environments/" + env + "/" + collection + "/" + key
	}
	layout := func(name string) string {
		return `{"name":"` + name + `","html_layout":"<html>{{ content }}</html>","text_layout":"{{ content }}"}`
	}
	workflow := func(name string) string {
		return `{"name":"` + name + `","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","layout_key":"default","subject":"Hi","body":"{% render 'signature' %}"}}]}`
	}
	partial := `{"name":"Signature","type":"text","content":"-- Acme"}`

	r := a.expect(a.do(a.owner, "PUT", at("development", "workflows", "welcome"), workflow("v1")), 409)
	if !strings.Contains(string(r.body), `email layout \"default\" (steps[0].channel.layout_key), which does not exist in development`) {
		t.Errorf("a workflow without its layout: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", at("development", "email-layouts", "default"), layout("v1")), 201)
	r = a.expect(a.do(a.owner, "PUT", at("development", "workflows", "welcome"), workflow("v1")), 409)
	if !strings.Contains(string(r.body), `partial \"signature\" (steps[0].channel.body)`) {
		t.Errorf("a workflow without its partial: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", at("development", "partials", "signature"), partial), 201)
	a.expect(a.do(a.owner, "PUT", at("development", "workflows", "welcome"), workflow("v1")), 201)

	// In use: not deleted, naming the user.
	r = a.expect(a.do(a.owner, "DELETE", at("development", "email-layouts", "default"), ""), 409)
	if !strings.Contains(string(r.body), `workflow \"welcome\"`) {
		t.Errorf("deleting a layout in use: %s", r.body)
	}

	// Staging: the workflow arrives after what it uses, naming it.
	r = a.expect(a.do(a.owner, "PUT", at("staging", "workflows", "welcome"), workflow("v1")), 409)
	if !strings.Contains(string(r.body), `apply email layout \"default\" to staging first`) {
		t.Errorf("promoting before the layout: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", at("staging", "email-layouts", "default"), layout("v1")), 201)
	a.expect(a.do(a.owner, "PUT", at("staging", "partials", "signature"), partial), 201)
	a.expect(a.do(a.owner, "PUT", at("staging", "workflows", "welcome"), workflow("v1")), 201)

	// A new workflow version is promoted only once its layout's new
	// version is there too; rewriting what staging holds is no promotion.
	a.expect(a.do(a.owner, "PUT", at("development", "email-layouts", "default"), layout("v2")), 200)
	a.expect(a.do(a.owner, "PUT", at("development", "workflows", "welcome"), workflow("v2")), 200)
	a.expect(a.do(a.owner, "PUT", at("staging", "workflows", "welcome"), strings.Replace(workflow("v1"), `{"name"`, `{"active":false,"name"`, 1)), 200)
	r = a.expect(a.do(a.owner, "PUT", at("staging", "workflows", "welcome"), workflow("v2")), 409)
	if !strings.Contains(string(r.body), `differs in staging from its version in development: apply email layout \"default\" to staging first`) {
		t.Errorf("promoting before the layout's new version: %s", r.body)
	}

	// A promotion by document carries them together, in order.
	res := a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200).json()
	if res["updated"].(map[string]any)["email_layouts"] != 1.0 || res["updated"].(map[string]any)["workflows"] != 1.0 {
		t.Errorf("promotion: %v", res)
	}
}
