package i18n

import "time"

// RoughDuration says d the way a person would, in lang: rounded down to its
// largest unit — "1 day", "3 hours", "25 minutes". For warnings such as a
// device date that looks wrong, where the exact figure does not matter.
func (c *Catalogue) RoughDuration(lang string, d time.Duration) string {
	unit := func(n time.Duration, one, many string) string {
		if n == 1 {
			return c.Lookup(lang, one)
		}
		return c.Lookup(lang, many, int64(n))
	}
	switch {
	case d >= 24*time.Hour:
		return unit(d/(24*time.Hour), "duration.day", "duration.days")
	case d >= time.Hour:
		return unit(d/time.Hour, "duration.hour", "duration.hours")
	}
	return unit(d/time.Minute, "duration.minute", "duration.minutes")
}
