package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/store"
)

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import")
	csvFile := fs.String("csv", "", "the beneficiary list, CSV in UTF-8 (comma, semicolon or tab)")
	encoding := fs.String("encoding", "", "the list's character `encoding` when it is not UTF-8: windows-1252, iso-8859-1, ... (UTF-16 with a byte-order mark is recognized)")
	mappingFile := fs.String("mapping", "", "JSON `file` mapping CSV columns to field names, for another agency's layout")
	update := fs.Bool("update", false, "write over records the list names by id (or by a household key imported before) without the version an export gives them")
	asJSON := fs.Bool("json", false, "report likely duplicates of the persons added as JSON objects on stdout")
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
	in, err := listReader(f, *encoding)
	if err != nil {
		return fmt.Errorf("%s: %w", *csvFile, err)
	}
	now := e.now()
	reader, err := exchange.NewCSVReader(in, mapping, forms, now)
	if err != nil {
		// Column and encoding problems are found before the passphrase is asked for.
		return fmt.Errorf("%s: %w", *csvFile, encodingHint(err))
	}
	dups := newAddedDuplicates()
	return e.withWorkspace(func(s *session) error {
		im := &importer{e: e, s: s, reader: reader, now: now, update: *update, tally: newTally(),
			households: make(map[string]uuid.UUID), keys: &externalKeys{ws: s.ws}, dups: dups}
		err := im.run()
		// What was stored is reported even when some rows were not.
		if rerr := dups.report(e, s, *asJSON); err == nil {
			err = rerr
		}
		return err
	}, dups.idx)
}

