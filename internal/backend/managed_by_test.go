package backend_test

import (
	"encoding/json"
	"strings"
	"testing"

	arborapi "github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A write that names its tool in Arbor-Managed-By marks the object; writes
// from elsewhere (a plain API write, an import) keep the mark; each
// version records the mark it was written with; a value naming no tool is
// refused, naming the header.
func TestManagedBy(t *testing.T) {
	a := newAPI(t)
	a.channels("development")
	terraform := []string{arborapi.HeaderManagedBy, domain.ManagedByTerraform}
	guide := "/v1/environments/development/guides/launch"

	if got := a.expect(a.do(a.owner, "PUT", guide, guideBody("v1")), 201).json(); got["managed_by"] != nil {
		t.Errorf("a plain API write marked the guide: %v", got["managed_by"])
	}
	if got := a.expect(a.do(a.owner, "PUT", guide, guideBody("v2"), terraform...), 200).json(); got["managed_by"] != domain.ManagedByTerraform {
		t.Errorf("a Terraform write: managed_by %v", got["managed_by"])
	}
	// The console's and curl's writes do not take the object out of the
	// configuration that holds it.
	a.expect(a.do(a.owner, "PUT", guide, guideBody("v3")), 200)
	if got := a.expect(a.do(a.owner, "GET", guide, ""), 200).json(); got["managed_by"] != domain.ManagedByTerraform {
		t.Errorf("after a plain write: managed_by %v", got["managed_by"])
	}
	versions := a.expect(a.do(a.owner, "GET", guide+"/versions", ""), 200).json()["items"].([]any)
	var marks []any
	for _, v := range versions {
		marks = append(marks, v.(map[string]any)["managed_by"])
	}
	if len(marks) != 3 || marks[0] != domain.ManagedByTerraform || marks[1] != domain.ManagedByTerraform || marks[2] != nil {
		t.Errorf("versions' marks, newest first: %v", marks)
	}

	r := a.expect(a.do(a.owner, "PUT", guide, guideBody("v4"), arborapi.HeaderManagedBy, "pulumi"), 400)
	if !strings.Contains(string(r.body), `"field":"`+arborapi.HeaderManagedBy+`"`) || !strings.Contains(string(r.body), domain.ManagedByTerraform) {
		t.Errorf("unknown tool: %s", r.body)
	}

	// Every keyed kind and the branding singleton write through the same
	// path.
	perm := "/v1/environments/development/permissions/documents.read"
	if got := a.expect(a.do(a.owner, "PUT", perm, `{"name":"Read"}`, terraform...), 201).json(); got["managed_by"] != domain.ManagedByTerraform {
		t.Errorf("permission: managed_by %v", got["managed_by"])
	}
	branding := "/v1/environments/development/branding"
	if got := a.expect(a.do(a.owner, "PUT", branding, `{"primary_color":"#112233"}`, terraform...), 201).json(); got["managed_by"] != domain.ManagedByTerraform {
		t.Errorf("branding: managed_by %v", got["managed_by"])
	}

	// An import rewrites the permission; the configuration still holds it.
	doc := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200).body
	if strings.Contains(string(doc), "managed_by") {
		t.Errorf("the document carries the mark: %s", doc)
	}
	var document map[string]any
	if err := json.Unmarshal(doc, &document); err != nil {
		t.Fatal(err)
	}
	document["permissions"].([]any)[0].(map[string]any)["name"] = "Read documents"
	changed, _ := json.Marshal(document)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config", string(changed)), 200)
	got := a.expect(a.do(a.owner, "GET", perm, ""), 200).json()
	if got["name"] != "Read documents" || got["managed_by"] != domain.ManagedByTerraform {
		t.Errorf("after an import: %v", got)
	}
}

// The OpenAPI document says which writes take the header, with its values
// from the domain, and that objects carry managed_by as read-only.
func TestManagedByDocumented(t *testing.T) {
	a := newAPI(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				In     string `json:"in"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					ReadOnly bool     `json:"readOnly"`
					Enum     []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(a.expect(a.do("", "GET", "/v1/openapi.json", ""), 200).body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, kind := range domain.Kinds {
		path := arborapi.ObjectRoutes(kind).Put.Path
		found := false
		for _, p := range doc.Paths[path]["put"].Parameters {
			if p.Name == arborapi.HeaderManagedBy && p.In == "header" {
				found = strings.Join(p.Schema.Enum, ",") == strings.Join(domain.ManagedByValues, ",")
			}
		}
		if !found {
			t.Errorf("PUT %s: no %s header with the values %v", path, arborapi.HeaderManagedBy, domain.ManagedByValues)
		}
	}
	for _, name := range []string{"Guide", "Workflow", "Permission", "EnvironmentBranding"} {
		p, ok := doc.Components.Schemas[name].Properties["managed_by"]
		// Schemas only responses use drop readOnly (readOnlyOnlyInRequests).
		if !ok || (name != "EnvironmentBranding" && !p.ReadOnly) || strings.Join(p.Enum, ",") != strings.Join(domain.ManagedByValues, ",") {
			t.Errorf("schema %s: managed_by %+v (present %t)", name, p, ok)
		}
	}
}
