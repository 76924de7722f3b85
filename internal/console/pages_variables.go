package console

import (
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Variables, per environment, read-only: the values templates read as
// vars.<key>; a sensitive one's value is never shown (the API never
// returns it).
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 42, Section: "Notifications", Environment: true, Links: []link{
		{"Variables", env + "variables"},
	}},
		page{Method: "GET", Path: env + "variables", Template: "variables/list.html", Title: "Variables", Handle: variablesPage},
		page{Method: "GET", Path: env + "variables/{key}", Template: "variables/variable.html", Title: "Variable", Handle: variablePage},
	)
}

func variablesPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Variable](c, r, domain.KindVariable, nil)
}

type variableView struct {
	Env      string
	Variable *domain.Variable
}

func variablePage(c *Console, r *http.Request) (any, error) {
	v, err := getObject[domain.Variable](c, r, domain.KindVariable, r.PathValue("key"))
	if err == nil && v.Sensitive {
		// The API never returns it; the page does not rely on that alone.
		v.Value = ""
	}
	return variableView{Env: r.PathValue("env"), Variable: v}, err
}
