package match

// FullScan compares every pair of persons, with no blocking: the reference
// that blocking is tested against.
func FullScan(persons []Person, cfg Config) []Match {
	profiles := make([]*profile, len(persons))
	cache := newFieldCache()
	for i, p := range persons {
		profiles[i] = newProfile(p, cache)
	}
	counts := newNameCounts()
	for _, p := range profiles {
		counts.add(p, 1)
	}
	var out []Match
	for i, a := range profiles {
		for _, b := range profiles[i+1:] {
			if m := compareProfiles(a, b, cfg, nil, counts, false); m.Level >= Possible {
				out = append(out, m)
			}
		}
	}
	return out
}

// DistinctNames reports whether namegroups.txt holds two spellings, each
// written as a name field, for two different names.
func DistinctNames(a, b string) bool {
	fa, fb := prepareField(a), prepareField(b)
	ja, jb := fa.joinedOrOnly(), fb.joinedOrOnly()
	return ja != nil && jb != nil && relation(*ja, *jb) == distinctNames
}
