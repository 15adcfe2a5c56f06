package hq

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry/match"
)

// DuplicatePair is a pair of persons, possibly from different devices and
// sites, that may be one person registered twice.
type DuplicatePair struct {
	Level   string   `json:"level"`
	Score   float64  `json:"score"`
	A       Person   `json:"a"`
	B       Person   `json:"b"`
	Reasons []string `json:"reasons"`
}

// Person is what an operator needs to tell two registrations apart.
type Person struct {
	ID        string `json:"id"`
	Household string `json:"household_id"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date"`
}

// Duplicates lists the likely and possible duplicate pairs over every
// device's records, best first. Pairs a supervisor dismissed or merged on
// any device are left out once their decision has synced.
func (s *Server) Duplicates() ([]DuplicatePair, error) {
	var out []DuplicatePair
	for _, m := range s.dups.Pairs() {
		a, err := s.person(m.A)
		if err != nil {
			return nil, err
		}
		b, err := s.person(m.B)
		if err != nil {
			return nil, err
		}
		p := DuplicatePair{Level: m.Level.String(), Score: m.Score, A: a, B: b}
		for _, r := range m.Reasons {
			p.Reasons = append(p.Reasons, r.Text)
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *Server) person(id uuid.UUID) (Person, error) {
	rec, err := s.ws.Get(id)
	if err != nil {
		return Person{}, fmt.Errorf("duplicates: read person %s: %w", id, err)
	}
	var name []string
	for _, f := range []string{match.FieldGivenName, match.FieldFamilyName, match.FieldOtherNames} {
		if v := rec.Value(f); v != "" {
			name = append(name, v)
		}
	}
	return Person{ID: id.String(), Household: rec.Value(match.FieldHouseholdID), Name: strings.Join(name, " "), BirthDate: rec.Value(match.FieldBirthDate)}, nil
}
