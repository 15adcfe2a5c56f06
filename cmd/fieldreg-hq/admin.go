package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"fieldreg/assets/i18n"
	"fieldreg/exchange"
	"fieldreg/hq"
	"fieldreg/sync/pki"
)

// The admin commands: each parses its command line, runs one hq.Admin
// method (withAdmin picks the running server or the data) and prints
// the result. File paths are made absolute here: a running server has its
// own working directory.

func runEnroll(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "enroll")
	name := fs.String("device", "", "the device's `name`, as operators will know it")
	team := fs.String("team", "", "the `team` the device belongs to")
	sites := fs.String("sites", "", "the `sites` whose records the device receives, comma-separated (* for all)")
	qr := fs.String("qr", "", "also write the code as a QR image to `file.png`")
	addr := fs.String("addr", "", "the `HOST:PORT` in the code (default: HQ's address)")
	ttl := fs.Duration("ttl", hq.DefaultEnrollTTL, "how long the code stays usable")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if *name == "" || *sites == "" {
		return usagef("--device and --sites are required")
	}
	// The QR image holds the token: created before the enrollment, so that
	// an unusable path fails before a code exists, and owner-only.
	var qrFile *os.File
	if *qr != "" {
		f, err := os.OpenFile(*qr, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("QR image: %w", err)
		}
		qrFile = f
		defer func() {
			if qrFile != nil {
				qrFile.Close()
				os.Remove(*qr)
			}
		}()
	}
	code, err := withAdmin(e, func(a hq.Admin) (pki.EnrollCode, error) {
		return a.NewEnrollment(ctx, hq.Enrollment{Name: *name, Team: *team, Sites: splitList(*sites), TTL: *ttl, Addr: *addr})
	})
	if err != nil {
		return err
	}
	if qrFile != nil {
		png, err := pki.EnrollQRPNG(code.String())
		if err != nil {
			return fmt.Errorf("QR image: %w", err)
		}
		if _, err := qrFile.Write(png); err != nil {
			return fmt.Errorf("QR image: %w", err)
		}
		err = qrFile.Close()
		qrFile = nil
		if err != nil {
			os.Remove(*qr)
			return fmt.Errorf("QR image: %w", err)
		}
	}
	fmt.Fprintln(e.stdout, code.String())
	return nil
}

func runDevices(_ context.Context, e *env, args []string) error {
	if err := noArgs(e, newFlags(e, "devices"), args); err != nil {
		return err
	}
	devices, err := withAdmin(e, hq.Admin.Devices)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tTEAM\tSITES\tSTATE\tACKED\tLAST SYNC")
	for _, d := range devices {
		last := "-"
		if d.LastSync != 0 {
			last = time.UnixMilli(d.LastSync).UTC().Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.Name, d.ID, d.Team, strings.Join(d.Sites, ","), deviceState(d), d.Acked, last)
	}
	return tw.Flush()
}

// deviceState is the STATE column. "wiped" means HQ sent the wipe order
// (a device cannot confirm: its credentials go with its workspace).
func deviceState(d hq.Device) string {
	switch {
	case d.Revoked && d.WipeOrdered && d.WipeSent != 0:
		return "revoked, wiped"
	case d.Revoked && d.WipeOrdered:
		return "revoked, wipe pending"
	case d.Revoked:
		return "revoked"
	case d.WipeOrdered && d.WipeSent != 0:
		return "wiped"
	case d.WipeOrdered:
		return "wipe pending"
	case d.Replica == uuid.Nil:
		return "never synced"
	}
	return "active"
}

func runRevoke(ctx context.Context, e *env, args []string) error {
	return deviceOrder(ctx, e, "revoke", args, hq.Admin.Revoke, "revoked; it will be refused from its next request")
}

func runUnrevoke(ctx context.Context, e *env, args []string) error {
	return deviceOrder(ctx, e, "unrevoke", args, hq.Admin.Unrevoke, "is served again from its next request")
}

func runWipe(ctx context.Context, e *env, args []string) error {
	return deviceOrder(ctx, e, "wipe", args, hq.Admin.OrderWipe, "ordered to wipe; it will erase itself at its next contact")
}

// runScope re-scopes one device.
func runScope(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "scope")
	sites := fs.String("sites", "", "the `sites` whose records the device receives from now on, comma-separated (* for all)")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one DEVICE (name or id)")
	}
	if *sites == "" {
		return usagef("--sites is required")
	}
	d, err := withAdmin(e, func(a hq.Admin) (hq.Device, error) { return a.SetSites(ctx, args[0], splitList(*sites)) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "device %q (%s) now receives sites %s; it follows at its next sync\n", d.Name, d.ID, strings.Join(d.Sites, ","))
	return nil
}

