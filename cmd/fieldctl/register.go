package main

import (
	"fmt"
	"io"
	"os"

	"fieldreg/exchange"
	"fieldreg/registry"
)

func runRegister(e *env, args []string) error {
	fs := newFlags(e, "register")
	file := fs.String("file", "", "households with members as JSON, the export's shape (- for stdin)")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	if *file == "" {
		return usagef("--file is required")
	}
	forms, err := e.forms()
	if err != nil {
		return err
	}
	// Malformed input is refused before the passphrase is even asked for.
	households, err := decodeHouseholdsFile(e, *file, forms)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		return registerAll(e, s, households)
	})
}

func decodeHouseholdsFile(e *env, name string, forms *registry.Forms) ([]exchange.Household, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	hh, err := exchange.DecodeHouseholds(r, forms)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return hh, nil
}

// registerAll validates and stores households, each all or nothing, and
// reports the refused ones by position and field.
func registerAll(e *env, s *session, households []exchange.Household) error {
	var tally tally
	b := &batcher{
		ws: s.ws,
		stored: func(p planned) {
			for _, ed := range p.edits {
				fmt.Fprintf(e.stdout, "%s\t%s\n", ed.Record, ed.Kind)
				tally.count(ed.Kind)
			}
		},
		refused: func(p planned, err error) {
			tally.refused++
			printProblems(e, s.forms, p, err)
		},
	}
	now := e.now()
	for i, h := range households {
		p, err := plan(s, h, fmt.Sprintf("household %d", i+1), now)
		if err != nil {
			b.refused(p, err)
			continue
		}
		if err := b.add(p); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "registered %s\n", tally)
	if tally.refused > 0 {
		return fmt.Errorf("%d of %d households refused, nothing of them stored", tally.refused, len(households))
	}
	return nil
}

// tally counts what a bulk command stored.
type tally struct {
	households, persons, assessments int
	refused                          int
}

func (t *tally) count(kind string) {
	switch kind {
	case registry.KindHousehold:
		t.households++
	case registry.KindPerson:
		t.persons++
	case registry.KindAssessment:
		t.assessments++
	}
}

func (t tally) String() string {
	s := fmt.Sprintf("%s in %s", plural(t.persons, "person"), plural(t.households, "household"))
	if t.assessments > 0 {
		s += ", " + plural(t.assessments, "assessment")
	}
	return s
}
