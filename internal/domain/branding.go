package domain

// EnvironmentBranding is the default look of an environment's messages,
// which a tenant's branding overrides field by field. There is one per
// environment, never promoted: each environment's own, like its channels.
type EnvironmentBranding struct {
	Branding
	Meta
}

// InitialBrandingVersion is the version of branding never written: a new
// environment has empty branding at this version.
const InitialBrandingVersion = 0

// Written reports whether the branding has ever been written.
func (b *EnvironmentBranding) Written() bool { return b.Version > InitialBrandingVersion }

// Validate checks the branding's fields, named as in the request.
func (b *Branding) Validate() Problems {
	var p Problems
	for _, f := range []struct{ field, value string }{{"primary_color", b.PrimaryColor}, {"primary_color_contrast", b.PrimaryColorContrast}} {
		if f.value != "" {
			if msg := CheckHexColor(f.value); msg != "" {
				p.Add(f.field, "%s", msg)
			}
		}
	}
	for _, f := range []struct{ field, value string }{{"logo_url", b.LogoURL}, {"icon_url", b.IconURL}} {
		if f.value != "" {
			if msg := CheckHTTPURL(f.value); msg != "" {
				p.Add(f.field, "%s", msg)
			}
		}
	}
	return p
}

// EffectiveBranding is the branding messages for a tenant carry: the
// environment's, with each field the tenant sets in its place. Either may
// be nil.
func EffectiveBranding(environment, tenant *Branding) Branding {
	var out Branding
	if environment != nil {
		out = *environment
	}
	if tenant == nil {
		return out
	}
	for _, f := range []struct {
		into     *string
		override string
	}{
		{&out.PrimaryColor, tenant.PrimaryColor},
		{&out.PrimaryColorContrast, tenant.PrimaryColorContrast},
		{&out.LogoURL, tenant.LogoURL},
		{&out.IconURL, tenant.IconURL},
	} {
		if f.override != "" {
			*f.into = f.override
		}
	}
	return out
}

// KindBranding is the kind of environment branding: one object per
// environment, stored under BrandingKey.
var KindBranding = Kind{Name: "branding", Noun: "branding", Collection: "branding"}

// BrandingKey is the key environment branding is stored and audited under.
const BrandingKey = "branding"

func (b *EnvironmentBranding) ObjectKey() string   { return BrandingKey }
func (b *EnvironmentBranding) SetObjectKey(string) {}
func (b *EnvironmentBranding) References() []Ref   { return nil }
