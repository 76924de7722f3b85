package upgrade

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// Credentials are the secrets Populate was shown once: after an upgrade
// each must still authenticate as what it was made for.
type Credentials struct {
	// ViewerToken is an account token with the viewer role.
	ViewerToken string `json:"viewer_token"`
	// DevelopmentKey is a read_only API key of development, made with
	// DevelopmentKeyIdempotency as its Idempotency-Key: replaying that
	// request after the upgrade must answer the same key (the remembered
	// answer is sealed).
	DevelopmentKey            string `json:"development_key"`
	DevelopmentKeyID          string `json:"development_key_id"`
	DevelopmentKeyIdempotency string `json:"development_key_idempotency"`
}

// DevelopmentKeyRequest is the body of the request that made the
// development key.
var DevelopmentKeyRequest = map[string]any{"name": "pipeline", "scope": "read_only"}

// Populate writes through c, as an owner, a configuration that holds every
// kind of object the server serves and most of their fields: account
// settings, a third environment, identities, tokens, API keys, and in each
// environment permissions, roles, a hierarchy, assignments, OAuth clients,
// webhooks, tenants, channels with sealed credentials, variables (one
// sensitive), branding, workflows with more than one version and guides,
// promoted from development up to production, plus a production-born
// guide. A collection the server does not serve (a kind newer than the
// server) is left out, so one Populate serves every release it may face.
func Populate(ctx context.Context, c *API) (Credentials, error) {
	served, err := servedPaths(ctx, c)
	if err != nil {
		return Credentials{}, err
	}
	serves := func(collection string) bool {
		return slices.Contains(served, "/v1/environments/{env}/"+collection+"/{key}")
	}
	var creds Credentials
	p := populator{ctx: ctx, c: c}

	p.put("/v1/settings", map[string]any{"production_write_access": true})
	p.post(http.StatusCreated, "/v1/environments", map[string]any{"slug": "staging", "name": "Staging", "description": "Where a release is rehearsed."})
	p.put("/v1/environments/production", map[string]any{"name": "Production", "description": "Customers.", "obfuscate_customer_data": true})
	p.put("/v1/identities/ada", map[string]any{"email": "ada@example.com", "name": "Ada Lovelace"})
	p.put("/v1/identities/grace", map[string]any{"email": "grace@example.com", "name": "Grace Hopper"})
	if tok := p.post(http.StatusCreated, "/v1/tokens", map[string]any{"name": "support", "role": "viewer"}); tok != nil {
		creds.ViewerToken, _ = tok["secret"].(string)
	}

	for _, env := range []string{"development", "staging", "production"} {
		base := "/v1/environments/" + env
		// What each environment owns and no promotion carries.
		if serves("channels") {
			p.put(base+"/channels/email", map[string]any{"name": "Email (" + env + ")", "type": "email", "service": "postmark",
				"settings": map[string]any{"from": "noreply@example.com"}, "credentials": map[string]any{"server_token": "pm-" + env + "-secret"}})
			p.put(base+"/channels/feed", map[string]any{"name": "In-app feed", "type": "in_app_feed", "service": "arbor"})
		}
		if serves("variables") {
			p.put(base+"/variables/app_url", map[string]any{"value": "https://" + env + ".example.com", "description": "Where links point."})
			p.put(base+"/variables/api_token", map[string]any{"value": "tok-" + env, "sensitive": true})
		}
		if slices.Contains(served, "/v1/environments/{env}/branding") {
			p.put(base+"/branding", map[string]any{"primary_color": "#112233", "primary_color_contrast": "#FFFFFF", "logo_url": "https://example.com/logo.png"})
		}
		p.put(base+"/tenants/acme", map[string]any{"name": "Acme Corp", "properties": map[string]any{"plan": "enterprise", "seats": 42},
			"branding":       map[string]any{"primary_color": "#E4002B", "icon_url": "https://acme.example.com/icon.png"},
			"preference_set": map[string]any{"channel_types": map[string]any{"sms": false}, "categories": map[string]any{"marketing": false}}})
	}

	dev := "/v1/environments/development"
	p.put(dev+"/permissions/documents.read", map[string]any{"name": "Read documents", "description": "See every document."})
	p.put(dev+"/permissions/documents.write", map[string]any{"name": "Write documents"})
	p.put(dev+"/roles/editor", map[string]any{"name": "Editor", "description": "Writes.", "permissions": []string{"documents.read", "documents.write"}})
	p.put(dev+"/roles/reader", map[string]any{"name": "Reader", "permissions": []string{"documents.read"}})
	p.put(dev+"/hierarchy-nodes/acme", map[string]any{"name": "Acme"})
	p.put(dev+"/hierarchy-nodes/engineering", map[string]any{"name": "Engineering", "parent_key": "acme"})
	p.put(dev+"/oauth-clients/dashboard", map[string]any{"name": "Dashboard", "redirect_uris": []string{"https://app.example.com/callback"}, "scopes": []string{"openid", "profile"}})
	p.put(dev+"/webhooks/audit-sink", map[string]any{"url": "https://hooks.example.com/arbor", "events": []string{"role.updated"}, "enabled": true})
	welcome := map[string]any{"name": "Welcome", "description": "First message.", "categories": []string{"onboarding"},
		"trigger_frequency":   "once_per_recipient",
		"trigger_data_schema": map[string]any{"type": "object", "properties": map[string]any{"plan": map[string]any{"type": "string"}}},
		"conditions":          map[string]any{"match": "all", "rules": []any{map[string]any{"variable": "data.plan", "operator": "not_empty"}}},
		"steps": []any{
			map[string]any{"ref": "wait", "delay": map[string]any{"duration": "1h"}},
			map[string]any{"ref": "email", "channel": map[string]any{"type": "email", "key": "email", "subject": "Welcome, {{ recipient.name }}", "body": "Hello from {{ tenant.name }}: {{ vars.app_url }}"}},
		}}
	p.put(dev+"/workflows/welcome", welcome)
	// A second version, so the version history has two entries.
	welcome["description"] = "First message, second draft."
	p.put(dev+"/workflows/welcome", welcome)
	if serves("guides") {
		p.put(dev+"/guides/launch", map[string]any{"name": "Launch", "type": "announcement", "channel_key": "feed",
			"content":                 map[string]any{"title": "New editor", "body": "Try it now.", "button_text": "Open", "button_url": "https://app.example.com/editor"},
			"activation_url_patterns": []string{"/dashboard/*"}, "priority": 5})
	}
	p.post(http.StatusOK, "/v1/environments/staging/promote", map[string]any{"from": "development"})
	p.post(http.StatusOK, "/v1/environments/production/promote", map[string]any{"from": "staging"})
	p.assign("development", "ada", "editor", "engineering")
	p.assign("development", "grace", "reader", "acme")
	p.assign("production", "ada", "reader", "acme")
	if serves("guides") {
		// Born in production (production write access is on).
		p.put("/v1/environments/production/guides/spring-sale", map[string]any{"name": "Spring sale", "type": "banner", "channel_key": "feed",
			"content": map[string]any{"body": "20% off this week."}})
	}
	// A workflow switched off in staging only: active is per environment.
	if w := p.get("/v1/environments/staging/workflows/welcome"); w != nil {
		w["active"] = false
		for _, readOnly := range []string{"environment", "version", "created_at", "updated_at", "sha", "origin_environment"} {
			delete(w, readOnly)
		}
		p.put("/v1/environments/staging/workflows/welcome", w)
	}

	creds.DevelopmentKeyIdempotency = "upgrade-fixture-development-key"
	a, err := c.Do(ctx, http.MethodPost, "/v1/environments/development/api-keys", DevelopmentKeyRequest,
		map[string]string{"Idempotency-Key": creds.DevelopmentKeyIdempotency})
	if p.err == nil && (err != nil || a.Status != http.StatusCreated) {
		p.err = fmt.Errorf("creating the development key: %v %d %.300s", err, a.Status, a.Body)
	}
	if p.err == nil {
		v, err := a.JSON()
		if err != nil {
			return creds, err
		}
		key, _ := v.(map[string]any)
		creds.DevelopmentKey, _ = key["secret"].(string)
		creds.DevelopmentKeyID, _ = key["id"].(string)
	}
	p.post(http.StatusCreated, "/v1/environments/production/api-keys", map[string]any{"name": "deploy", "scope": "read_write"})
	return creds, p.err
}

// populator writes one request after another and keeps the first error.
type populator struct {
	ctx context.Context
	c   *API
	err error
}

func (p *populator) put(path string, body any) {
	if p.err != nil {
		return
	}
	a, err := p.c.Do(p.ctx, http.MethodPut, path, body, nil)
	if err == nil && a.Status != http.StatusOK && a.Status != http.StatusCreated {
		err = fmt.Errorf("status %d: %.500s", a.Status, a.Body)
	}
	if err != nil {
		p.err = fmt.Errorf("PUT %s: %w", path, err)
	}
}

func (p *populator) assign(env, identity, role, node string) {
	p.put("/v1/environments/"+env+"/role-assignments/"+identity+"/"+role+"/"+node,
		map[string]any{"identity_key": identity, "role_key": role, "node_key": node})
}

func (p *populator) post(status int, path string, body any) map[string]any {
	if p.err != nil {
		return nil
	}
	m, err := p.c.Expect(p.ctx, status, http.MethodPost, path, body)
	p.err = err
	return m
}

func (p *populator) get(path string) map[string]any {
	if p.err != nil {
		return nil
	}
	m, err := p.c.Expect(p.ctx, http.StatusOK, http.MethodGet, path, nil)
	p.err = err
	return m
}
