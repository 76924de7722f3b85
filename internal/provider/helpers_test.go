package provider_test

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
)

type terraformState = terraform.State

var (
	shaPattern   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	compareEqual = compare.ValuesSame()
)

func clientCond() client.Cond { return client.Cond{} }
