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
	FormatAggregate = "aggregate" // sex-and-age table per location (CSV with HXL tags)
)

// Export writes every household of ws, with its members and assessments, in
// format, and returns how many households it wrote. Devices' workspaces
// export the same way, which is how tests compare replicas.
func Export(ws Records, forms *registry.Forms, format string, now time.Time, out io.Writer) (int, error) {
	return export(ws, forms, format, now, 0, out)
}

// export is Export with the aggregate's small-cell threshold (zero: the
// default, exchange.DefaultMinCell).
func export(ws Records, forms *registry.Forms, format string, now time.Time, minCell int, out io.Writer) (int, error) {
	var write func(h registry.Record, members, assessments []registry.Record) error
	var finish func() error
	switch format {
	case FormatJSON:
		jw := exchange.NewJSONWriter(out)
		write = func(h registry.Record, members, assessments []registry.Record) error {
			return jw.Write(exchange.FromRecords(h, members, assessments))
		}
		finish = jw.Close
	case FormatCSV, FormatHXL:
		cw, err := exchange.NewCSVWriter(out, forms, exchange.Options{HXL: format == FormatHXL})
		if err != nil {
			return 0, fmt.Errorf("export %s: %w", format, err)
		}
		write = func(h registry.Record, members, _ []registry.Record) error { return cw.Write(h, members) }
		finish = cw.Flush
	case FormatAggregate:
		agg := exchange.NewAggregator(now)
		agg.MinCell = minCell
		write = func(h registry.Record, members, _ []registry.Record) error {
			agg.Add(h, members)
			return nil
		}
		finish = func() error { return agg.WriteCSV(out) }
	default:
		return 0, fmt.Errorf("export: unknown format %q (json, csv, hxl or aggregate)", format)
	}
	n := 0
	for _, id := range ws.IDs(registry.KindHousehold) {
		h, err := ws.Get(id)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		members, err := getAll(ws, ws.Members(id))
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		assessments, err := getAll(ws, ws.Assessments(id))
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		if err := write(h, members, assessments); err != nil {
			return n, fmt.Errorf("export %s: %w", format, err)
		}
		n++
	}
	if err := finish(); err != nil {
		return n, fmt.Errorf("export %s: %w", format, err)
	}
	return n, nil
}

func getAll(ws Records, ids []uuid.UUID) ([]registry.Record, error) {
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
