package change

import "slices"

// Wins reports whether a write stamped a beats one stamped b.
//
// The rule: the later hybrid-logical-clock reading wins; equal readings (two
// devices in the same millisecond and counter) are broken by the larger device
// id. Stamps are unique, so exactly one of Wins(a, b) and Wins(b, a) holds for
// a != b, and every replica picks the same winner whatever order writes arrive.
func Wins(a, b Stamp) bool { return a.Compare(b) > 0 }

// Version is one write of a field as a record keeps it.
type Version struct {
	Value    string
	Stamp    Stamp
	Base     Stamp
	Resolves []Stamp
}

// Field is every version of one field a replica has received, sorted by stamp.
// Keeping them all makes the merged value and the conflict set a function of
// the set of writes, so merge is commutative, associative and idempotent.
type Field struct {
	Versions []Version
}

// Add merges one version into the field. It returns false when the field
// already holds a version with the same stamp (a duplicate delivery).
func (f *Field) Add(v Version) bool {
	i, found := slices.BinarySearchFunc(f.Versions, v.Stamp, func(x Version, s Stamp) int {
		return x.Stamp.Compare(s)
	})
	if found {
		return false
	}
	f.Versions = slices.Insert(f.Versions, i, v)
	return true
}

// Winner returns the version whose stamp wins over all others.
func (f Field) Winner() Version {
	if len(f.Versions) == 0 {
		return Version{}
	}
	return f.Versions[len(f.Versions)-1]
}

// Value returns the winning value ("" for a field never written).
func (f Field) Value() string { return f.Winner().Value }

// Stamp returns the winning stamp, which an author's next write names as base.
func (f Field) Stamp() Stamp { return f.Winner().Stamp }

// Heads returns the versions that no other version supersedes: none names
// them as its base or among what it resolves. Concurrent edits of one field
// leave more than one head.
func (f Field) Heads() []Version {
	superseded := make(map[Stamp]bool)
	for _, v := range f.Versions {
		superseded[v.Base] = true
		for _, r := range v.Resolves {
			superseded[r] = true
		}
	}
	var heads []Version
	for _, v := range f.Versions {
		if !superseded[v.Stamp] {
			heads = append(heads, v)
		}
	}
	return heads
}

// Conflicts returns the heads other than the winner whose value differs from
// the winner's: values written concurrently that lost by stamp. They stay
// until someone resolves them with a write naming them in Resolves.
func (f Field) Conflicts() []Version {
	winner := f.Winner()
	var lost []Version
	for _, h := range f.Heads() {
		if h.Stamp != winner.Stamp && h.Value != winner.Value {
			lost = append(lost, h)
		}
	}
	return lost
}

// Apply merges a change's writes into a record's fields and reports whether
// anything was new. The caller checks Validate first.
func Apply(fields map[string]Field, c Change) bool {
	changed := false
	for _, w := range c.Writes {
		f := fields[w.Field]
		if f.Add(Version{Value: w.Value, Stamp: c.Stamp, Base: w.Base, Resolves: w.Resolves}) {
			changed = true
		}
		fields[w.Field] = f
	}
	return changed
}
