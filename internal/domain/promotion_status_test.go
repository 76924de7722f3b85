package domain

import (
	"reflect"
	"testing"
)

func TestPromotionStatusAcrossEnvironments(t *testing.T) {
	order := []string{Development, "staging", "qa", Production}
	heads := []VersionHead{
		{Environment: Production, SHA: "a", OriginEnvironment: Development, Version: 1},
		{Environment: Development, SHA: "b", OriginEnvironment: Development, Version: 4},
		{Environment: "staging", SHA: "a", OriginEnvironment: Development, Version: 2},
	}
	p := NewPromotion(KindWorkflow, "welcome", "staging", order, false, heads)
	want := []EnvironmentCopy{
		{Environment: Development, Status: CopyOrigin, SHA: "b", Version: 4},
		{Environment: "staging", Status: CopyChanged, SHA: "a", Version: 2},
		{Environment: "qa", Status: CopyAbsent},
		{Environment: Production, Status: CopyChanged, SHA: "a", Version: 1},
	}
	if !reflect.DeepEqual(p.Environments, want) {
		t.Errorf("environments:\n got %+v\nwant %+v", p.Environments, want)
	}
	heads = append(heads, VersionHead{Environment: "qa", SHA: "a", OriginEnvironment: Development})
	if got := NewPromotion(KindWorkflow, "welcome", "qa", order, false, heads).Environments; got[2].Status != CopySame || got[3].Status != CopySame {
		t.Errorf("promoted through qa: %+v", got)
	}

	// A credential sees the environment written, the one below, and those
	// it may see.
	p.VisibleTo(func(env string) bool { return env == Production })
	var kept []string
	for _, c := range p.Environments {
		kept = append(kept, c.Environment)
	}
	if !reflect.DeepEqual(kept, []string{Development, "staging", Production}) {
		t.Errorf("visible: %v", kept)
	}
}

func TestPendingChange(t *testing.T) {
	dev := func(sha string) *VersionHead { return &VersionHead{SHA: sha, OriginEnvironment: Development} }
	prodBorn := &VersionHead{SHA: "p", OriginEnvironment: Production}
	for _, c := range []struct {
		name           string
		below, current *VersionHead
		want           string
	}{
		{"absent everywhere", nil, nil, ""},
		{"not yet promoted", dev("a"), nil, PendingNew},
		{"changed below", dev("b"), dev("a"), PendingChanged},
		{"promoted", dev("a"), dev("a"), ""},
		{"deleted below", nil, dev("a"), PendingRemoved},
		{"born here", nil, prodBorn, ""},
	} {
		if got := PendingChange(Production, c.below, c.current); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
