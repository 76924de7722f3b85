package acctest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// PutChannelNow creates or replaces, out of band, a channel of the given
// type in env, for tests whose workflows send through it.
func (b *Backend) PutChannelNow(t testing.TB, env, key, channelType string) {
	t.Helper()
	b.PutObjectNow(t, "channel", env, key, map[string]any{"name": key, "type": channelType, "service": "sandbox"})
}

// ChannelCredentials checks that the channel behind a resource holds
// credentials containing want, as the backend stores them.
func (b *Backend) ChannelCredentials(name, want string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		a := rs.Primary.Attributes
		got, err := b.Server.ChannelCredentials(context.Background(), a["environment"], a["key"])
		if err != nil {
			return err
		}
		if !strings.Contains(string(got), want) {
			return fmt.Errorf("%s holds other credentials than expected", name)
		}
		return nil
	}
}

// VariableValue checks the value templates read for the variable behind a
// resource, sensitive or not.
func (b *Backend) VariableValue(name, want string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s is not in state", name)
		}
		a := rs.Primary.Attributes
		values, err := b.Server.VariableValues(context.Background(), a["environment"])
		if err != nil {
			return err
		}
		if got, ok := values[a["key"]]; !ok || got != want {
			return fmt.Errorf("%s: templates read another value than expected", name)
		}
		return nil
	}
}
