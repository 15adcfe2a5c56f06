package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"fieldreg/exchange"
	"fieldreg/internal/safefile"
	"fieldreg/registry"
	"fieldreg/store"
)

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export")
	format := fs.String("format", "", "csv, hxl (CSV with HXL hashtags), xlsx (a sheet per kind, typed cells) or json")
	kind := fs.String("kind", registry.KindPerson, "csv and hxl: the table: person (a row per person, the household's fields on each), household (a row per household) or another form's `kind` (assessment: a row per assessment)")
	labels := fs.Bool("labels", false, "csv, hxl and xlsx: write choices as their labels in your language instead of their codes")
	bom := fs.Bool("bom", true, "csv, hxl and --aggregate: start with a UTF-8 byte-order mark, which Excel needs to read Arabic and accents (--bom=false for scripts)")
	aggregate := fs.Bool("aggregate", false, "the sex-and-age table per location instead of one row per person (any role)")
	minCell := fs.Int("min-cell", exchange.DefaultMinCell, "with --aggregate: write counts below `N` as \"<N\" (1: suppress nothing)")
	out := fs.String("out", "", "write to `file` (replaced only once the export is complete); - for stdout")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	switch *format {
	case "csv", "hxl":
	case "json", "xlsx":
		if *aggregate {
			return usagef("--aggregate writes CSV: use --format csv or hxl")
		}
		if *labels && *format == "json" {
			return usagef("--labels is for csv, hxl and xlsx: JSON keeps codes")
		}
		if *kind != registry.KindPerson {
			return usagef("--kind is for csv and hxl: %s holds every kind", *format)
		}
	case "":
		return usagef("--format is required")
	default:
		return usagef("unknown format %q (want csv, hxl, xlsx or json)", *format)
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if *minCell < 1 {
		return usagef("--min-cell must be at least 1")
	}
	if *aggregate && (*kind != registry.KindPerson || *labels) {
		return usagef("--aggregate counts persons: no --kind or --labels")
	}
	return e.withWorkspace(func(s *session) error {
		if _, ok := s.forms.Form(*kind); !ok {
			return usagef("unknown --kind %q (want one of %s)", *kind, strings.Join(s.forms.Kinds(), ", "))
		}
		what := "person-level " + *format
		switch {
		case *aggregate:
			what = "aggregate " + *format
		case *kind != registry.KindPerson:
			what = *kind + " " + *format
		}
		// The audit entry comes first: an export that was started must be on
		// record even if writing it fails halfway. The store refuses an
		// enumerator a person-level export (every one but the aggregate).
		if err := s.ws.BeginExport(!*aggregate, what); err != nil {
			if errors.Is(err, store.ErrForbidden) {
				return fmt.Errorf("export: %w: person-level exports need a supervisor or admin; enumerators may export --aggregate", store.ErrForbidden)
			}
			return fmt.Errorf("export: write audit entry: %w", err)
		}
		ctx, stop := e.interruptible()
		defer stop()
		opt := exchange.Options{HXL: *format == "hxl", Labels: *labels, Lang: e.lang(), BOM: *bom}
		x := exporter{ctx: ctx, e: e, s: s, progress: newProgress(e.stderr, e.now, "exported", s.ws.Count(registry.KindHousehold), "households"), minCell: *minCell, opt: opt}
		var n int
		write := writeAtomically
		if *out != "-" {
			removeStaleExports(e, filepath.Dir(*out))
			// XLSX rows wait in temporary files until the workbook is
			// written: next to the export, not in a shared /tmp.
			x.opt.TmpDir = filepath.Dir(*out)
		}
		if *out == "-" {
			write = func(_ string, fn func(io.Writer) error) error { return fn(e.stdout) }
		}
		err := write(*out, func(w io.Writer) error {
			var err error
			switch {
			case *aggregate:
				n, err = x.aggregate(w)
			case *format == "json":
				n, err = x.json(w)
			case *format == "xlsx":
				n, err = x.xlsx(w)
			case *kind != registry.KindPerson:
				n, err = x.records(w, *kind)
			default:
				n, err = x.csv(w)
			}
			return err
		})
		if errors.Is(err, errInterrupted) {
			return fmt.Errorf("export %w: nothing written to %s", err, *out)
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(e.stderr, "exported %s (%s) to %s\n", plural(n, "household"), what, *out)
		return nil
	})
}

// exporter walks households with their members for each export format.
type exporter struct {
	ctx      context.Context // Ctrl-C: stop, and leave no partial file
	e        *env
	s        *session
	progress *progress
	minCell  int // aggregate: the small-cell threshold
	opt      exchange.Options
}

// each calls fn for every household that is not deleted, with its members
// and assessments, and returns how many there were.
func (x exporter) each(withAssessments bool, fn func(h registry.Record, members, assessments []registry.Record) error) (int, error) {
	n := 0
	err := x.s.ws.Each(registry.KindHousehold, func(h registry.Record) error {
		if x.ctx.Err() != nil {
			return errInterrupted
		}
		ms, err := members(x.s, h.ID)
		if err != nil {
			return err
		}
		var as []registry.Record
		if withAssessments {
			if as, err = assessments(x.s, h.ID); err != nil {
				return err
			}
		}
		if err := fn(h, ms, as); err != nil {
			return err
		}
		n++
		x.progress.update(n)
		return nil
	})
	x.progress.done(n)
	return n, err
}

func (x exporter) json(w io.Writer) (int, error) {
	jw := exchange.NewJSONWriter(w)
	n, err := x.each(true, func(h registry.Record, ms, as []registry.Record) error {
		return jw.Write(exchange.FromRecords(h, ms, as))
	})
	if err != nil {
		return n, err
	}
	return n, jw.Close()
}

func (x exporter) csv(w io.Writer) (int, error) {
	cw, err := exchange.NewCSVWriter(w, x.s.forms, x.opt)
	if err != nil {
		return 0, err
	}
	n, err := x.each(false, func(h registry.Record, ms, _ []registry.Record) error {
		return cw.Write(h, ms)
	})
	if err != nil {
		return n, err
	}
	return n, cw.Flush()
}

// records writes a row per record of kind: the households themselves, or
// the records of another form that belong to them (assessments).
func (x exporter) records(w io.Writer, kind string) (int, error) {
	rw, err := exchange.NewRecordCSVWriter(w, x.s.forms, kind, x.opt)
	if err != nil {
		return 0, err
	}
	n, err := x.each(kind != registry.KindHousehold, func(h registry.Record, _, as []registry.Record) error {
		if kind == registry.KindHousehold {
			return rw.Write(h)
		}
		for _, a := range as {
			if err := rw.Write(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, rw.Flush()
}

func (x exporter) xlsx(w io.Writer) (int, error) {
	xw, err := exchange.NewXLSXWriter(w, x.s.forms, x.opt)
	if err != nil {
		return 0, err
	}
	n, err := x.each(true, xw.Write)
	if err != nil {
		xw.Abort()
		return n, err
	}
	return n, xw.Close()
}

func (x exporter) aggregate(w io.Writer) (int, error) {
	agg := exchange.NewAggregator(x.e.now())
	agg.MinCell = x.minCell
	n, err := x.each(false, func(h registry.Record, ms, _ []registry.Record) error {
		agg.Add(h, ms)
		return nil
	})
	if err != nil {
		return n, err
	}
	if x.opt.BOM {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return n, err
		}
	}
	return n, agg.WriteCSV(w)
}

// writeAtomically writes name through a new owner-only temporary file in
// its directory and renames it into place once complete and synced, so a
// failed or interrupted export never leaves a truncated file that looks
// whole (see internal/safefile).
func writeAtomically(name string, write func(w io.Writer) error) error {
	return safefile.Replace(name, write)
}

// removeStaleExports removes the partial plaintext exports a crashed
// export left in dir, and says so: they hold personal data.
func removeStaleExports(e *env, dir string) {
	removed, err := safefile.RemoveStale(dir, e.now())
	for _, p := range removed {
		fmt.Fprintf(e.stderr, "warning: removed %s, a partial export left by an export that crashed\n", p)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "warning: partial exports left by a crash may remain in %s: %v\n", dir, err)
	}
}
