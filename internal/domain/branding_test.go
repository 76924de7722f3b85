package domain

import (
	"slices"
	"testing"
)

func TestBrandingValidate(t *testing.T) {
	good := Branding{PrimaryColor: "#0A7CFF", PrimaryColorContrast: "#fff", LogoURL: "https://cdn.example.com/logo.png", IconURL: "http://cdn.example.com/i.png"}
	if p := good.Validate(); len(p) > 0 {
		t.Fatalf("valid branding has problems: %v", p)
	}
	bad := Branding{PrimaryColor: "blue", PrimaryColorContrast: "#12345", LogoURL: "logo.png", IconURL: "ftp://cdn.example.com/i.png"}
	got := problemFields(bad.Validate())
	slices.Sort(got)
	if want := []string{"icon_url", "logo_url", "primary_color", "primary_color_contrast"}; !slices.Equal(got, want) {
		t.Errorf("problems at %v, want %v", got, want)
	}
	// A tenant names the same problems under branding.
	tp := problemFields((&Tenant{Key: "acme", Branding: &bad}).Validate())
	if !slices.Contains(tp, "branding.primary_color") || !slices.Contains(tp, "branding.icon_url") {
		t.Errorf("tenant problems at %v", tp)
	}
}

func TestEffectiveBranding(t *testing.T) {
	env := &Branding{PrimaryColor: "#111111", PrimaryColorContrast: "#FFFFFF", LogoURL: "https://env.example.com/logo.png"}
	cases := []struct {
		name        string
		environment *Branding
		tenant      *Branding
		want        Branding
	}{
		{"neither", nil, nil, Branding{}},
		{"environment only", env, nil, *env},
		{"tenant only", nil, &Branding{IconURL: "https://t.example.com/i.png"}, Branding{IconURL: "https://t.example.com/i.png"}},
		{"empty tenant keeps the environment", env, &Branding{}, *env},
		{"tenant overrides one field", env, &Branding{PrimaryColor: "#FF0000"},
			Branding{PrimaryColor: "#FF0000", PrimaryColorContrast: "#FFFFFF", LogoURL: "https://env.example.com/logo.png"}},
		{"tenant adds a field the environment lacks", env, &Branding{IconURL: "https://t.example.com/i.png"},
			Branding{PrimaryColor: "#111111", PrimaryColorContrast: "#FFFFFF", LogoURL: "https://env.example.com/logo.png", IconURL: "https://t.example.com/i.png"}},
		{"tenant overrides every field", env, &Branding{PrimaryColor: "#000", PrimaryColorContrast: "#EEE", LogoURL: "https://t.example.com/l.png", IconURL: "https://t.example.com/i.png"},
			Branding{PrimaryColor: "#000", PrimaryColorContrast: "#EEE", LogoURL: "https://t.example.com/l.png", IconURL: "https://t.example.com/i.png"}},
	}
	for _, c := range cases {
		if got := EffectiveBranding(c.environment, c.tenant); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if env.PrimaryColor != "#111111" {
		t.Error("merging changed the environment's branding")
	}
}
