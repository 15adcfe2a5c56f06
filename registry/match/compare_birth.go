package match

import "strconv"

// compareBirth judges two birth dates. A year ±1 is the commonest slip, a
// swapped day and month the next; an estimated date (an age in years) only
// says roughly when; a generation apart is a parent and child.
func compareBirth(a, b birthDate, out []Reason) []Reason {
	if !a.known() || !b.known() {
		return out
	}
	estimated := a.estimated || b.estimated
	dy := a.year - b.year
	if dy < 0 {
		dy = -dy
	}
	sameDay := a.month == b.month && a.day == b.day
	switch {
	case dy == 0 && sameDay && !estimated:
		return append(out, Reason{"birth_date_exact", "same birth date", weightBirthExact})
	case dy == 0 && sameDay:
		return append(out, Reason{"birth_date_same_estimated", "same estimated birth date", weightBirthSameEst})
	case estimated && dy == 0:
		return append(out, Reason{"birth_year_estimated_same", "same estimated birth year", weightBirthEstSame})
	case estimated && dy == 1:
		return append(out, Reason{"birth_year_estimated_pm1", "estimated birth year ±1", weightBirthEstNear})
	case estimated && dy == 2:
		return append(out, Reason{"birth_year_estimated_pm2", "estimated birth year ±2", weightBirthEstFar})
	case dy == 0 && a.month == b.day && a.day == b.month:
		return append(out, Reason{"birth_date_day_month_swapped", "day and month swapped", weightBirthSwapped})
	case dy == 1 && sameDay:
		return append(out, Reason{"birth_year_pm1", "birth year ±1", weightBirthYearTypo})
	case dy == 0:
		return append(out, Reason{"birth_year_same", "same birth year", weightBirthYearSame})
	case dy == 1:
		return append(out, Reason{"birth_year_pm1_other", "birth year ±1, other day", weightBirthYearPM1})
	case estimated && dy <= 5:
		return append(out, Reason{"birth_year_estimated_apart", yearsApart("estimated birth years ", dy), weightBirthEstApart})
	case dy >= 12:
		return append(out, Reason{"birth_date_far", yearsApart("born ", dy), weightBirthFar})
	}
	return append(out, Reason{"birth_date_apart", yearsApart("born ", dy), weightBirthApart})
}

func yearsApart(prefix string, dy int) string {
	return prefix + strconv.Itoa(dy) + " years apart"
}
