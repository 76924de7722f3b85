package domain

import (
	"fmt"
	"slices"
	"time"
)

// sendWindow judges a channel step's send windows at the preview's
// moment: "" when they let the message go out then; else why not and,
// in sp.DeferredUntil, when it would go out.
func (w *stepWalk) sendWindow(c *ChannelStep, sp *StepPreview) string {
	loc, zone := w.sendLocation(c)
	at := w.now.In(loc)
	if sendAllowed(c.SendWindows, at) {
		return ""
	}
	next, ok := nextSendMoment(c.SendWindows, at)
	if !ok {
		return fmt.Sprintf("its send windows allow no moment of the week (%s): the message would never go out", zone)
	}
	sp.DeferredUntil = next.Format(time.RFC3339)
	return fmt.Sprintf("its send windows do not allow %s %s (%s): deferred until %s %s", at.Format("Monday 15:04"), at.Format("2006-01-02"), zone, next.Format("Monday 15:04"), next.Format("2006-01-02"))
}

// sendLocation is the time zone the windows are read in: the step's,
// else the recipient's (recipient.timezone), else UTC; and how to name it.
func (w *stepWalk) sendLocation(c *ChannelStep) (*time.Location, string) {
	if c.SendTimeZone != "" {
		if loc, err := time.LoadLocation(c.SendTimeZone); err == nil {
			return loc, "the step's time zone " + c.SendTimeZone
		}
	}
	if tz, ok := w.recipient["timezone"].(string); ok && tz != "" && tz != "Local" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc, "the recipient's time zone " + tz
		}
		return time.UTC, fmt.Sprintf("UTC, as the recipient's time zone %q is not one", tz)
	}
	return time.UTC, "UTC, as the recipient has no timezone"
}

// sendAllowed: never inside a do_not_send window; inside a send window
// when the step has any.
func sendAllowed(windows []SendWindow, t time.Time) bool {
	hasSend, inSend := false, false
	for _, win := range windows {
		in := windowHolds(win, t)
		if win.Type == "do_not_send" && in {
			return false
		}
		if win.Type == "send" {
			hasSend = true
			inSend = inSend || in
		}
	}
	return !hasSend || inSend
}

func windowHolds(win SendWindow, t time.Time) bool {
	if Weekdays[(int(t.Weekday())+6)%7] != win.Day {
		return false
	}
	from, _ := clockMinutes(win.From, false)
	until, _ := clockMinutes(win.Until, true)
	m := t.Hour()*60 + t.Minute()
	return m >= from && m < until
}

// nextSendMoment is the first moment after t, within a week, that the
// windows allow: a send window's start or a do_not_send window's end.
func nextSendMoment(windows []SendWindow, t time.Time) (time.Time, bool) {
	var candidates []time.Time
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	for d := range 8 {
		date := day.AddDate(0, 0, d)
		for _, win := range windows {
			if Weekdays[(int(date.Weekday())+6)%7] != win.Day {
				continue
			}
			edge := win.From
			if win.Type == "do_not_send" {
				edge = win.Until
			}
			m, _ := clockMinutes(edge, win.Type == "do_not_send")
			c := time.Date(date.Year(), date.Month(), date.Day(), m/60, m%60, 0, 0, t.Location())
			if c.After(t) {
				candidates = append(candidates, c)
			}
		}
	}
	slices.SortFunc(candidates, func(a, b time.Time) int { return a.Compare(b) })
	for _, c := range candidates {
		if sendAllowed(windows, c) {
			return c, true
		}
	}
	return time.Time{}, false
}
