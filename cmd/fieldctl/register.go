package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"fieldreg/exchange"
	"fieldreg/registry"
)

func runRegister(e *env, args []string) error {
	fs := newFlags(e, "register")
	file := fs.String("file", "", "households with members as JSON, the export's shape (- for stdin)")
	update := fs.Bool("update", false, "write over records the file names by id without the version an export gives them")
	asJSON := fs.Bool("json", false, "report likely duplicates of the persons added as JSON objects on stdout, after the records")
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
	// A file that is not JSON is refused before the passphrase is asked for.
	elements, err := readJSONHouseholds(e, *file)
	if err != nil {
		return err
	}
	dups := newAddedDuplicates()
	return e.withWorkspace(func(s *session) error {
		err := registerAll(e, s, s.forms, elements, intake{update: *update}, dups)
		// What was stored is reported even when some households were not.
		if rerr := dups.report(e, s, *asJSON); err == nil {
			err = rerr
		}
		return err
	}, dups.idx)
}

// readJSONHouseholds splits the input into its households, unparsed: one
// household's bad field must not cost the others their registration, so
// each is decoded on its own.
func readJSONHouseholds(e *env, name string) ([]json.RawMessage, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, exchange.MaxJSONBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	elements, err := splitHouseholds(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return elements, nil
}

// splitHouseholds returns the households of a JSON document, each still
// raw: an array of household objects, or one object.
func splitHouseholds(data []byte) ([]json.RawMessage, error) {
	if len(data) > exchange.MaxJSONBytes {
		return nil, fmt.Errorf("more than %d MiB of JSON", exchange.MaxJSONBytes>>20)
	}
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(data) > 0 && data[0] == '{' {
		if !json.Valid(data) {
			var v any
			return nil, fmt.Errorf("not valid JSON: %s", jsonProblem(json.Unmarshal(data, &v)))
		}
		return []json.RawMessage{data}, nil
	}
	var elements []json.RawMessage
	if err := json.Unmarshal(data, &elements); err != nil {
		return nil, fmt.Errorf("want a JSON array of households or one household object: %s", jsonProblem(err))
	}
	return elements, nil
}

// jsonProblem words a JSON syntax error with where it is, never with the
// value at fault: encoding/json writes a number's digits into its message.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("%v (at byte %d)", syntax, syntax.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		kind, _, _ := strings.Cut(typ.Value, " ") // "number 791148231" → "number"
		return fmt.Sprintf("a JSON %s where a household list was expected", kind)
	}
	return err.Error()
}

// registerAll validates and stores households, each all or nothing, and
// reports the refused ones by position, record and field. A household the
// file gives without an id is kept with a digest of its text
// (registry.FieldExternalKey), so that running a file again, after some of
// it was refused, registers nothing twice.
func registerAll(e *env, s *session, forms *registry.Forms, elements []json.RawMessage, in intake, dups *addedDuplicates) error {
	tally := newTally()
	keys := &externalKeys{ws: s.ws}
	b := &batcher{
		ws: s.ws,
		stored: func(p planned) {
			for _, rp := range p.records {
				fmt.Fprintf(e.stdout, "%s\t%s\n", rp.Edit.Record, rp.Edit.Kind)
				tally.count(rp)
				keys.stored(rp)
			}
			dups.note(p)
			printConflicts(e, p)
		},
		refused: func(p planned, err error) {
			tally.refused++
			printProblems(e, forms, p, err)
		},
	}
	ctx, stop := e.interruptible()
	defer stop()
	now := e.now()
	for i, raw := range elements {
		if ctx.Err() != nil {
			if err := b.flush(); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "registered %s\n%s\n", tally, tally.outcomes())
			return fmt.Errorf("%w before household %d: households 0 to %d were processed, the rest not", errInterrupted, i, i-1)
		}
		label := fmt.Sprintf("household %d", i)
		var hh []exchange.Household
		err := errors.New("not a JSON object")
		if len(raw) > 0 && raw[0] == '{' {
			hh, err = exchange.DecodeHouseholdsAt(bytes.NewReader(raw), forms, now)
		}
		if err != nil {
			tally.refused++
			for _, line := range decodeProblems(err) {
				fmt.Fprintf(e.stderr, "fieldctl: %s: %s\n", label, line)
			}
			continue
		}
		key, err := keys.textKey(hh[0])
		if err != nil {
			return err
		}
		if key != "" {
			id, seen, err := keys.lookup(key)
			if errors.Is(err, errGone) {
				b.refused(planned{label: label}, err)
				continue
			}
			if err != nil {
				return err
			}
			if seen {
				// Registered by an earlier run from this very text.
				records, err := unchanged(s, id)
				if err != nil {
					return err
				}
				b.stored(planned{label: label, records: records})
				continue
			}
			hh[0].Fields[registry.FieldExternalKey] = key
		}
		hp, err := planHousehold(s, hh[0], in, now)
		if err != nil {
			b.refused(planned{label: label}, err)
			continue
		}
		p := hp.ready(label)
		if err := hp.Problems(); err != nil {
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
	fmt.Fprintf(e.stderr, "registered %s\n%s\n", tally, tally.outcomes())
	if tally.refused > 0 {
		return fmt.Errorf("%d of %d households refused, nothing of them stored", tally.refused, len(elements))
	}
	return nil
}

// decodeProblems words the exchange decoder's complaints about one household
// for the command line: one per line, without the decoder's "household 0"
// (the caller names the household by its place in the whole file). The
// decoder names fields and rules, never values.
func decodeProblems(err error) []string {
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimPrefix(line, exchange.ErrInput.Error()+": ")
		line = strings.TrimPrefix(line, "household 0: ")
		line = strings.TrimPrefix(line, "household 0 ")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
