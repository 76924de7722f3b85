package domain

// How a versioned object's copy in one environment compares with the
// environment below it: what a reviewer reads across the promotion order.
const (
	// CopyOrigin: the object was created here and is edited here.
	CopyOrigin = "origin"
	// CopySame: the same content (sha) as the environment below.
	CopySame = "same"
	// CopyChanged: content the environment below does not hold (it moved
	// on, or no longer has the object): the next promotion changes it.
	CopyChanged = "changed"
	// CopyAbsent: the object is not in this environment.
	CopyAbsent = "absent"
)

// CopyStatuses are the values of EnvironmentCopy.Status.
var CopyStatuses = []string{CopyOrigin, CopySame, CopyChanged, CopyAbsent}

// EnvironmentCopy is a versioned object in one environment of the
// promotion order.
type EnvironmentCopy struct {
	Environment string `json:"environment" doc:"The environment."`
	Status      string `json:"status" values:"copy_statuses" doc:"origin: created and edited here; same: the content of the environment below; changed: content the environment below does not hold; absent: not here."`
	SHA         string `json:"sha,omitempty" doc:"Content hash here; absent when absent."`
	Version     int64  `json:"version,omitempty" doc:"The object's version here; absent when absent."`
}

// promotionStatus is the object's copy in every environment of order,
// heads being the copies that exist.
func promotionStatus(order []string, heads []VersionHead) []EnvironmentCopy {
	// An object has a head in a few environments: a search among them,
	// the last one found winning, costs less than a map made for each
	// object of a plan.
	byEnv := func(env string) *VersionHead {
		for i := len(heads) - 1; i >= 0; i-- {
			if heads[i].Environment == env {
				return &heads[i]
			}
		}
		return nil
	}
	out := make([]EnvironmentCopy, 0, len(order))
	for i, e := range order {
		h := byEnv(e)
		c := EnvironmentCopy{Environment: e, Status: CopyAbsent}
		if h != nil {
			c.SHA, c.Version = h.SHA, h.Version
			var below *VersionHead
			if i > 0 {
				below = byEnv(order[i-1])
			}
			switch {
			case h.OriginEnvironment == e:
				c.Status = CopyOrigin
			case below != nil && below.SHA == h.SHA:
				c.Status = CopySame
			default:
				c.Status = CopyChanged
			}
		}
		out = append(out, c)
	}
	return out
}

// VisibleTo keeps, of p's environments, those see allows, and always the
// environment written and the one below (which the promotion rule reads
// for any credential of the environment written).
func (p *Promotion) VisibleTo(see func(env string) bool) {
	kept := p.Environments[:0]
	for _, c := range p.Environments {
		if c.Environment == p.Environment || c.Environment == p.BelowEnvironment || see(c.Environment) {
			kept = append(kept, c)
		}
	}
	p.Environments = kept
}

// What the next promotion into an environment would do to one object.
const (
	// PendingNew: the environment below has it, this one does not yet.
	PendingNew = "new"
	// PendingChanged: both have it, with different content.
	PendingChanged = "changed"
	// PendingRemoved: this environment has it (not created here), the
	// environment below no longer does.
	PendingRemoved = "removed"
)

// PendingChanges are the values of PendingPromotion.Change.
var PendingChanges = []string{PendingNew, PendingChanged, PendingRemoved}

// PendingPromotion is one versioned object whose content in the
// environment below differs from the environment's own: what the next
// promotion would carry.
type PendingPromotion struct {
	Kind    string       `json:"kind" doc:"The object's kind, as in the audit log (workflow, guide)." example:"workflow"`
	Key     string       `json:"key" doc:"The object's key."`
	Change  string       `json:"change" values:"pending_changes" doc:"new: only the environment below has it; changed: both have it with different content; removed: the environment below no longer has it."`
	Below   *VersionHead `json:"below,omitempty" doc:"The object in the environment below; absent when removed."`
	Current *VersionHead `json:"current,omitempty" doc:"The object here; absent when new."`
}

// PendingChange is what the next promotion into env does to an object
// held by below (the environment directly below env) and current (env's
// own), either nil where absent: "" when nothing. An object created in
// env is edited there, never promoted into it.
func PendingChange(env string, below, current *VersionHead) string {
	switch {
	case current != nil && current.OriginEnvironment == env:
		return ""
	case below != nil && current == nil:
		return PendingNew
	case below == nil && current != nil:
		return PendingRemoved
	case below != nil && below.SHA != current.SHA:
		return PendingChanged
	}
	return ""
}

// PendingPromotions is a page of what the next promotion into an
// environment would carry, every versioned kind in VersionedKinds order,
// each in key order.
type PendingPromotions struct {
	Environment      string             `json:"environment" doc:"The environment a promotion would write."`
	BelowEnvironment string             `json:"below_environment,omitempty" doc:"The environment it would come from; absent for the first environment, which nothing is promoted into."`
	Items            []PendingPromotion `json:"items" nullable:"false" doc:"The objects whose content differs, kind by kind, in key order."`
	NextCursor       string             `json:"next_cursor,omitempty" doc:"Pass as cursor to fetch the next page; absent on the last page."`
}