// deviceOrder runs revoke, unrevoke or wipe on the one device its command line names.
func deviceOrder(ctx context.Context, e *env, name string, args []string, order func(hq.Admin, context.Context, string) (hq.Device, error), done string) error {
	args, err := parseFlags(e, newFlags(e, name), args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one DEVICE (name or id)")
	}
	d, err := withAdmin(e, func(a hq.Admin) (hq.Device, error) { return order(a, ctx, args[0]) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "device %q (%s) %s\n", d.Name, d.ID, done)
	return nil
}

func runConflicts(_ context.Context, e *env, args []string) error {
	if err := noArgs(e, newFlags(e, "conflicts"), args); err != nil {
		return err
	}
	cs, err := withAdmin(e, hq.Admin.Conflicts)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(e.stdout, "no conflicts")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORD\tKIND\tFIELD\tKEPT\tOTHER VALUES")
	for _, c := range cs {
		var others []string
		for _, o := range c.Others {
			others = append(others, fmt.Sprintf("%q (%s)", o.Value, o.Stamp.Time().Format("2006-01-02 15:04Z")))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%q\t%s\n", c.Record, c.Kind, c.Field, c.Winner.Value, strings.Join(others, ", "))
	}
	return tw.Flush()
}

func runDuplicates(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "duplicates")
	asJSON := fs.Bool("json", false, "print one JSON object per pair")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	pairs, err := withAdmin(e, hq.Admin.Duplicates)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, p := range pairs {
			if err := enc.Encode(p); err != nil {
				return err
			}
		}
		return nil
	}
	if len(pairs) == 0 {
		fmt.Fprintln(e.stdout, "no duplicates")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LEVEL\tSCORE\tPERSON\tNAME\tBORN\tPERSON\tNAME\tBORN\tREASONS")
	for _, p := range pairs {
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Level, p.Score,
			p.A.ID, p.A.Name, p.A.BirthDate, p.B.ID, p.B.Name, p.B.BirthDate, strings.Join(p.Reasons, "; "))
	}
	return tw.Flush()
}

var exportFormats = []string{hq.FormatCSV, hq.FormatHXL, hq.FormatXLSX, hq.FormatJSON, hq.FormatAggregate}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "export")
	format := fs.String("format", "", "`csv`, hxl, xlsx (a sheet per kind, typed cells), json, or aggregate (counts by sex and age per location)")
	out := fs.String("out", "", "write to a new `file`")
	kind := fs.String("kind", "person", "csv and hxl: the table: person (a row per person), household, or another form's `kind` (assessment)")
	labels := fs.Bool("labels", false, "csv, hxl and xlsx: write choices as their labels in your language (LANG) instead of codes")
	bom := fs.Bool("bom", true, "csv, hxl and aggregate: start with the UTF-8 byte-order mark Excel needs (--bom=false for scripts)")
	minCell := fs.Int("min-cell", exchange.DefaultMinCell, "aggregate: write counts below `N` as \"<N\" (1: suppress nothing)")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if *format == "" || *out == "" {
		return usagef("--format and --out are required")
	}
	if *minCell < 1 {
		return usagef("--min-cell must be at least 1")
	}
	if !slices.Contains(exportFormats, *format) {
		return usagef("unknown format %q (want %s)", *format, strings.Join(exportFormats, ", "))
	}
	path, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	opt := hq.ExportOptions{Format: *format, Kind: *kind, Labels: *labels, Lang: i18n.Builtin().LanguageFromEnv(e.getenv), BOM: *bom}
	if *format == hq.FormatAggregate {
		opt.MinCell = *minCell
	}
	n, err := withAdmin(e, func(a hq.Admin) (int, error) { return a.ExportFileWith(ctx, path, opt) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d households exported to %s\n", n, path)
	return nil
}

func runBundleImport(ctx context.Context, e *env, args []string) error {
	args, err := parseFlags(e, newFlags(e, "bundle import"), args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one bundle file")
	}
	path, err := filepath.Abs(args[0])
	if err != nil {
		return fmt.Errorf("bundle import: %w", err)
	}
	res, err := withAdmin(e, func(a hq.Admin) (hq.BundleResult, error) { return a.ImportBundleFile(ctx, path) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bundle from %q: %d changes, %d new, %d quarantined\n", res.Device.Name, res.Changes, res.Stored, res.Quarantined)
	if res.Refused > 0 {
		fmt.Fprintf(e.stdout, "refused %d changes to records outside the device's sites: not stored\n", res.Refused)
	}
	return nil
}

func runBundleExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bundle export")
	device := fs.String("device", "", "the device's `name or id`")
	out := fs.String("out", "", "write to a new `file`")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if *device == "" || *out == "" {
		return usagef("--device and --out are required")
	}
	path, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("bundle export: %w", err)
	}
	n, err := withAdmin(e, func(a hq.Admin) (int, error) { return a.ExportBundleFile(ctx, *device, path) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d changes for %q written to %s\n", n, *device, path)
	return nil
}

func runStats(_ context.Context, e *env, args []string) error {
	if err := noArgs(e, newFlags(e, "stats"), args); err != nil {
		return err
	}
	st, err := withAdmin(e, hq.Admin.Stats)
	if err != nil {
		return err
	}
	printStats(e.stdout, st)
	return nil
}

func printStats(w io.Writer, st hq.Stats) {
	last := "never"
	if !st.LastSync.IsZero() {
		last = st.LastSync.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(w, "devices: %d (%d revoked), pending enrollments: %d\n", st.Devices, st.Revoked, st.PendingEnrollments)
	fmt.Fprintf(w, "records: %d households, %d persons, %d assessments; %d changes\n", st.Households, st.Persons, st.Assessments, st.Changes)
	fmt.Fprintf(w, "conflicted records: %d, quarantined changes: %d\n", st.Conflicted, st.Quarantined)
	fmt.Fprintf(w, "store: %d bytes; last device sync: %s\n", st.FileSize, last)
	fmt.Fprintf(w, "since start: %d syncs, %d enrollments, %d refused; %d changes in, %d out, %d quarantined, %d commits\n",
		st.Syncs, st.Enrolls, st.Refused, st.Pushed, st.Pulled, st.QuarantinedNow, st.Batches)
}
