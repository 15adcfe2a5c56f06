package match

// birthDate is a parsed YYYY-MM-DD; year 0 means unknown or unreadable.
type birthDate struct {
	year, month, day int
	estimated        bool
}

func parseBirthDate(s string, estimated bool) birthDate {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return birthDate{}
	}
	num := func(part string) int {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y <= 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return birthDate{}
	}
	return birthDate{year: y, month: m, day: d, estimated: estimated}
}

func (d birthDate) known() bool { return d.year != 0 }
