package hq

import (
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/registry"
)

// Export formats.
const (
	FormatJSON      = "json"
	FormatCSV       = "csv"
	FormatHXL       = "hxl"
	FormatXLSX      = "xlsx"      // a workbook with a sheet per kind, typed cells
	FormatAggregate = "aggregate" // sex-and-age table per location (CSV with HXL tags)
)

// ExportOptions says what an export writes besides its format.
type ExportOptions struct {
	Format string
	// Kind is the table of a CSV or HXL export: person (the default: a row
	// per person, the household's fields on each), household, or another
	// form's kind (assessment: a row per assessment). JSON and XLSX hold
	// every kind.
	Kind string
	// Labels writes choices as their labels in Lang (CSV, HXL, XLSX).
	Labels bool
	Lang   string
	// BOM starts a CSV or HXL export with the UTF-8 byte-order mark Excel
	// needs to read it as UTF-8.
	BOM bool
	// MinCell is the aggregate's small-cell threshold (0: the default,
	// exchange.DefaultMinCell).
	MinCell int
	// TmpDir is where an XLSX export keeps its streamed rows until written.
	TmpDir string
}

// check refuses options that do not go together, against forms.
func (o ExportOptions) check(forms *registry.Forms) error {
	switch o.Format {
	case FormatCSV, FormatHXL, FormatJSON, FormatXLSX, FormatAggregate:
	default:
		return fmt.Errorf("%w: unknown format %q (csv, hxl, xlsx, json or aggregate)", ErrInvalidRequest, o.Format)
	}
	if o.Kind != "" && o.Kind != registry.KindPerson {
		if o.Format != FormatCSV && o.Format != FormatHXL {
			return fmt.Errorf("%w: a kind is for csv and hxl exports; %s holds every kind", ErrInvalidRequest, o.Format)
		}
		if _, ok := forms.Form(o.Kind); !ok {
			return fmt.Errorf("%w: no form of kind %q (%v)", ErrInvalidRequest, o.Kind, forms.Kinds())
		}
	}
	if o.Labels && (o.Format == FormatJSON || o.Format == FormatAggregate) {
		return fmt.Errorf("%w: labels are for csv, hxl and xlsx exports", ErrInvalidRequest)
	}
	if o.MinCell < 0 {
		return fmt.Errorf("%w: small-cell threshold %d", ErrInvalidRequest, o.MinCell)
	}
	return nil
}

func (o ExportOptions) exchange() exchange.Options {
	return exchange.Options{HXL: o.Format == FormatHXL, Labels: o.Labels, Lang: o.Lang, BOM: o.BOM, TmpDir: o.TmpDir}
}

// Export writes every household of ws, with its members and assessments, in
// format, and returns how many households it wrote. Devices' workspaces
// export the same way, which is how tests compare replicas.
func Export(ws Records, forms *registry.Forms, format string, now time.Time, out io.Writer) (int, error) {
	return export(ws, forms, ExportOptions{Format: format}, now, out)
}

// exportWriter is one format's writer: a household at a time, then finish.
type exportWriter struct {
	write  func(h registry.Record, members, assessments []registry.Record) error
	finish func() error
	abort  func() // after an error: drop what is half written (temporary files)
}

func newExportWriter(forms *registry.Forms, opt ExportOptions, now time.Time, out io.Writer) (exportWriter, error) {
	kind := opt.Kind
	if kind == "" {
		kind = registry.KindPerson
	}
	switch {
	case opt.Format == FormatJSON:
		jw := exchange.NewJSONWriter(out)
		return exportWriter{write: func(h registry.Record, members, assessments []registry.Record) error {
			return jw.Write(exchange.FromRecords(h, members, assessments))
		}, finish: jw.Close}, nil
	case opt.Format == FormatXLSX:
		xw, err := exchange.NewXLSXWriter(out, forms, opt.exchange())
		if err != nil {
			return exportWriter{}, err
		}
		return exportWriter{write: xw.Write, finish: xw.Close, abort: func() { xw.Abort() }}, nil
	case opt.Format == FormatAggregate:
		agg := exchange.NewAggregator(now)
		agg.MinCell = opt.MinCell
		return exportWriter{write: func(h registry.Record, members, _ []registry.Record) error {
			agg.Add(h, members)
			return nil
		}, finish: func() error { return agg.WriteCSV(out) }}, nil
	case kind == registry.KindPerson:
		cw, err := exchange.NewCSVWriter(out, forms, opt.exchange())
		if err != nil {
			return exportWriter{}, err
		}
		return exportWriter{write: func(h registry.Record, members, _ []registry.Record) error {
			return cw.Write(h, members)
		}, finish: cw.Flush}, nil
	}
	rw, err := exchange.NewRecordCSVWriter(out, forms, kind, opt.exchange())
	if err != nil {
		return exportWriter{}, err
	}
	return exportWriter{write: func(h registry.Record, _, assessments []registry.Record) error {
		if kind == registry.KindHousehold || h.Deleted() {
			return rw.Write(h) // writes nothing of a deleted household
		}
		for _, a := range assessments {
			if err := rw.Write(a); err != nil {
				return err
			}
		}
		return nil
	}, finish: rw.Flush}, nil
}

// export is Export with options.
func export(ws Records, forms *registry.Forms, opt ExportOptions, now time.Time, out io.Writer) (n int, err error) {
	if err := opt.check(forms); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	xw, err := newExportWriter(forms, opt, now, out)
	if err != nil {
		return 0, fmt.Errorf("export %s: %w", opt.Format, err)
	}
	defer func() {
		if err != nil && xw.abort != nil {
			xw.abort()
		}
	}()
	households := ws.IDs(registry.KindHousehold)
	for len(households) > 0 {
		chunk := households[:min(len(households), exportChunk)]
		households = households[len(chunk):]
		// One read for a chunk of households and one for all their
		// members and assessments: on PostgreSQL a read per record would
		// be a round trip per record.
		hs, err := getAll(ws, chunk)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		var ids []uuid.UUID
		for _, id := range chunk {
			ids = append(append(ids, ws.Members(id)...), ws.Assessments(id)...)
		}
		rest, err := getAll(ws, ids)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		for i, id := range chunk {
			nm, na := len(ws.Members(id)), len(ws.Assessments(id))
			members, assessments := rest[:nm], rest[nm:nm+na]
			rest = rest[nm+na:]
			if err := xw.write(hs[i], members, assessments); err != nil {
				return n, fmt.Errorf("export %s: %w", opt.Format, err)
			}
			n++
		}
	}
	if opt.BOM && opt.Format == FormatAggregate {
		// The aggregate writes all at the end; its mark goes first.
		if _, err := io.WriteString(out, "\ufeff"); err != nil {
			return n, fmt.Errorf("export %s: %w", opt.Format, err)
		}
	}
	if err := xw.finish(); err != nil {
		return n, fmt.Errorf("export %s: %w", opt.Format, err)
	}
	return n, nil
}

// exportChunk is how many households an export reads at a time.
const exportChunk = 256

// manyGetter is a Records that reads many records in one go
// (store.Workspace.GetMany).
type manyGetter interface {
	GetMany(ids []uuid.UUID) ([]registry.Record, error)
}

func getAll(ws Records, ids []uuid.UUID) ([]registry.Record, error) {
	if m, ok := ws.(manyGetter); ok {
		return m.GetMany(ids)
	}
	out := make([]registry.Record, 0, len(ids))
	for _, id := range ids {
		r, err := ws.Get(id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
