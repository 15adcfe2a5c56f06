package corpus

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry/match"
)

// Quality is how well predicted pairs agree with the truth.
type Quality struct {
	Predicted, True, Correct int
	Precision, Recall, F1    float64
}

func (q Quality) String() string {
	return fmt.Sprintf("precision %.4f recall %.4f F1 %.4f (%d predicted, %d true, %d correct)",
		q.Precision, q.Recall, q.F1, q.Predicted, q.True, q.Correct)
}

// Evaluation measures matching on a corpus at both levels.
type Evaluation struct {
	Likely   Quality       // Likely pairs taken as the predicted duplicates
	Possible Quality       // Possible-and-above pairs taken as predicted
	Misses   []Pair        // true pairs not found at Likely
	False    []match.Match // Likely pairs that are not true
}

// Evaluate indexes the corpus with cfg and scores every pair found against
// the truth.
func (c Corpus) Evaluate(cfg match.Config) Evaluation {
	ix := match.NewIndex(cfg)
	ix.PutAll(c.Persons)
	return c.Score(ix.Pairs())
}

// Score compares pairs found by any means with the corpus's truth.
func (c Corpus) Score(found []match.Match) Evaluation {
	truth := make(map[[2]uuid.UUID]bool, len(c.Duplicates))
	for _, p := range c.Duplicates {
		truth[key(p.A, p.B)] = true
	}
	var e Evaluation
	likelyFound := make(map[[2]uuid.UUID]bool)
	var likely, possible Quality
	for _, m := range found {
		k := key(m.A, m.B)
		possible.Predicted++
		if truth[k] {
			possible.Correct++
		}
		if m.Level == match.Likely {
			likely.Predicted++
			if truth[k] {
				likely.Correct++
				likelyFound[k] = true
			} else {
				e.False = append(e.False, m)
			}
		}
	}
	for _, p := range c.Duplicates {
		if !likelyFound[key(p.A, p.B)] {
			e.Misses = append(e.Misses, p)
		}
	}
	likely.True, possible.True = len(truth), len(truth)
	e.Likely, e.Possible = likely.ratios(), possible.ratios()
	return e
}

func (q Quality) ratios() Quality {
	if q.Predicted > 0 {
		q.Precision = float64(q.Correct) / float64(q.Predicted)
	}
	if q.True > 0 {
		q.Recall = float64(q.Correct) / float64(q.True)
	}
	if q.Precision+q.Recall > 0 {
		q.F1 = 2 * q.Precision * q.Recall / (q.Precision + q.Recall)
	}
	return q
}

func key(a, b uuid.UUID) [2]uuid.UUID {
	if string(b[:]) < string(a[:]) {
		a, b = b, a
	}
	return [2]uuid.UUID{a, b}
}
