package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ImportTarget is what the import rules read about the environment a
// configuration document is imported into. The lookups keep the rules free
// of the store: the caller answers them inside its transaction.
type ImportTarget struct {
	Environment string
	// Current is the target's configuration as it is before the import.
	Current *ConfigDocument
	// Assignments returns the keys of the role assignments that refer to
	// a role or a hierarchy node of the target.
	Assignments func(Ref) ([]string, error)
	// Promotion gathers what the promotion rule needs about an object of
	// a versioned kind written in the target.
	Promotion func(kind Kind, key string) (Promotion, error)
	// Channels judges the channel uses of an object written in the
	// target (CheckChannelUses against the target's channels).
	Channels func(ChannelUser) (Problems, error)
	// ContentSHA, when not nil, gives the content sha of the document's
	// object of kind and key when it is known ahead (what ContentSHA
	// computes of it); without it, or when it says false, it is computed.
	ContentSHA func(kind Kind, key string) (string, bool)
	// Apart, when not nil, gives the target that the versioned section of
	// kind is planned against on a goroutine of its own, beside the
	// other sections: its Promotion, Channels and ContentSHA answer as the
	// target's do, and may be asked at the same time as another
	// section's. Without it the sections are planned in turn, on the
	// caller's goroutine, against the target itself.
	Apart func(kind Kind) ImportTarget
}

// ImportPlan is what an import removes, decided before anything is written.
type ImportPlan struct {
	// Remove lists, per section, the keys of the objects the document
	// lacks, in the order they can be deleted (child nodes first).
	Remove map[string][]string
	// Prune lists the role assignments removed with their roles or nodes.
	Prune []string
	// Kept lists, per versioned section, the objects created in the
	// target, which a document from another environment never removes.
	Kept map[string][]string
}

// PlanImport decides the removals of importing doc into target and checks,
// all at once, what the target's state refuses: roles and nodes with
// assignments (unless pruneAssignments), changes of versioned objects
// (workflows, guides) the promotion rule does not allow, and versioned
// objects sending through channels the target lacks.
func PlanImport(target ImportTarget, doc *ConfigDocument, pruneAssignments bool) (*ImportPlan, error) {
	env, current := target.Environment, target.Current
	plan := &ImportPlan{Remove: map[string][]string{}, Kept: map[string][]string{}}
	missing := func(section string, have, want []string) {
		keep := setOf(want)
		for _, k := range have {
			if !keep[k] {
				plan.Remove[section] = append(plan.Remove[section], k)
			}
		}
	}
	missing("permissions", keysOf(current.Permissions), keysOf(doc.Permissions))
	missing("roles", keysOf(current.Roles), keysOf(doc.Roles))
	missing("oauth_clients", keysOf(current.OAuthClients), keysOf(doc.OAuthClients))
	missing("webhooks", keysOf(current.Webhooks), keysOf(doc.Webhooks))
	// Nodes go children first: the reverse of parents-first order.
	parentsFirst := (&ConfigDocument{HierarchyNodes: current.HierarchyNodes}).NodesParentsFirst()
	slices.Reverse(parentsFirst)
	missing("hierarchy_nodes", keysOf(parentsFirst), keysOf(doc.HierarchyNodes))

	var refusals Problems
	for _, section := range []struct {
		name string
		kind Kind
	}{{"roles", KindRole}, {"hierarchy_nodes", KindHierarchyNode}} {
		for _, key := range plan.Remove[section.name] {
			assignments, err := target.Assignments(Ref{Kind: section.kind, Key: key})
			if err != nil {
				return nil, err
			}
			switch {
			case len(assignments) == 0:
			case pruneAssignments:
				for _, a := range assignments {
					// An assignment of a removed role at a removed node is
					// found twice.
					if !slices.Contains(plan.Prune, a) {
						plan.Prune = append(plan.Prune, a)
					}
				}
			default:
				named := make([]string, len(assignments))
				for i, a := range assignments {
					named[i] = fmt.Sprintf("%s %q", KindRoleAssignment.Noun, a)
				}
				refusals.Add(section.name, "%s %q would be removed but still has %s; assign them elsewhere first, or import with prune_assignments=true to remove them",
					section.kind.Noun, key, ListShort(named))
			}
		}
	}

	// Each versioned section is planned on its own (each object's
	// promotion rule, channels and content sha): one after the other, or
	// each on a goroutine when the target can be asked from several at
	// once (Apart), a section's plan and refusals then joined in the
	// order of the sections as if planned in turn.
	sections, currentSections := doc.VersionedSections(), current.VersionedSections()
	parts := make([]sectionPlan, len(sections))
	for n := range parts {
		parts[n].plan = &ImportPlan{Remove: map[string][]string{}, Kept: map[string][]string{}}
		parts[n].target = target
		if target.Apart != nil {
			parts[n].target = target.Apart(sections[n].Kind)
		}
	}
	planSection := func(n int) error {
		if !doc.Carries(sections[n].Kind) {
			// An older document knows nothing of the kind: its objects
			// stay as they are.
			return nil
		}
		part := &parts[n]
		part.err = planVersionedSection(part.target, doc.SourceEnvironment, sections[n], currentSections[n], part.plan, &part.refusals)
		return nil
	}
	if target.Apart != nil {
		_ = forEachApart(len(sections), planSection) // errors are kept in parts
	} else {
		for n := range sections {
			if planSection(n); parts[n].err != nil {
				break
			}
		}
	}
	for n, part := range parts {
		if part.err != nil {
			return nil, part.err
		}
		name := sections[n].Name
		if keys := part.plan.Remove[name]; keys != nil {
			plan.Remove[name] = keys
		}
		if keys := part.plan.Kept[name]; keys != nil {
			plan.Kept[name] = keys
		}
		refusals = append(refusals, part.refusals...)
	}
	if len(refusals) > 0 {
		return nil, &Error{Code: CodeConflict, Message: fmt.Sprintf("the import into %s is refused; nothing was changed", env), Details: refusals}
	}
	return plan, nil
}

