package domain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// evaluate judges conditions against the scope and says why, naming the
// rule that decided and the value it found. sensitive lists the paths
// whose values are masked, so a reason never carries a secret.
// now is the moment before and after compare with, for the argument now.
func (c *Conditions) evaluate(s previewScope, sensitive map[string]bool, now time.Time) (bool, string) {
	matchAny := c.Match == "any"
	var reasons []string
	for _, r := range c.Rules {
		holds, why := r.evaluate(s, sensitive, now)
		switch {
		case holds && matchAny:
			return true, why
		case !holds && !matchAny:
			return false, why
		}
		reasons = append(reasons, why)
	}
	for i, g := range c.Groups {
		all := &Conditions{Match: "all", Rules: g.Rules}
		holds, why := all.evaluate(s, sensitive, now)
		why = fmt.Sprintf("group %d: %s", i+1, why)
		if holds {
			return true, why
		}
		reasons = append(reasons, why)
	}
	if matchAny && len(c.Groups) > 0 {
		return false, "no rule or group holds: " + strings.Join(reasons, "; ")
	}
	if matchAny {
		return false, "no rule holds: " + strings.Join(reasons, "; ")
	}
	return true, strings.Join(reasons, "; ")
}

func (r Condition) evaluate(s previewScope, sensitive map[string]bool, now time.Time) (bool, string) {
	value, found := s.lookup(r.Variable)
	holds := r.holds(value, found, now)
	rule := r.Variable + " " + r.Operator
	if r.Argument != "" {
		rule += " " + strconv.Quote(r.Argument)
	}
	verdict := "holds"
	if !holds {
		verdict = "does not hold"
	}
	var seen string
	switch {
	case sensitiveRoot(r.Variable, sensitive):
		seen = "a sensitive variable, compared as " + strconv.Quote(SensitiveMask)
	case !found:
		seen = "not set"
	default:
		seen = describeValue(value)
	}
	return holds, fmt.Sprintf("%s %s (%s)", rule, verdict, seen)
}

// sensitiveRoot reports whether path is a sensitive variable or inside one.
func sensitiveRoot(path string, sensitive map[string]bool) bool {
	for p := path; ; {
		if sensitive[p] {
			return true
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

func describeValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const shown = 80
	if len(b) > shown {
		return string(b[:shown]) + "…"
	}
	return string(b)
}

// holds applies the operator. Order comparisons are numeric when both
// sides read as numbers (digits in a string count), by time when both are
// RFC 3339 timestamps, and otherwise never hold: text has no order here.
func (r Condition) holds(value any, found bool, now time.Time) bool {
	switch r.Operator {
	case "in", "not_in":
		in := false
		for _, v := range strings.Split(r.Argument, ",") {
			in = in || (found && equalsArgument(value, strings.TrimSpace(v)))
		}
		return in == (r.Operator == "in")
	case "between":
		low, high, _ := strings.Cut(r.Argument, ",")
		lo, okLo := compareWithArgument(value, strings.TrimSpace(low))
		hi, okHi := compareWithArgument(value, strings.TrimSpace(high))
		return found && okLo && okHi && lo >= 0 && hi <= 0
	case "before", "after":
		text, isText := value.(string)
		t, err := time.Parse(time.RFC3339, text)
		arg := now
		if r.Argument != "now" {
			arg, _ = time.Parse(time.RFC3339, r.Argument)
		}
		if !found || !isText || err != nil {
			return false
		}
		if r.Operator == "before" {
			return t.Before(arg)
		}
		return t.After(arg)
	case "empty":
		return isEmptyValue(value, found)
	case "not_empty":
		return !isEmptyValue(value, found)
	case "equal_to":
		return found && equalsArgument(value, r.Argument)
	case "not_equal_to":
		return !found || !equalsArgument(value, r.Argument)
	case "contains":
		return found && containsArgument(value, r.Argument)
	case "not_contains":
		return !found || !containsArgument(value, r.Argument)
	}
	cmp, ok := compareWithArgument(value, r.Argument)
	if !found || !ok {
		return false
	}
	switch r.Operator {
	case "greater_than":
		return cmp > 0
	case "greater_than_or_equal_to":
		return cmp >= 0
	case "less_than":
		return cmp < 0
	case "less_than_or_equal_to":
		return cmp <= 0
	}
	return false
}

func isEmptyValue(v any, found bool) bool {
	if !found || v == nil {
		return true
	}
	switch t := v.(type) {
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func asNumber(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		return f, err == nil
	}
	return 0, false
}

func equalsArgument(v any, arg string) bool {
	switch t := v.(type) {
	case string:
		return t == arg
	case bool:
		b, err := strconv.ParseBool(arg)
		return err == nil && b == t
	case int64, float64:
		n, _ := asNumber(t)
		a, ok := asNumber(arg)
		return ok && n == a
	}
	return false
}

func containsArgument(v any, arg string) bool {
	switch t := v.(type) {
	case string:
		return strings.Contains(t, arg)
	case []any:
		for _, e := range t {
			if equalsArgument(e, arg) {
				return true
			}
		}
	}
	return false
}

func compareWithArgument(v any, arg string) (int, bool) {
	if n, ok := asNumber(v); ok {
		a, argOK := asNumber(arg)
		return compareFloats(n, a), argOK
	}
	text, isText := v.(string)
	if !isText {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339, text)
	a, argErr := time.Parse(time.RFC3339, arg)
	if err != nil || argErr != nil {
		return 0, false
	}
	return t.Compare(a), true
}

func compareFloats(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
