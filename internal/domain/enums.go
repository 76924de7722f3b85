package domain

// Enums are the closed sets of names the API accepts, by the name a field's
// `values` tag gives them. Each set is defined once, beside its constants;
// the backend documents and validates a tagged field from here, so the
// OpenAPI document, the backend's checks and the provider's validators
// name the same values.
var Enums = map[string][]string{
	"codes":                   Names(Codes),
	"operator_roles":          Names(OperatorRoles),
	"scopes":                  Names(Scopes),
	"principal_kinds":         Names(PrincipalKinds),
	"trigger_frequencies":     TriggerFrequencies,
	"condition_matches":       ConditionMatches,
	"condition_operators":     ConditionOperators,
	"channel_types":           ChannelTypes,
	"delivery_channel_types":  DeliveryChannelTypes,
	"channel_group_operators": ChannelGroupOperators,
	"channel_rule_types":      ChannelRuleTypes,
	"fetch_methods":           FetchMethods,
	"weekdays":                Weekdays,
	"send_window_types":       SendWindowTypes,
	"guide_types":             GuideTypes,
	"partial_types":           PartialTypes,
	"step_kinds":              StepKinds,
	"access_change_kinds":     AccessChangeKindNames,
	"managed_by":              ManagedByValues,
	"field_changes":           FieldChangeKinds,
	"copy_statuses":           CopyStatuses,
	"pending_changes":         PendingChanges,
	"needs":                   NeedKinds,
}

// Names turns a list of typed names into strings.
func Names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
