package hq

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/internal/safefile"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/pki"
)

// Admin is what an operator does to HQ. *Server does it in-process, on the
// data it opened; *AdminClient asks the server running on a data directory,
// over its admin socket. Both return the errors of errors.go, so a caller
// branches the same way on either.
//
// Reads answer from HQ's memory and store at once and take no context.
// Paths name files on the machine HQ runs on and must be absolute: the
// server may run in another directory than the operator.
type Admin interface {
	NewEnrollment(ctx context.Context, e Enrollment) (pki.EnrollCode, error)
	Devices() ([]Device, error)
	Revoke(ctx context.Context, device string) (Device, error)
	Unrevoke(ctx context.Context, device string) (Device, error)
	OrderWipe(ctx context.Context, device string) (Device, error)
	SetSites(ctx context.Context, device string, sites []string) (Device, error)
	ResetAnchor(ctx context.Context, device, reason string) (Device, error)
	Conflicts() ([]Conflict, error)
	Duplicates() ([]DuplicatePair, error)
	ExportFile(ctx context.Context, format, path string) (households int, err error)
	ExportAggregateFile(ctx context.Context, path string, minCell int) (households int, err error)
	ExportFileWith(ctx context.Context, path string, opt ExportOptions) (households int, err error)
	ImportBundleFile(ctx context.Context, path string) (BundleResult, error)
	ExportBundleFile(ctx context.Context, device, path string) (changes int, err error)
	Stats() (Stats, error)
	Quarantine() ([]HeldChange, error)
	ReleaseQuarantine(ctx context.Context, id uint64) (QuarantineAction, error)
	DropQuarantine(ctx context.Context, id uint64) (QuarantineAction, error)
	Pulled(device string) ([]Pull, error)
	Erase(ctx context.Context, record uuid.UUID) (Erasure, error)
	PublishForms(ctx context.Context, forms [][]byte) ([]FormInfo, error)
	Forms() ([]FormInfo, error)
}

var (
	_ Admin = (*Server)(nil)
	_ Admin = (*AdminClient)(nil)
)

// Devices lists the enrolled devices by name.
func (s *Server) Devices() ([]Device, error) {
	st := s.state()
	out := make([]Device, 0, len(st.Devices))
	for _, d := range st.Devices {
		dd := *d
		dd.Sites = slices.Clone(d.Sites)
		out = append(out, dd)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Enrolled < out[j].Enrolled
	})
	return out, nil
}

// Device finds a device by HQ id, workspace id or name.
func (s *Server) Device(key string) (Device, error) {
	d, err := s.state().find(key)
	if err != nil {
		return Device{}, err
	}
	return *d, nil
}

func (s *Server) updateDevice(ctx context.Context, key string, fn func(d *Device)) (Device, error) {
	var out Device
	_, _, err := s.submit(ctx, func(st *state) ([]change.Change, error) {
		d, err := st.find(key)
		if err != nil {
			return nil, err
		}
		fn(d)
		out = *d
		return nil, nil
	})
	return out, err
}

// Revoke refuses every later request of a device.
func (s *Server) Revoke(ctx context.Context, key string) (Device, error) {
	d, err := s.updateDevice(ctx, key, func(d *Device) { d.Revoked = true })
	if err != nil {
		return Device{}, fmt.Errorf("revoke %q: %w", key, err)
	}
	if err := s.auditAdmin(ctx, "revoke", "device "+d.Name+" ("+d.ID.String()+")"); err != nil {
		return d, err
	}
	s.compact("revoke")
	return d, nil
}

// Unrevoke serves a revoked device again (it was found, or revoked by
// mistake). A wipe order stays as it is.
func (s *Server) Unrevoke(ctx context.Context, key string) (Device, error) {
	d, err := s.updateDevice(ctx, key, func(d *Device) { d.Revoked = false })
	if err != nil {
		return Device{}, fmt.Errorf("unrevoke %q: %w", key, err)
	}
	if err := s.auditAdmin(ctx, "unrevoke", "device "+d.Name+" ("+d.ID.String()+")"); err != nil {
		return d, err
	}
	return d, nil
}

