package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Translations are a versioned kind (versioned.go): the rules of every
// versioned kind are all they need.
var translationRules = versionedRules[domain.Translation](domain.KindTranslation, nil)

type listTranslationsInput struct {
	ListParams
	Locale    string `query:"locale" doc:"Only translations of this locale (en-US)."`
	Namespace string `query:"namespace" doc:"Only translations of this namespace."`
	OriginParam
}

func (s *Server) registerTranslationRoutes() {
	const tag = "translations"
	registerEnvObjects[domain.Translation, *domain.Translation, listTranslationsInput](s, translationRules, tag,
		func(in *listTranslationsInput) listFilter[domain.Translation] {
			if in.Locale == "" && in.Namespace == "" && in.OriginEnvironment == "" {
				return listFilter[domain.Translation]{}
			}
			return listFilter[domain.Translation]{keep: func(t *domain.Translation) bool {
				namespace, locale := domain.SplitTranslationKey(t.Key)
				return (in.Locale == "" || locale == in.Locale) && (in.Namespace == "" || namespace == in.Namespace) && in.keeps(t.OriginEnvironment)
			}}
		}, routeOptions{})
	registerVersionedRoutes[domain.Translation](s, domain.KindTranslation, tag)
}
