package main

import (
	"fmt"
	"os"

	"fieldreg/exchange"
)

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import")
	csvFile := fs.String("csv", "", "the beneficiary list, CSV in UTF-8 (comma or semicolon)")
	mappingFile := fs.String("mapping", "", "JSON `file` mapping CSV columns to field names, for another agency's layout")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	if *csvFile == "" {
		return usagef("--csv is required")
	}
	var mapping exchange.Mapping
	if *mappingFile != "" {
		data, err := os.ReadFile(*mappingFile)
		if err != nil {
			return fmt.Errorf("mapping: %w", err)
		}
		if mapping, err = exchange.ParseMapping(data); err != nil {
			return fmt.Errorf("mapping %s: %w", *mappingFile, err)
		}
	}
	forms, err := e.forms()
	if err != nil {
		return err
	}
	f, err := os.Open(*csvFile)
	if err != nil {
		return err
	}
	defer f.Close()
	households, rowErrors, err := exchange.ReadCSV(f, mapping, forms, e.now())
	if err != nil {
		return fmt.Errorf("%s: %w", *csvFile, err)
	}
	refusedLines := make(map[int]bool)
	for _, re := range rowErrors {
		fmt.Fprintf(e.stderr, "fieldctl: line %d: %s: %s\n", re.Line, re.Field, re.Message)
		refusedLines[re.Line] = true
	}
	return e.withWorkspace(func(s *session) error {
		var tally tally
		b := &batcher{
			ws:     s.ws,
			stored: func(p planned) { countStored(&tally, p) },
			refused: func(p planned, err error) {
				tally.refused++
				printProblems(e, s.forms, p, err)
			},
		}
		prog := newProgress(e.stderr, e.now, "imported", len(households), "households")
		now := e.now()
		for i, h := range households {
			p, err := plan(s, h, fmt.Sprintf("household %d", i+1), now)
			if err != nil {
				b.refused(p, err)
			} else if err := b.add(p); err != nil {
				return err
			}
			prog.update(i + 1)
		}
		if err := b.flush(); err != nil {
			return err
		}
		prog.done(len(households))
		fmt.Fprintf(e.stdout, "imported %s; %s refused\n", tally, plural(len(refusedLines)+tally.refused, "row"))
		if len(refusedLines) > 0 || tally.refused > 0 {
			return fmt.Errorf("some rows were refused (see above); the others were imported")
		}
		return nil
	})
}

func countStored(t *tally, p planned) {
	for _, ed := range p.edits {
		t.count(ed.Kind)
	}
}