// OrderWipe makes a device crypto-erase its workspace on its next contact,
// after HQ has stored what it pushes then. A revoked device is told too, at
// its next attempt; nothing it pushes is stored.
func (s *Server) OrderWipe(ctx context.Context, key string) (Device, error) {
	d, err := s.updateDevice(ctx, key, func(d *Device) { d.WipeOrdered = true })
	if err != nil {
		return Device{}, fmt.Errorf("order wipe of %q: %w", key, err)
	}
	if err := s.auditAdmin(ctx, "wipe order", "device "+d.Name+" ("+d.ID.String()+")"); err != nil {
		return d, err
	}
	s.compact("wipe order")
	return d, nil
}

// SetSites re-scopes a device: at its next sync it removes the households
// of the sites it lost and receives, whole, those of the sites it gained
// (hq/scopefollow.go).
func (s *Server) SetSites(ctx context.Context, key string, sites []string) (Device, error) {
	if len(sites) == 0 || slices.Contains(sites, "") {
		return Device{}, fmt.Errorf("set sites of %q: %w: name at least one site, none empty", key, ErrInvalidRequest)
	}
	if err := s.checkSites(sites); err != nil {
		return Device{}, fmt.Errorf("set sites of %q: %w", key, err)
	}
	d, err := s.updateDevice(ctx, key, func(d *Device) { rescope(d, sites) })
	if err != nil {
		return Device{}, fmt.Errorf("set sites of %q: %w", key, err)
	}
	return d, nil
}

// Conflict is one field of one record with concurrent values.
type Conflict struct {
	Record uuid.UUID
	Kind   string
	Field  string
	Winner change.Version
	Others []change.Version
}

// Conflicts lists every open conflict in HQ's registry.
func (s *Server) Conflicts() ([]Conflict, error) {
	return ListConflicts(s.ws.Conflicted(), s.ws.Get)
}

// ListConflicts lists the open conflicts of the given records, field by
// field (shared with devices, which list their own).
func ListConflicts(ids []uuid.UUID, get func(uuid.UUID) (registry.Record, error)) ([]Conflict, error) {
	var out []Conflict
	for _, id := range ids {
		rec, err := get(id)
		if err != nil {
			return nil, fmt.Errorf("conflicts: %w", err)
		}
		cs := rec.Conflicts()
		for _, f := range slices.Sorted(maps.Keys(cs)) {
			out = append(out, Conflict{Record: id, Kind: rec.Kind, Field: f, Winner: rec.Fields[f].Winner(), Others: cs[f]})
		}
	}
	return out, nil
}

// Stats is a snapshot of HQ's activity since it started and of its store.
type Stats struct {
	Devices, Revoked, PendingEnrollments int
	Households, Persons, Assessments     int
	Changes                              uint64
	Quarantined                          int
	Conflicted                           int
	FileSize                             int64
	Syncs, Enrolls, Refused              int64
	Pushed, Pulled, QuarantinedNow       int64
	Batches                              int64
	LastSync                             time.Time
}

// Stats reports counts of the store and of this process's requests.
func (s *Server) Stats() (Stats, error) {
	st := s.state()
	out := Stats{
		Devices: len(st.Devices), PendingEnrollments: len(st.Tokens),
		Households:  s.ws.Count(registry.KindHousehold),
		Persons:     s.ws.Count(registry.KindPerson),
		Assessments: s.ws.Count(registry.KindAssessment),
		Changes:     s.ws.LastLogSeq(),
		Conflicted:  len(s.ws.Conflicted()),
		FileSize:    s.ws.FileSize(),
		Syncs:       s.stats.syncs.Load(), Enrolls: s.stats.enrolls.Load(), Refused: s.stats.refused.Load(),
		Pushed: s.stats.pushed.Load(), Pulled: s.stats.pulled.Load(), QuarantinedNow: s.stats.quarantined.Load(),
		Batches: s.stats.batches.Load(),
	}
	for _, d := range st.Devices {
		if d.Revoked {
			out.Revoked++
		}
		if t := time.UnixMilli(d.LastSync); d.LastSync != 0 && t.After(out.LastSync) {
			out.LastSync = t
		}
	}
	q, err := s.ws.Quarantined()
	if err != nil {
		return out, fmt.Errorf("stats: %w", err)
	}
	out.Quarantined = len(q)
	return out, nil
}

// ExportFile writes every household in format (FormatCSV, FormatHXL,
// FormatXLSX, FormatJSON or FormatAggregate) to a new owner-only file,
// records the export in the audit log, and returns how many households it
// wrote.
func (s *Server) ExportFile(ctx context.Context, format, path string) (int, error) {
	return s.ExportFileWith(ctx, path, ExportOptions{Format: format})
}

