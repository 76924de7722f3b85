package bench

import (
	"regexp"
	"slices"
	"strings"
)

// A run of some sections (-only) updates only their part of the report it
// is written over: their "## " sections replace the old ones of the same
// heading, their rows of the goals table replace the old rows of the same
// goal, and everything else, other sections' figures and the machine table
// of the run that measured them, is kept. Each section it updates says it
// was measured alone, when and under what load, since the machine table no
// longer describes its run.

// reportBlock is a "## " section of a report (or, heading "", what comes
// before the first one).
type reportBlock struct {
	heading string
	lines   []string
}

func splitReport(s string) []reportBlock {
	blocks := []reportBlock{{}}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if strings.HasPrefix(line, "## ") {
			blocks = append(blocks, reportBlock{heading: line})
		}
		last := &blocks[len(blocks)-1]
		last.lines = append(last.lines, line)
	}
	return blocks
}

func joinReport(blocks []reportBlock) string {
	var lines []string
	for _, b := range blocks {
		lines = append(lines, b.lines...)
	}
	return strings.Join(lines, "\n") + "\n"
}

const (
	machineHeading   = "## Machine"
	goalsHeading     = "## Goals"
	reproduceHeading = "## Reproduce"
)

// mergeReport writes the sections of fresh, a run of some sections, over
// old, the report of earlier runs; note is said under each section
// replaced.
func mergeReport(old, fresh, note string) string {
	blocks := splitReport(old)
	find := func(heading string) int {
		return slices.IndexFunc(blocks, func(b reportBlock) bool { return b.heading == heading })
	}
	for _, nb := range splitReport(fresh)[1:] {
		i := find(nb.heading)
		switch nb.heading {
		case machineHeading:
			if i < 0 {
				blocks = slices.Insert(blocks, min(1, len(blocks)), nb)
			}
			continue
		case goalsHeading:
			if i >= 0 {
				blocks[i].lines = mergeGoalRows(blocks[i].lines, nb.lines)
				continue
			}
		case reproduceHeading:
			if i >= 0 {
				blocks[i].lines = mergeBullets(blocks[i].lines, nb.lines)
				continue
			}
		default:
			nb.lines = slices.Insert(slices.Clone(nb.lines), 1, "", note)
		}
		if i >= 0 {
			blocks[i] = nb
			continue
		}
		at := find(reproduceHeading)
		if at < 0 {
			at = len(blocks)
		}
		blocks = slices.Insert(blocks, at, nb)
	}
	return joinReport(blocks)
}

var digits = regexp.MustCompile(`[0-9][0-9,.]*`)

// goalKey is what names a goal row: its first cell, numbers left out (a
// goal may name the client count or a size).
func goalKey(row string) string {
	cells := strings.Split(row, "|")
	if len(cells) < 3 {
		return ""
	}
	return digits.ReplaceAllString(strings.TrimSpace(cells[1]), "#")
}

func isGoalRow(line string) bool {
	return strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| goal |")
}

// mergeGoalRows replaces the rows of old's goals table that fresh measured
// again, in place, and adds fresh's new goals at the table's end.
func mergeGoalRows(old, fresh []string) []string {
	var rows []string
	keys := map[string]bool{}
	for _, line := range fresh {
		if isGoalRow(line) {
			rows = append(rows, line)
			keys[goalKey(line)] = true
		}
	}
	var out []string
	placed, lastRow := false, -1
	for _, line := range old {
		if isGoalRow(line) {
			if keys[goalKey(line)] {
				if !placed {
					out = append(out, rows...)
					placed = true
				}
				lastRow = len(out) - 1
				continue
			}
			out = append(out, line)
			lastRow = len(out) - 1
			continue
		}
		out = append(out, line)
	}
	if !placed {
		if lastRow < 0 {
			return fresh
		}
		out = slices.Insert(out, lastRow+1, rows...)
	}
	return out
}

// bulletKey names a line of the Reproduce list by the command it starts
// with ("- `make bench` …", "- `go test -run …`" is go test); other lines
// have none.
func bulletKey(line string) string {
	rest, ok := strings.CutPrefix(line, "- `")
	if !ok {
		return ""
	}
	command, _, _ := strings.Cut(rest, "`")
	// Its first two words: the arguments may change (go test's packages).
	words := strings.Fields(command)
	return strings.Join(words[:min(2, len(words))], " ")
}

// mergeBullets replaces old's lines of the commands fresh describes, in
// place, keeps the others (a section written by other means, such as the
// soak's, keeps its line) and adds fresh's new ones at the end.
func mergeBullets(old, fresh []string) []string {
	byKey := map[string]string{}
	var order []string
	for _, line := range fresh {
		if k := bulletKey(line); k != "" {
			byKey[k] = line
			order = append(order, k)
		}
	}
	used := map[string]bool{}
	out := make([]string, 0, len(old)+len(order))
	for _, line := range old {
		if k := bulletKey(line); k != "" && byKey[k] != "" {
			line, used[k] = byKey[k], true
		}
		out = append(out, line)
	}
	end := len(out)
	for end > 0 && out[end-1] == "" {
		end--
	}
	for _, k := range order {
		if !used[k] {
			out = slices.Insert(out, end, byKey[k])
			end++
		}
	}
	return out
}
