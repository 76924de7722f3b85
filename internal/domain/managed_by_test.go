package domain

import "testing"

func TestManagedByAfter(t *testing.T) {
	for _, c := range []struct{ previous, writer, want string }{
		{"", "", ""},
		{"", ManagedByTerraform, ManagedByTerraform},
		// A write from outside the configuration keeps the mark.
		{ManagedByTerraform, "", ManagedByTerraform},
		{ManagedByTerraform, ManagedByTerraform, ManagedByTerraform},
	} {
		if got := ManagedByAfter(c.previous, c.writer); got != c.want {
			t.Errorf("ManagedByAfter(%q, %q) = %q, want %q", c.previous, c.writer, got, c.want)
		}
	}
}

func TestCheckManagedBy(t *testing.T) {
	for _, v := range append([]string{""}, ManagedByValues...) {
		if msg := CheckManagedBy(v); msg != "" {
			t.Errorf("%q refused: %s", v, msg)
		}
	}
	if CheckManagedBy("pulumi") == "" || CheckManagedBy("Terraform") == "" {
		t.Error("a tool outside the set was accepted")
	}
}