// ExportAggregateFile is ExportFile of FormatAggregate with a small-cell
// threshold: counts of 1 to minCell-1 are written "<minCell" (see
// exchange.Aggregator; 1 suppresses nothing, 0 means the default).
func (s *Server) ExportAggregateFile(ctx context.Context, path string, minCell int) (int, error) {
	return s.ExportFileWith(ctx, path, ExportOptions{Format: FormatAggregate, MinCell: minCell})
}

// ExportFileWith is ExportFile with the options of ExportOptions: the
// table of a CSV export, labels, the byte-order mark.
func (s *Server) ExportFileWith(ctx context.Context, path string, opt ExportOptions) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	forms, err := s.forms()
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := opt.check(forms); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	opt.TmpDir = filepath.Dir(path) // an XLSX export's rows wait beside it, not in a shared /tmp
	var n int
	err = s.writeFile(path, func(w io.Writer) error {
		var err error
		n, err = export(s.ws, forms, opt, s.cfg.now(), w)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	what := opt.Format
	if opt.Kind != "" && opt.Kind != registry.KindPerson {
		what += " of " + opt.Kind
	}
	if opt.Labels {
		what += " with labels"
	}
	if err := s.auditAdmin(ctx, "export", fmt.Sprintf("%s, %d households", what, n)); err != nil {
		return n, err
	}
	return n, nil
}

// ImportBundleFile imports the device bundle in the file at path.
func (s *Server) ImportBundleFile(ctx context.Context, path string) (BundleResult, error) {
	if !filepath.IsAbs(path) {
		return BundleResult{}, fmt.Errorf("import bundle: %w: %q: the path must be absolute", ErrInvalidRequest, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return BundleResult{}, fmt.Errorf("import bundle: %w", err)
	}
	defer f.Close()
	return s.ImportBundle(ctx, f)
}

// ExportBundleFile writes a device's return bundle to a new file at path
// and returns how many changes it holds.
func (s *Server) ExportBundleFile(ctx context.Context, device, path string) (int, error) {
	var n int
	err := s.writeFile(path, func(w io.Writer) error {
		var err error
		n, err = s.ExportBundle(ctx, device, w)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// writeFile writes a new file through fill, owner-only (exports hold
// personal data), through a temporary file that is removed if fill fails
// (internal/safefile). Partial exports a crash left in the directory are
// removed first.
func (s *Server) writeFile(path string, fill func(io.Writer) error) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%w: %q: the path must be absolute", ErrInvalidRequest, path)
	}
	removed, err := safefile.RemoveStale(filepath.Dir(path), s.cfg.now())
	for _, p := range removed {
		s.logf("removed %s, a partial export left by an export that crashed", p)
	}
	if err != nil {
		s.logf("partial exports left by a crash may remain in %s: %v", filepath.Dir(path), err)
	}
	return safefile.Create(path, fill)
}

// Erasure is what Erase did.
type Erasure struct {
	Kind    string
	Records int // the record, and a household's members and assessments
}

// eraser is a Store that erases on request (*store.Workspace does).
type eraser interface {
	Erase(id uuid.UUID) ([]store.Logged, error)
}

// Erase erases a record on request, with a household's members and
// assessments: HQ keeps a tombstone and no value (store.Workspace.Erase),
// and the erasures, logged like any change, reach every device that may
// receive the record at its next sync, where they erase it too. The store
// audits it by record id and field names, never a value.
func (s *Server) Erase(ctx context.Context, record uuid.UUID) (Erasure, error) {
	er, ok := s.ws.(eraser)
	if !ok {
		return Erasure{}, fmt.Errorf("erase %s: %w: this store cannot erase", record, ErrInvalidRequest)
	}
	rec, err := s.ws.Get(record)
	if err != nil {
		return Erasure{}, fmt.Errorf("erase %s: %w", record, err)
	}
	var out Erasure
	// On the ingest goroutine, so that the log index takes the erasures in
	// the order the store numbered them.
	err = s.run(ctx, func(*state) error {
		logged, err := er.Erase(record)
		if len(logged) > 0 {
			changes := make([]change.Change, len(logged))
			results := make([]store.Result, len(logged))
			for i, l := range logged {
				changes[i], results[i] = l.Change, store.Result{Outcome: store.Applied, LogSeq: l.LogSeq}
			}
			s.log.add(changes, results)
		}
		out = Erasure{Kind: rec.Kind, Records: len(logged)}
		return err
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("erase %s: %w", record, err)
	}
	return out, nil
}