// listReader returns the list as UTF-8 text: transcoded from the named
// encoding, or else checked from end to end first, so that a file that is
// not UTF-8 is refused before any of it is imported.
func listReader(f *os.File, encoding string) (io.Reader, error) {
	if encoding != "" {
		return exchange.Transcode(f, encoding)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return f, nil // a pipe is read once: the reader still stops at a bad byte
	}
	if err := exchange.CheckEncoding(f); err != nil {
		return nil, encodingHint(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return f, nil
}

// encodingHint adds to a "not UTF-8" error what the user can do about it.
func encodingHint(err error) error {
	if errors.Is(err, exchange.ErrNotUTF8) {
		return fmt.Errorf("%w — save it as UTF-8, or pass --encoding windows-1252", err)
	}
	return err
}

// importer imports a beneficiary list row by row: a row the rules refuse is
// reported by its line and left out, the rest of its household imported,
// unless the household as a whole cannot stand (its own fields refused, or
// no single head once the bad rows are out). It holds one household at a
// time; what it keeps for the whole file is one id per household key of the
// other agency, so rows of one household apart in the file join it.
//
// The keys are also kept in the workspace, on each household
// (registry.FieldExternalKey): importing the list again, or the rest of it
// after a failure, finds the households it made, and their members by
// their values, instead of making them twice.
type importer struct {
	e      *env
	s      *session
	reader *exchange.CSVReader
	now    time.Time
	update bool // --update

	batch      *batcher
	tally      *tally
	households map[string]uuid.UUID            // the other agency's household key → our id, made by this run
	keys       *externalKeys                   // the keys of households stored
	dups       *addedDuplicates                // the persons stored, for the duplicates report
	gone       map[uuid.UUID][]registry.Record // deleted persons by household; nil until needed
	lastLine   int                             // the last line of the households handled so far
	savedLine  int                             // the last line of the households stored so far
}

func (im *importer) run() error {
	im.batch = &batcher{
		ws: im.s.ws,
		stored: func(p planned) {
			im.savedLine = max(im.savedLine, p.line)
			im.tally.countAll(p)
			for _, rp := range p.records {
				im.keys.stored(rp)
			}
			im.dups.note(p)
			printConflicts(im.e, p)
		},
		refused: func(p planned, err error) {
			printProblems(im.e, im.s.forms, p, err)
		},
	}
	prog := newProgress(im.e.stderr, im.e.now, "read", -1, "rows")
	ctx, stop := im.e.interruptible()
	defer stop()
	// The file is read and checked on another goroutine, a few households
	// ahead, while this one plans and commits: the two halves of an import
	// then use both cores. What was read ahead but not handled when Ctrl-C
	// comes is dropped, its problems unreported, as if never read.
	rd := startReading(im.reader)
	defer rd.stop()
	var last read
	for {
		if ctx.Err() != nil {
			return im.stop()
		}
		r := <-rd.households
		im.printRowErrors(r.problems)
		if errors.Is(r.err, io.EOF) {
			last = r
			break
		}
		if r.err != nil {
			return fmt.Errorf("read csv: %w", encodingHint(r.err))
		}
		if err := im.add(r.household); err != nil {
			return im.stopped(err)
		}
		prog.update(r.rows)
	}
	if err := im.batch.flush(); err != nil {
		return im.stopped(err)
	}
	prog.done(last.rows)
	if last.dropped > 0 {
		fmt.Fprintf(im.e.stderr, "fieldctl: %s more line problems not shown\n", thousands(last.dropped))
	}
	refused := last.rows - im.tally.persons
	fmt.Fprintf(im.e.stdout, "imported %s; %s refused\n%s\n", im.tally, plural(refused, "row"), im.tally.outcomes())
	if refused > 0 {
		return fmt.Errorf("%s refused (see above); the others were imported", plural(refused, "row"))
	}
	return nil
}

// readAhead is how many households the reading goroutine may have read
// before the importer handles them: enough to keep both goroutines busy,
// few enough that memory does not grow with the file.
const readAhead = 64

// read is one household of the list as the reader found it, with what the
// reader had to say about the lines up to it.
type read struct {
	household exchange.Household
	err       error               // io.EOF after the last household
	problems  []exchange.RowError // found since the previous household
	rows      int                 // data rows read so far
	dropped   int                 // row problems beyond those the reader keeps
}

// reading reads a list on its own goroutine. Only that goroutine touches
// the reader until stop returns.
type reading struct {
	households <-chan read
	quit       chan struct{}
	finished   chan struct{}
}

func startReading(cr *exchange.CSVReader) *reading {
	out := make(chan read, readAhead)
	rd := &reading{households: out, quit: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(rd.finished)
		reported := 0
		var problems []exchange.RowError // found, not yet handed over
		for {
			select {
			case <-rd.quit:
				return
			default:
			}
			h, err := cr.Next()
			errs := cr.Errors()
			problems = append(problems, errs[reported:]...)
			reported = len(errs)
			r := read{household: h, err: err, rows: cr.Rows(), dropped: cr.Dropped()}
			if err == nil {
				// The reader may have read past the household to find its
				// end: problems on those later lines go with the next one,
				// so that they come after the household's own.
				last := lastLine(h)
				i := 0
				for i < len(problems) && problems[i].Line <= last {
					i++
				}
				r.problems, problems = problems[:i:i], slices.Clone(problems[i:])
			} else {
				r.problems, problems = problems, nil
			}
			select {
			case out <- r:
			case <-rd.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return rd
}

// stop ends the reading goroutine and waits for it, so that the file can be
// closed and nothing reads it any more.
func (rd *reading) stop() {
	close(rd.quit)
	<-rd.finished
}

// stop ends an interrupted import: what was handled is committed, and the
// user learns which line to resume after.
func (im *importer) stop() error {
	if err := im.batch.flush(); err != nil {
		return im.stopped(err)
	}
	fmt.Fprintf(im.e.stdout, "imported %s\n%s\n", im.tally, im.tally.outcomes())
	return fmt.Errorf("%w: the rows up to line %d were handled; the rows after it were not imported", errInterrupted, im.lastLine)
}

// add plans one household of the list and queues what may be stored.
func (im *importer) add(h exchange.Household) error {
	label := fmt.Sprintf("line %d", h.Line)
	im.lastLine = max(im.lastLine, lastLine(h))
	in := intake{update: im.update}
	key, err := im.keys.textKey(h)
	if err != nil {
		return err
	}
	if key != "" {
		// A row of its own, neither id nor key: found by its text if an
		// earlier import stored it.
		id, seen, err := im.keys.lookup(key)
		if errors.Is(err, errGone) {
			im.refuse(label, err)
			return nil
		}
		if err != nil {
			return err
		}
		if seen {
			records, err := unchanged(im.s, id)
			if err != nil {
				return err
			}
			im.batch.stored(planned{label: label, records: records, line: lastLine(h)})
			return nil
		}
		h.Fields[registry.FieldExternalKey] = key
	}
	if h.ID == "" && h.Key != "" {
		id, err := im.keyed(h, &in)
		if errors.Is(err, errGone) {
			im.refuse(label, err)
			return nil
		}
		if err != nil {
			return err
		}
		h.ID = id.String()
		h.Fields[registry.FieldExternalKey] = h.Key
		if h.Members, err = im.matchMembers(id, h.Members); err != nil {
			return err
		}
	}
	hp, err := planHousehold(im.s, h, in, im.now)
	if err != nil {
		im.refuse(label, err)
		return nil
	}
	// Planned members are the household's members in order; their ids, new
	// ones included, lead back to the lines they were read from.
	lines := make(map[uuid.UUID]int, len(hp.Members))
	for i, m := range hp.Members {
		lines[m.Edit.Record] = h.Members[i].Line
	}
	// The household's own fields come from every row: if they are refused,
	// so are all its rows.
	if hp.Household.Invalid != nil {
		im.batch.refused(hp.ready(label), hp.Household.Invalid)
		return nil
	}
	// A member the rules refuse is reported at its line and left out.
	kept := hp.Members[:0:0]
	for _, m := range hp.Members {
		if m.Invalid != nil {
			im.printRecordProblems(lines[m.Edit.Record], m)
			continue
		}
		kept = append(kept, m)
	}
	hp.Members = kept
	if err := hp.HeadProblem(); err != nil {
		im.batch.refused(hp.ready(linesLabel(hp, lines)), err)
		return nil
	}
	p := hp.ready(label)
	p.line = lastLine(h)
	return im.batch.add(p)
}

// stopped explains an import the workspace could not take any further (a
// full disk, its size limit, a write error): how far it got, that what it
// got is saved, and that running it again continues — the households stored
// are found again by their ids and the other agency's keys, and left as
// they are.
func (im *importer) stopped(err error) error {
	var cause, fix string
	switch {
	case errors.Is(err, syscall.ENOSPC):
		cause, fix = "the disk is full", "free some space"
	case errors.Is(err, store.ErrTooLarge):
		cause, fix = "the workspace reached its size limit", "make room (archive or erase what is no longer needed) or raise the limit"
	default:
		cause, fix = "the import stopped", "fix what the error at the end says"
	}
	n := len(im.tally.households)
	if n == 0 {
		return fmt.Errorf("%s before any household was stored; nothing was saved: %s and run the same import again: %w", cause, fix, err)
	}
	return fmt.Errorf("%s after %s (the list's rows up to line %s); those %s are saved: %s and run the same import again — it will continue after them without adding them twice: %w",
		cause, plural(n, "household"), thousands(im.savedLine), thousands(n), fix, err)
}

// keyed returns the id of the household of the other agency's key: the one
// this run made for earlier rows, the one an earlier import made, or a new
// one. A household made by this run takes its later rows as its first.
func (im *importer) keyed(h exchange.Household, in *intake) (uuid.UUID, error) {
	if id, seen := im.households[h.Key]; seen {
		// Its earlier rows must be stored before the head check sees them.
		in.own = true
		return id, im.batch.flush()
	}
	id, ok, err := im.keys.lookup(h.Key)
	if err != nil {
		return id, err
	}
	if !ok {
		id = registry.NewIDFor(im.s.ws.Device())
		in.own = true
	}
	im.households[h.Key] = id
	return id, nil
}

// matchMembers gives the rows of a stored household that name no person the
// ids of the members they repeat: a row whose every value is a stored
// member's is that member, read again. Each member is matched once. A row
// that repeats a member deleted since (or merged into another as a
// duplicate) is left out, said so, and counted as already there: importing
// the list again must not bring the person back.
//
// A member made from a row keeps the digest of the row's values
// (registry.FieldExternalKey): the same row read again is that member even
// after its values were corrected here, and is left as it is — matching by
// values alone made such a row a second person, or a second head.
func (im *importer) matchMembers(household uuid.UUID, rows []exchange.Doc) ([]exchange.Doc, error) {
	keys := make([]string, len(rows))
	for i, row := range rows {
		if row.ID != "" {
			continue
		}
		key, err := im.memberKey(row)
		if err != nil {
			return nil, err
		}
		keys[i] = key
	}
	if _, ok := im.s.ws.Kind(household); !ok {
		for i := range rows {
			if keys[i] != "" {
				rows[i].Fields[registry.FieldExternalKey] = keys[i]
			}
		}
		return rows, nil
	}
	stored, err := members(im.s, household)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]registry.Record)
	for _, rec := range stored {
		if key := rec.Value(registry.FieldExternalKey); key != "" {
			byKey[key] = rec
		}
	}
	gone, err := im.deletedMembers()
	if err != nil {
		return nil, err
	}
	stored = append(stored, gone[household]...)
	taken := make(map[uuid.UUID]bool)
	for _, m := range rows {
		if id, err := uuid.Parse(m.ID); err == nil {
			taken[id] = true
		}
	}
	kept := rows[:0:0]
	for i, row := range rows {
		if rec, ok := byKey[keys[i]]; ok && keys[i] != "" && !taken[rec.ID] {
			// Read again: what was stored from it stays as it is now.
			taken[rec.ID] = true
			im.tally.count(ops.Planned{Edit: store.Edit{Record: rec.ID, Kind: rec.Kind}, After: rec, Outcome: ops.Unchanged})
			continue
		}
		if row.ID == "" {
			for _, rec := range stored {
				if !taken[rec.ID] && holds(rec, row.Fields) {
					row.ID = rec.ID.String()
					taken[rec.ID] = true
					break
				}
			}
		}
		if rec, ok := find(stored, row.ID); ok && rec.Deleted() {
			// Accounted for: deleted or merged by a supervisor since.
			fmt.Fprintf(im.e.stderr, "fieldctl: line %d: this person was deleted or merged in this workspace since the list was imported; the row is left as it is\n", row.Line)
			im.tally.count(ops.Planned{Edit: store.Edit{Record: rec.ID, Kind: rec.Kind}, After: rec, Outcome: ops.Unchanged})
			continue
		}
		if row.ID == "" && keys[i] != "" {
			row.Fields[registry.FieldExternalKey] = keys[i]
		}
		kept = append(kept, row)
	}
	return kept, nil
}

// memberKey returns the key a member made from a row keeps: a keyed digest
// of the row's person values as read.
func (im *importer) memberKey(row exchange.Doc) (string, error) {
	names := make([]string, 0, len(row.Fields))
	for k := range row.Fields {
		if k != registry.FieldHouseholdID && k != registry.FieldExternalKey {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString("member")
	for _, k := range names {
		b.WriteString("\x00" + k + "=" + row.Fields[k])
	}
	d, err := im.s.ws.KeyedDigest(b.String())
	if err != nil {
		return "", err
	}
	return "digest:" + d, nil
}

// deletedMembers returns the deleted persons of the workspace by household,
// read once: what matchMembers must not bring back.
func (im *importer) deletedMembers() (map[uuid.UUID][]registry.Record, error) {
	if im.gone != nil {
		return im.gone, nil
	}
	im.gone = make(map[uuid.UUID][]registry.Record)
	for _, id := range im.s.ws.DeletedIDs(registry.KindPerson) {
		rec, err := im.s.ws.Get(id)
		if err != nil {
			return nil, fmt.Errorf("read record %s: %w", id, err)
		}
		if hid, err := uuid.Parse(rec.Value(registry.FieldHouseholdID)); err == nil {
			im.gone[hid] = append(im.gone[hid], rec)
		}
	}
	return im.gone, nil
}

func find(records []registry.Record, id string) (registry.Record, bool) {
	for _, r := range records {
		if r.ID.String() == id {
			return r, true
		}
	}
	return registry.Record{}, false
}

// holds reports whether a record holds every one of the values.
func holds(rec registry.Record, values map[string]string) bool {
	for k, v := range values {
		if k != registry.FieldHouseholdID && rec.Value(k) != v {
			return false
		}
	}
	return true
}

// lastLine is the last line of the file a household was read from.
func lastLine(h exchange.Household) int {
	last := h.Line
	for _, m := range h.Members {
		last = max(last, m.Line)
	}
	for _, a := range h.Assessments {
		last = max(last, a.Line)
	}
	return last
}

// printRecordProblems reports a refused member at the line it came from,
// which names it better than its new id.
func (im *importer) printRecordProblems(line int, m ops.Planned) {
	for _, l := range problemLines(im.s.lang, m.Invalid, im.s.forms, map[uuid.UUID]string{m.Edit.Record: ""}) {
		fmt.Fprintf(im.e.stderr, "fieldctl: line %d: %s\n", line, l)
	}
}

// linesLabel names a whole refused household by the lines of its rows.
func linesLabel(hp householdPlan, lineOf map[uuid.UUID]int) string {
	var lines []int
	for _, m := range hp.Members {
		if line, ok := lineOf[m.Edit.Record]; ok {
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

// printRowErrors prints the reader's complaints about the lines of one
// household and those before it. They name line, field and rule, never a
// value.
func (im *importer) printRowErrors(problems []exchange.RowError) {
	for _, re := range problems {
		fmt.Fprintf(im.e.stderr, "fieldctl: %s\n", re.Error())
	}
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
