package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"fieldreg/exchange"
	"fieldreg/registry"
)

// taggedCSV feeds a beneficiary list to the exchange reader with every row
// given a person id (its own, or a new one when it has none) and every line
// number kept. The reader groups rows into households and returns members,
// not lines; the ids let a member refused by the form's rules be reported by
// the line it came from, which is what the person fixing the file needs.
//
// It is a pull reader: rows are copied as the exchange reader asks for bytes,
// so the file is never held whole and no goroutine shares the line table.
type taggedCSV struct {
	src       *csv.Reader
	out       bytes.Buffer
	w         *csv.Writer
	line      int // lines written to out so far
	personCol int // the column holding person ids
	appended  bool
	seenFirst bool           // the first row after the header was read: only it may be HXL hashtags
	rows      int            // data rows passed on
	lineOf    map[string]int // person id → line
	problems  []exchange.RowError
	err       error
}

// tagColumn is the column added when a list has no person id column.
const tagColumn = "fieldctl_person_id"

// newTaggedCSV returns the tagging reader and the mapping to read it with.
func newTaggedCSV(r io.Reader, m exchange.Mapping) (*taggedCSV, exchange.Mapping, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	head, _ := br.Peek(64 << 10)
	t := &taggedCSV{src: csv.NewReader(br), personCol: -1, lineOf: make(map[string]int)}
	t.src.Comma = detectDelimiter(head)
	t.src.FieldsPerRecord = -1
	t.src.LazyQuotes = true
	t.w = csv.NewWriter(&t.out)

	header, err := t.src.Read()
	if err != nil {
		if err == io.EOF {
			return nil, nil, errors.New("empty file: no header")
		}
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	for i, h := range header {
		if target(m, h) == "person_id" {
			t.personCol = i
		}
	}
	mapping := make(exchange.Mapping, len(m)+1)
	for k, v := range m {
		mapping[k] = v
	}
	if t.personCol < 0 {
		t.personCol, t.appended = len(header), true
		header = append(header, tagColumn)
		mapping[tagColumn] = "person_id"
	}
	t.write(header, 1)
	return t, mapping, nil
}

// target is the field a header names through the mapping, as the exchange
// reader resolves it: the mapping's entry, else the header itself.
func target(m exchange.Mapping, header string) string {
	key := strings.ToLower(strings.TrimSpace(header))
	for col, field := range m {
		if strings.ToLower(strings.TrimSpace(col)) == key {
			return field
		}
	}
	return key
}

// detectDelimiter takes the list's delimiter from its header line, as the
// exchange reader does: comma, semicolon or tab, whichever is most frequent.
func detectDelimiter(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, bestCount := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		if n := bytes.Count(head, []byte(string(d))); n > bestCount {
			best, bestCount = d, n
		}
	}
	return best
}

func (t *taggedCSV) Read(p []byte) (int, error) {
	for t.out.Len() == 0 && t.err == nil {
		t.next()
	}
	if t.out.Len() > 0 {
		return t.out.Read(p)
	}
	return 0, t.err
}

// next copies one row: blank rows become blank lines (the exchange reader
// skips them and the numbering stays), an HXL hashtag row passes untouched,
// and a data row gets its person id.
func (t *taggedCSV) next() {
	rec, err := t.src.Read()
	if err == io.EOF {
		t.w.Flush()
		t.err = io.EOF
		return
	}
	var parse *csv.ParseError
	if errors.As(err, &parse) {
		t.problems = append(t.problems, exchange.RowError{Line: parse.StartLine, Message: parse.Err.Error()})
		t.rows++ // a row, refused
		return
	}
	if err != nil {
		t.err = fmt.Errorf("read csv: %w", err)
		return
	}
	line, _ := t.src.FieldPos(0)
	if blank(rec) {
		return
	}
	for len(rec) <= t.personCol {
		rec = append(rec, "")
	}
	hxl := !t.seenFirst && isHXLRow(rec)
	t.seenFirst = true
	if !hxl {
		id := strings.TrimSpace(rec[t.personCol])
		if id == "" {
			id = registry.NewID().String()
			rec[t.personCol] = id
		}
		t.rows++
		if first, dup := t.lineOf[id]; dup {
			// One person twice would be two edits of one record; which row
			// is right is for the user to say.
			t.problems = append(t.problems, exchange.RowError{Line: line, Field: "person_id", Message: fmt.Sprintf("the same person as on line %d; this row is left out", first)})
			return
		}
		t.lineOf[id] = line
	}
	t.write(rec, line)
}

// write writes rec so that it starts on line, padding with blank lines.
func (t *taggedCSV) write(rec []string, line int) {
	for t.line+1 < line {
		t.w.Flush()
		t.out.WriteByte('\n')
		t.line++
	}
	t.w.Write(rec)
	t.w.Flush()
	t.line++
	for _, cell := range rec {
		t.line += strings.Count(cell, "\n")
	}
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func isHXLRow(rec []string) bool {
	tagged := false
	for _, c := range rec {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if c[0] != '#' {
			return false
		}
		tagged = true
	}
	return tagged
}