// sectionPlan is what planning one versioned section found: its part of
// the plan, its refusals, and an error reading the target.
type sectionPlan struct {
	target   ImportTarget
	plan     *ImportPlan
	refusals Problems
	err      error
}

// planVersionedSection checks the promotion rule for every object of one
// versioned section of the document, and decides what the import removes
// of the target's objects (current) the document lacks.
func planVersionedSection(target ImportTarget, source string, section, current VersionedSection, plan *ImportPlan, refusals *Problems) error {
	for i, o := range section.Objects {
		p, err := target.Promotion(section.Kind, o.ObjectKey())
		if err != nil {
			return err
		}
		field := func() string { return section.Name + "[" + strconv.Itoa(i) + "]" }
		sha, known := "", false
		if target.ContentSHA != nil {
			sha, known = target.ContentSHA(section.Kind, o.ObjectKey())
		}
		if !known {
			sha = ContentSHA(o)
		}
		if _, err := p.CheckWrite(sha); err != nil {
			refusals.Add(field(), "%s", err.Error())
		}
		channels, err := target.Channels(o)
		if err != nil {
			return err
		}
		if len(channels) > 0 {
			refusals.Merge(field(), channels)
		}
	}
	inDoc := keysIn(section.Objects, current.Objects)
	for _, o := range current.Objects {
		if inDoc(o.ObjectKey()) {
			continue
		}
		p, err := target.Promotion(section.Kind, o.ObjectKey())
		if err != nil {
			return err
		}
		if p.Current != nil && p.Current.OriginEnvironment == target.Environment && source != target.Environment {
			// Created here, unknown to the document's source: not the
			// document's to remove.
			plan.Kept[section.Name] = append(plan.Kept[section.Name], o.ObjectKey())
			continue
		}
		if err := p.CheckDelete(); err != nil {
			refusals.Add(section.Name, "%s", err.Error())
			continue
		}
		plan.Remove[section.Name] = append(plan.Remove[section.Name], o.ObjectKey())
	}
	return nil
}

// keysIn answers whether a key is one of objects', for keys asked in the
// order of asking's objects: when both are in key order (canonical
// documents), by a cursor walking objects as the keys asked grow; else
// from a set of them.
func keysIn(objects, asking []VersionedObject) func(key string) bool {
	ordered := func(l []VersionedObject) bool {
		for i := 1; i < len(l); i++ {
			if l[i-1].ObjectKey() >= l[i].ObjectKey() {
				return false
			}
		}
		return true
	}
	if !ordered(objects) || !ordered(asking) {
		set := make(map[string]bool, len(objects))
		for _, o := range objects {
			set[o.ObjectKey()] = true
		}
		return func(key string) bool { return set[key] }
	}
	at := 0
	return func(key string) bool {
		for at < len(objects) && objects[at].ObjectKey() < key {
			at++
		}
		return at < len(objects) && objects[at].ObjectKey() == key
	}
}

// LeaveOutProductionBorn removes from doc, a document of source's
// configuration meant for target, the workflows and guides born in
// production, which are edited only there, and says so. stored holds
// source's versioned objects as stored, origins included.
func LeaveOutProductionBorn(doc, stored *ConfigDocument, target string) []LeftOut {
	if target == Production {
		return nil
	}
	var leftOut []LeftOut
	storedSections := stored.VersionedSections()
	for n, section := range doc.VersionedSections() {
		stays := map[string]bool{}
		for _, o := range storedSections[n].Objects {
			if o.GetVersionState().OriginEnvironment == Production {
				stays[o.ObjectKey()] = true
				leftOut = append(leftOut, LeftOut{Kind: section.Kind.Name, Key: o.ObjectKey(),
					Reason: fmt.Sprintf("created in production, where it stays: production-born %ss are edited only there and never copied to %s", section.Kind.Noun, target)})
			}
		}
		section.Remove(stays)
	}
	return leftOut
}

// ListShort joins the names of objects for a message, the first ten
// and then how many more.
func ListShort(names []string) string {
	const shown = 10
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:shown], ", ") + fmt.Sprintf(", and %d more", len(names)-shown)
}

func keysOf[T any, PT ObjectPtr[T]](items []T) []string {
	out := make([]string, len(items))
	for i := range items {
		out[i] = PT(&items[i]).ObjectKey()
	}
	return out
}

func setOf(keys []string) map[string]bool {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	return set
}
