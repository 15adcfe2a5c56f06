package match

import "math"

// nameCounts counts, per name, the persons whose given or family name it is:
// the u-probability of Fellegi and Sunter for agreeing on that name. Two
// records sharing a name that one person in two hundred has are more likely
// one person than two records sharing "Mohammed", which one man in ten has.
//
// A name's weight moves from its field's usual weight by log2(ū/u): u is the
// name's share of persons, ū the share of the name a random person shares
// with another (what the fixed weights assume). So a name of ordinary
// frequency keeps the usual weight, a common one loses, a rare one gains,
// and the thresholds keep their meaning in any workspace.
//
// Small workspaces say little about frequencies, so both shares are
// smoothed towards a prior worth nameCountsPrior persons: shareTypical for
// most names, shareCommon for the names namegroups.txt marks commonest.
// With nothing counted (Compare on its own) only the prior speaks.
type nameCounts struct {
	counts  map[uint32]int32 // by nameToken.key
	persons int
	tokens  int   // the sum of counts
	sumSq   int64 // the sum of squared counts
}

const (
	nameCountsPrior = 200
	shareTypical    = 0.005
	shareCommon     = 0.04
	// The adjustment is bounded: frequencies are estimates, and a name
	// shared is never proof.
	adjustFloor   = -1
	adjustCeiling = 0
	// adjustFloorBoth bounds the given and family adjustments together.
	adjustFloorBoth = -1.5
	// adjustShown is the least adjustment worth a reason of its own.
	adjustShown = 0.25
)

func newNameCounts() *nameCounts { return &nameCounts{counts: make(map[uint32]int32)} }

// add counts p's names once each (delta 1), or uncounts them (delta -1).
func (nc *nameCounts) add(p *profile, delta int32) {
	var seen [16]uint32
	n := 0
	nc.persons += int(delta)
	for _, f := range []nameField{p.given, p.family} {
		for _, t := range f.tokens {
			if t.key == 0 || n == len(seen) {
				continue
			}
			dup := false
			for _, s := range seen[:n] {
				dup = dup || s == t.key
			}
			if dup {
				continue
			}
			seen[n] = t.key
			n++
			c := nc.counts[t.key]
			nc.sumSq += int64(delta) * (2*int64(c) + int64(delta)) // (c+d)² - c²
			nc.tokens += int(delta)
			c += delta
			if c <= 0 {
				delete(nc.counts, t.key)
			} else {
				nc.counts[t.key] = c
			}
		}
	}
}

func (nc *nameCounts) share(t nameToken) float64 {
	prior := shareTypical
	if t.common {
		prior = shareCommon
	}
	if nc == nil {
		return prior
	}
	var c float64
	if t.key != 0 {
		c = float64(nc.counts[t.key])
	}
	return (c + nameCountsPrior*prior) / float64(nc.persons+nameCountsPrior)
}

// reference is ū, smoothed like the shares.
func (nc *nameCounts) reference() float64 {
	if nc == nil || nc.tokens == 0 {
		return shareTypical
	}
	data := float64(nc.sumSq) / (float64(nc.tokens) * float64(max(nc.persons, 1)))
	return (float64(nc.persons)*data + nameCountsPrior*shareTypical) / float64(nc.persons+nameCountsPrior)
}

// adjust is the change to an agreeing name field's weight: the mean over the
// words of the shorter field (both when as long) of log2(ū/u), bounded.
func (nc *nameCounts) adjust(x, y nameField) float64 {
	ref := nc.reference()
	mean := func(ts []nameToken) float64 {
		sum := 0.0
		for _, t := range ts {
			sum += math.Log2(ref / nc.share(t))
		}
		return sum / float64(len(ts))
	}
	var a float64
	switch {
	case len(x.tokens) < len(y.tokens):
		a = mean(x.tokens)
	case len(y.tokens) < len(x.tokens):
		a = mean(y.tokens)
	default:
		a = (mean(x.tokens) + mean(y.tokens)) / 2
	}
	a = min(max(a, adjustFloor), adjustCeiling)
	return math.Round(a*4) / 4 // quarter bits: reasons read better, sums stay exact
}
