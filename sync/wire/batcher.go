package wire

// Batcher sizes push batches, in bytes, to the link. A batch that gets
// through grows the next one; a batch cut off halves it, so a bad link
// loses at most a small batch and a good one is not held back by round trips.
// A Batcher is not safe for concurrent use; a sync session owns one.
type Batcher struct {
	min, size, max int
}

// NewBatcher returns a batcher starting at start bytes and staying within
// [min, max]. Nonsense bounds are put in order rather than refused.
func NewBatcher(min, start, max int) *Batcher {
	if min < 1 {
		min = 1
	}
	if max < min {
		max = min
	}
	return &Batcher{min: min, size: clamp(start, min, max), max: max}
}

// Size is the byte budget for the next batch.
func (b *Batcher) Size() int { return b.size }

// Success doubles the next batch, up to the maximum.
func (b *Batcher) Success() {
	if b.size > b.max/2 {
		b.size = b.max
		return
	}
	b.size *= 2
}

// Cut halves the next batch, down to the minimum.
func (b *Batcher) Cut() { b.size = clamp(b.size/2, b.min, b.max) }

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
