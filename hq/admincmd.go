package hq

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/sync/pki"
)

// UsageError is an admin command line that cannot be run as typed.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error { return UsageError{Msg: fmt.Sprintf(format, args...)} }

// AdminUsage lists the admin commands, for the CLI's usage text.
const AdminUsage = `  enroll --device NAME --team T --sites S1,S2 [--qr F.png] [--addr HOST:PORT] [--ttl 168h]
  devices
  revoke DEVICE
  wipe DEVICE
  conflicts
  duplicates [--json]
  export --format csv|hxl|json|aggregate --out F
  bundle import F
  bundle export --device D --out F
  stats`

// IsAdminCommand reports whether args name an admin command, which a
// running server answers on its socket.
func IsAdminCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "enroll", "devices", "revoke", "wipe", "conflicts", "duplicates", "export", "bundle", "stats":
		return true
	}
	return false
}

// RunAdmin runs one admin command (args without the program name) and
// writes what it has to say to out. Paths in args must be absolute: the
// server may run in another directory than the operator.
func (s *Server) RunAdmin(ctx context.Context, args []string, out io.Writer) error {
	if !IsAdminCommand(args) {
		return usagef("unknown command %q", strings.Join(args, " "))
	}
	rest := args[1:]
	switch args[0] {
	case "enroll":
		return s.adminEnroll(ctx, rest, out)
	case "devices":
		return s.adminDevices(rest, out)
	case "revoke", "wipe":
		if len(rest) != 1 {
			return usagef("%s: give one DEVICE (name or id)", args[0])
		}
		op, verb := s.Revoke, "revoked; it will be refused from its next request"
		if args[0] == "wipe" {
			op, verb = s.OrderWipe, "ordered to wipe; it will erase itself at its next contact"
		}
		d, err := op(ctx, rest[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "device %q (%s) %s\n", d.Name, d.ID, verb)
		return nil
	case "conflicts":
		return s.adminConflicts(rest, out)
	case "duplicates":
		return s.adminDuplicates(rest, out)
	case "export":
		return s.adminExport(rest, out)
	case "bundle":
		return s.adminBundle(ctx, rest, out)
	case "stats":
		return s.adminStats(out)
	}
	return usagef("unknown command %q", args[0])
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func (s *Server) adminEnroll(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("enroll")
	name := fs.String("device", "", "")
	team := fs.String("team", "", "")
	sites := fs.String("sites", "", "")
	qr := fs.String("qr", "", "")
	addr := fs.String("addr", "", "")
	ttl := fs.Duration("ttl", DefaultEnrollTTL, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" || *sites == "" {
		return usagef("enroll: --device and --sites are required")
	}
	var siteList []string
	for _, site := range strings.Split(*sites, ",") {
		if site = strings.TrimSpace(site); site != "" {
			siteList = append(siteList, site)
		}
	}
	code, err := s.NewEnrollment(ctx, Enrollment{Name: *name, Team: *team, Sites: siteList, TTL: *ttl, Addr: *addr})
	if err != nil {
		return err
	}
	if *qr != "" {
		png, err := pki.EnrollQRPNG(code.String())
		if err != nil {
			return fmt.Errorf("enroll: QR image: %w", err)
		}
		if err := writeFile(*qr, func(w io.Writer) error { _, err := w.Write(png); return err }); err != nil {
			return fmt.Errorf("enroll: %w", err)
		}
	}
	fmt.Fprintln(out, code.String())
	return nil
}

func (s *Server) adminDevices(args []string, out io.Writer) error {
	if err := parse(newFlags("devices"), args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tTEAM\tSITES\tSTATE\tACKED\tLAST SYNC")
	for _, d := range s.Devices() {
		state := "active"
		switch {
		case d.Revoked:
			state = "revoked"
		case d.WipeOrdered && d.WipeSent != 0:
			state = "wiped"
		case d.WipeOrdered:
			state = "wipe ordered"
		case d.Replica == uuid.Nil:
			state = "never synced"
		}
		last := "-"
		if d.LastSync != 0 {
			last = time.UnixMilli(d.LastSync).UTC().Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.Name, d.ID, d.Team, strings.Join(d.Sites, ","), state, d.Acked, last)
	}
	return tw.Flush()
}

func (s *Server) adminConflicts(args []string, out io.Writer) error {
	if err := parse(newFlags("conflicts"), args); err != nil {
		return err
	}
	cs, err := s.Conflicts()
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(out, "no conflicts")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
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

func (s *Server) adminExport(args []string, out io.Writer) error {
	fs := newFlags("export")
	format := fs.String("format", "", "")
	file := fs.String("out", "", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format == "" || *file == "" {
		return usagef("export: --format and --out are required")
	}
	forms, err := registry.BuiltinForms()
	if err != nil {
		return err
	}
	var n int
	err = writeFile(*file, func(w io.Writer) error {
		var err error
		n, err = Export(s.ws, forms, *format, s.cfg.now(), w)
		return err
	})
	if err != nil {
		return err
	}
	if err := s.ws.AuditEvent("export", fmt.Sprintf("%s, %d households", *format, n)); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d households exported to %s\n", n, *file)
	return nil
}

func (s *Server) adminBundle(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef("bundle: import F or export --device D --out F")
	}
	switch args[0] {
	case "import":
		if len(args) != 2 {
			return usagef("bundle import: give one file")
		}
		f, err := os.Open(args[1])
		if err != nil {
			return fmt.Errorf("bundle import: %w", err)
		}
		defer f.Close()
		res, err := s.ImportBundle(ctx, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "bundle from %q: %d changes, %d new, %d quarantined\n", res.Device.Name, res.Changes, res.Stored, res.Quarantined)
		return nil
	case "export":
		fs := newFlags("bundle export")
		device := fs.String("device", "", "")
		file := fs.String("out", "", "")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *device == "" || *file == "" {
			return usagef("bundle export: --device and --out are required")
		}
		var n int
		err := writeFile(*file, func(w io.Writer) error {
			var err error
			n, err = s.ExportBundle(ctx, *device, w)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%d changes for %q written to %s\n", n, *device, *file)
		return nil
	}
	return usagef("bundle: import F or export --device D --out F")
}

func (s *Server) adminStats(out io.Writer) error {
	st, err := s.Stats()
	if err != nil {
		return err
	}
	last := "never"
	if !st.LastSync.IsZero() {
		last = st.LastSync.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(out, "devices: %d (%d revoked), pending enrollments: %d\n", st.Devices, st.Revoked, st.PendingEnrollments)
	fmt.Fprintf(out, "records: %d households, %d persons, %d assessments; %d changes\n", st.Households, st.Persons, st.Assessments, st.Changes)
	fmt.Fprintf(out, "conflicted records: %d, quarantined changes: %d\n", st.Conflicted, st.Quarantined)
	fmt.Fprintf(out, "store: %d bytes; last device sync: %s\n", st.FileSize, last)
	fmt.Fprintf(out, "since start: %d syncs, %d enrollments, %d refused; %d changes in, %d out, %d quarantined, %d commits\n",
		st.Syncs, st.Enrolls, st.Refused, st.Pushed, st.Pulled, st.QuarantinedNow, st.Batches)
	return nil
}

// writeFile writes a new file through fill, owner-only (exports hold
// personal data), removing it again if fill fails.
func writeFile(path string, fill func(io.Writer) error) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%q: the path must be absolute", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
