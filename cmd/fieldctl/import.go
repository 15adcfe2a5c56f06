package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/registry"
)

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import")
	csvFile := fs.String("csv", "", "the beneficiary list, CSV in UTF-8 (comma, semicolon or tab)")
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
	now := e.now()
	reader, err := exchange.NewCSVReader(f, mapping, forms, now)
	if err != nil {
		// Column problems are found before the passphrase is asked for.
		return fmt.Errorf("%s: %w", *csvFile, err)
	}
	return e.withWorkspace(func(s *session) error {
		im := &importer{e: e, s: s, reader: reader, now: now, tally: newTally(), households: make(map[string]uuid.UUID)}
		return im.run()
	})
}

// importer imports a beneficiary list row by row: a row the rules refuse is
// reported by its line and left out, the rest of its household imported,
// unless the household as a whole cannot stand (its own fields refused, or
// no single head once the bad rows are out). It holds one household at a
// time; what it keeps for the whole file is one id per household key of the
// other agency, so rows of one household apart in the file join it.
type importer struct {
	e      *env
	s      *session
	reader *exchange.CSVReader
	now    time.Time

	batch      *batcher
	tally      *tally
	households map[string]uuid.UUID // the other agency's household key → our id
	lastLine   int                  // the last line of the households handled so far
	reported   int                  // reader errors printed so far
}

func (im *importer) run() error {
	im.batch = &batcher{
		ws:     im.s.ws,
		stored: func(p planned) { im.tally.countAll(p) },
		refused: func(p planned, err error) {
			printProblems(im.e, im.s.forms, p, err)
		},
	}
	prog := newProgress(im.e.stderr, im.e.now, "read", -1, "rows")
	ctx, stop := im.e.interruptible()
	defer stop()
	for {
		if ctx.Err() != nil {
			return im.stop()
		}
		h, err := im.reader.Next()
		im.printRowErrors()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read csv: %w", err)
		}
		if err := im.add(h); err != nil {
			return err
		}
		prog.update(im.reader.Rows())
	}
	if err := im.batch.flush(); err != nil {
		return err
	}
	prog.done(im.reader.Rows())
	if n := im.reader.Dropped(); n > 0 {
		fmt.Fprintf(im.e.stderr, "fieldctl: %s more line problems not shown\n", thousands(n))
	}
	refused := im.reader.Rows() - im.tally.persons
	fmt.Fprintf(im.e.stdout, "imported %s; %s refused\n", im.tally, plural(refused, "row"))
	if refused > 0 {
		return fmt.Errorf("%s refused (see above); the others were imported", plural(refused, "row"))
	}
	return nil
}

// stop ends an interrupted import: what was handled is committed, and the
// user learns which line to resume after.
func (im *importer) stop() error {
	if err := im.batch.flush(); err != nil {
		return err
	}
	fmt.Fprintf(im.e.stdout, "imported %s\n", im.tally)
	return fmt.Errorf("%w: the rows up to line %d were handled; the rows after it were not imported", errInterrupted, im.lastLine)
}

// add plans one household of the list and queues what may be stored.
func (im *importer) add(h exchange.Household) error {
	label := fmt.Sprintf("line %d", h.Line)
	im.lastLine = max(im.lastLine, h.Line)
	for _, m := range h.Members {
		im.lastLine = max(im.lastLine, m.Line)
	}
	if h.ID == "" && h.Key != "" {
		// The other agency's household key: rows of one household that are
		// not next to each other join the same household.
		id, seen := im.households[h.Key]
		if seen {
			// Its earlier rows must be stored before the head check sees them.
			if err := im.batch.flush(); err != nil {
				return err
			}
		} else {
			id = registry.NewID()
			im.households[h.Key] = id
		}
		h.ID = id.String()
	}
	hp, err := planHousehold(im.s, h, im.now)
	if err != nil {
		im.refuse(label, err)
		return nil
	}
	// Planned members are the household's members in order; their ids, new
	// ones included, lead back to the lines they were read from.
	lines := make(map[uuid.UUID]int, len(hp.members))
	for i, m := range hp.members {
		lines[m.edit.Record] = h.Members[i].Line
	}
	// The household's own fields come from every row: if they are refused,
	// so are all its rows.
	if hp.household.invalid != nil {
		im.batch.refused(hp.ready(label), hp.household.invalid)
		return nil
	}
	// A member the rules refuse is reported at its line and left out.
	kept := hp.members[:0:0]
	for _, m := range hp.members {
		if m.invalid != nil {
			im.printRecordProblems(lines[m.edit.Record], m)
			continue
		}
		kept = append(kept, m)
	}
	hp.members = kept
	if err := hp.headProblem(); err != nil {
		im.batch.refused(hp.ready(linesLabel(hp, lines)), err)
		return nil
	}
	return im.batch.add(hp.ready(label))
}

// printRecordProblems reports a refused member at the line it came from,
// which names it better than its new id.
func (im *importer) printRecordProblems(line int, m recordPlan) {
	for _, l := range problemLines(m.invalid, im.s.forms, map[uuid.UUID]string{m.edit.Record: ""}) {
		fmt.Fprintf(im.e.stderr, "fieldctl: line %d: %s\n", line, l)
	}
}

// linesLabel names a whole refused household by the lines of its rows.
func linesLabel(hp householdPlan, lineOf map[uuid.UUID]int) string {
	var lines []int
	for _, m := range hp.members {
		if line, ok := lineOf[m.edit.Record]; ok {
			lines = append(lines, line)
		}
	}
	slices.Sort(lines)
	switch len(lines) {
	case 0:
		return "household"
	case 1:
		return fmt.Sprintf("line %d", lines[0])
	}
	return fmt.Sprintf("lines %s", joinInts(lines))
}

func (im *importer) refuse(label string, err error) {
	fmt.Fprintf(im.e.stderr, "fieldctl: %s: %v\n", label, err)
}

// printRowErrors prints the reader's complaints about lines found since the
// last call. They name line, field and rule, never a value.
func (im *importer) printRowErrors() {
	errs := im.reader.Errors()
	for _, re := range errs[im.reported:] {
		fmt.Fprintf(im.e.stderr, "fieldctl: %s\n", re.Error())
	}
	im.reported = len(errs)
}

func joinInts(ns []int) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(n)
	}
	return s
}
