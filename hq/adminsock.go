package hq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/sync/pki"
)

// SocketName is the admin socket's path in the data directory. It sits in
// a directory of its own, owner-only before the socket exists, so that no
// other user can reach the socket in the moment between its creation and
// its chmod.
const SocketName = "admin/admin.sock"

// maxAdminMessage bounds one admin request or response.
const maxAdminMessage = 64 << 20

// The admin socket carries one CBOR request and one CBOR response per
// connection. A request names its operation and carries its arguments; a
// response carries the operation's result, or an error code and the
// error's text. Both ends are this package, but a server may outlive the
// binary of the client that calls it: never renumber.

// adminOp names an admin operation on the socket.
type adminOp uint8

const (
	opNewEnrollment adminOp = 1
	opDevices       adminOp = 2
	opRevoke        adminOp = 3
	opOrderWipe     adminOp = 4
	opConflicts     adminOp = 5
	opDuplicates    adminOp = 6
	opExport        adminOp = 7
	opImportBundle  adminOp = 8
	opExportBundle  adminOp = 9
	opStats         adminOp = 10
	opQuarantine    adminOp = 11
	opRelease       adminOp = 12
	opDrop          adminOp = 13
	opUnrevoke      adminOp = 14
	opPulled        adminOp = 15
	opSetSites      adminOp = 16
	opErase         adminOp = 17
	opResetAnchor   adminOp = 18
	// 19 is left to an operation being added alongside.
	opExportAggregate adminOp = 20
	opPublishForms    adminOp = 21
	opForms           adminOp = 22
)

type adminRequest struct {
	Op     adminOp       `cbor:"1,keyasint"`
	Name   string        `cbor:"2,keyasint,omitempty"` // enrollment: device name
	Team   string        `cbor:"3,keyasint,omitempty"`
	Sites  []string      `cbor:"4,keyasint,omitempty"`
	TTL    time.Duration `cbor:"5,keyasint,omitempty"`
	Addr   string        `cbor:"6,keyasint,omitempty"`
	Device string        `cbor:"7,keyasint,omitempty"` // id or name
	Format string        `cbor:"8,keyasint,omitempty"`
	Path   string        `cbor:"9,keyasint,omitempty"`
	ID     uint64        `cbor:"10,keyasint,omitempty"` // a quarantined change
	Record uuid.UUID     `cbor:"11,keyasint,omitempty"` // a record to erase
	// MinCell is the aggregate export's small-cell threshold.
	MinCell int `cbor:"20,keyasint,omitempty"`
	// The export's other options (ExportOptions); a server that predates
	// them ignores them and exports codes, person-level, without a mark.
	Kind   string `cbor:"30,keyasint,omitempty"`
	Labels bool   `cbor:"31,keyasint,omitempty"`
	Lang   string `cbor:"32,keyasint,omitempty"`
	BOM    bool   `cbor:"33,keyasint,omitempty"`
	// Reason is why an operator acts, for the audit log (anchor reset).
	Reason string `cbor:"40,keyasint,omitempty"`
	// Forms are the JSON of the form versions to publish.
	Forms [][]byte `cbor:"21,keyasint,omitempty"`
}

type adminResponse struct {
	Code   adminCode       `cbor:"1,keyasint,omitempty"`
	Error  string          `cbor:"2,keyasint,omitempty"` // for people; never parsed
	Result cbor.RawMessage `cbor:"3,keyasint,omitempty"`
}

// adminCode is an error's code on the admin socket: 0 no error, 1 an error
// no caller branches on, the others one sentinel each.
type adminCode uint8

const codeFailed adminCode = 1

// adminErrors lists the sentinels the socket carries, each at its code.
var adminErrors = []struct {
	code     adminCode
	sentinel error
}{
	{2, ErrUnknownDevice},
	{3, ErrAmbiguousDevice},
	{4, ErrDeviceRevoked},
	{5, ErrInvalidRequest},
	{6, ErrClosed},
	{7, ErrNotInitialized},
	{8, fs.ErrExist},
	{9, fs.ErrNotExist},
	{10, ErrNotHeld},
	{11, ErrStillRefused},
}

// codeOf is err's code: the first sentinel it wraps, else codeFailed.
func codeOf(err error) adminCode {
	if err == nil {
		return 0
	}
	for _, e := range adminErrors {
		if errors.Is(err, e.sentinel) {
			return e.code
		}
	}
	return codeFailed
}

// sentinelOf is the sentinel a code stands for; nil for codeFailed and for
// codes a newer server may send that this binary does not know.
func sentinelOf(code adminCode) error {
	for _, e := range adminErrors {
		if e.code == code {
			return e.sentinel
		}
	}
	return nil
}

// remoteError is an error a server reported: its text, and the sentinel its
// code stands for, so that errors.Is works on this side of the socket.
type remoteError struct {
	msg      string
	sentinel error // nil for codeFailed or a code this binary does not know
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.sentinel }

var adminEnc = func() cbor.EncMode {
	opts := cbor.CoreDetEncOptions()
	opts.Time = cbor.TimeRFC3339Nano
	em, err := opts.EncMode()
	if err != nil {
		panic(err) // constant options: fails at init or never
	}
	return em
}()

var adminDec = func() cbor.DecMode {
	dm, err := cbor.DecOptions{
		MaxNestedLevels:  16,
		MaxArrayElements: 1 << 24,
		MaxMapPairs:      1 << 16,
		IndefLength:      cbor.IndefLengthForbidden,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err) // constant options: fails at init or never
	}
	return dm
}()

// ServeAdmin answers admin requests on the socket in the data directory
// until ctx ends. The socket is owner-only, in an owner-only directory, and
// on Linux each connection's peer must be the server's own user (or root):
// whoever can open it could as well read the data directory.
func (s *Server) ServeAdmin(ctx context.Context) error {
	path := filepath.Join(s.cfg.Dir, SocketName)
	if err := ownerOnlyDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	// This process holds the store's lock, so a socket left here is stale.
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	defer os.Remove(path)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("admin socket: %w", err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("admin socket: %w", err)
		}
		go s.answerAdmin(ctx, c)
	}
}

// ownerOnlyDir makes dir a directory only its owner may enter, creating it
// if need be, and refuses anything else found there (a symlink, a file).
func ownerOnlyDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory (%s)", dir, fi.Mode().Type())
	}
	// An existing directory may have been widened since: narrow it before
	// the socket appears in it.
	return os.Chmod(dir, 0o700)
}

// errPeerRefused is the answer to a connection from another user.
var errPeerRefused = errors.New("the admin socket serves only the user running fieldreg-hq")

// admitPeer decides whether a peer whose user id the kernel reported may
// use the socket: the server's own user, or root (who could read the data
// directory anyway).
func admitPeer(peer, server int) error {
	if peer == server || peer == 0 {
		return nil
	}
	return fmt.Errorf("%w: connection from uid %d refused (the server runs as uid %d)", errPeerRefused, peer, server)
}

func (s *Server) answerAdmin(ctx context.Context, c net.Conn) {
	defer c.Close()
	who := currentActor()
	uid, known, err := peerUID(c)
	if err == nil && known {
		who = actorOf(uid)
		err = admitPeer(uid, os.Getuid())
	}
	if err != nil {
		s.logf("admin: %v", err)
		adminEnc.NewEncoder(c).Encode(adminResponse{Code: codeFailed, Error: err.Error()})
		return
	}
	var req adminRequest
	if err := adminDec.NewDecoder(io.LimitReader(c, maxAdminMessage)).Decode(&req); err != nil {
		return
	}
	result, err := s.runAdmin(withActor(ctx, who), req)
	var resp adminResponse
	if err == nil {
		resp.Result, err = adminEnc.Marshal(result)
	}
	if err != nil {
		resp = adminResponse{Code: codeOf(err), Error: err.Error()}
	}
	s.logf("admin: %s by %s: %v", req.Op, who, errOrOK(err))
	adminEnc.NewEncoder(c).Encode(resp)
}

// runAdmin runs one request on s: the operation the client's method named.
func (s *Server) runAdmin(ctx context.Context, req adminRequest) (any, error) {
	switch req.Op {
	case opNewEnrollment:
		return s.NewEnrollment(ctx, Enrollment{Name: req.Name, Team: req.Team, Sites: req.Sites, TTL: req.TTL, Addr: req.Addr})
	case opDevices:
		return s.Devices()
	case opRevoke:
		return s.Revoke(ctx, req.Device)
	case opUnrevoke:
		return s.Unrevoke(ctx, req.Device)
	case opSetSites:
		return s.SetSites(ctx, req.Device, req.Sites)
	case opOrderWipe:
		return s.OrderWipe(ctx, req.Device)
	case opResetAnchor:
		return s.ResetAnchor(ctx, req.Device, req.Reason)
	case opConflicts:
		return s.Conflicts()
	case opDuplicates:
		return s.Duplicates()
	case opExport:
		return s.ExportFileWith(ctx, req.Path, ExportOptions{Format: req.Format, Kind: req.Kind, Labels: req.Labels, Lang: req.Lang, BOM: req.BOM, MinCell: req.MinCell})
	case opExportAggregate:
		return s.ExportAggregateFile(ctx, req.Path, req.MinCell)
	case opImportBundle:
		return s.ImportBundleFile(ctx, req.Path)
	case opExportBundle:
		return s.ExportBundleFile(ctx, req.Device, req.Path)
	case opStats:
		return s.Stats()
	case opQuarantine:
		return s.Quarantine()
	case opRelease:
		return s.ReleaseQuarantine(ctx, req.ID)
	case opDrop:
		return s.DropQuarantine(ctx, req.ID)
	case opPulled:
		return s.Pulled(req.Device)
	case opErase:
		return s.Erase(ctx, req.Record)
	case opPublishForms:
		return s.PublishForms(ctx, req.Forms)
	case opForms:
		return s.Forms()
	}
	return nil, fmt.Errorf("admin: %w: operation %d unknown to this server (a newer fieldreg-hq?)", ErrInvalidRequest, req.Op)
}

var opNames = map[adminOp]string{opNewEnrollment: "enroll", opDevices: "devices", opRevoke: "revoke", opUnrevoke: "unrevoke", opOrderWipe: "wipe",
	opConflicts: "conflicts", opDuplicates: "duplicates", opExport: "export", opImportBundle: "bundle import",
	opExportBundle: "bundle export", opStats: "stats", opQuarantine: "quarantine", opRelease: "quarantine release",
	opDrop: "quarantine drop", opPulled: "pulled", opSetSites: "scope", opResetAnchor: "anchor reset", opErase: "erase", opExportAggregate: "aggregate export",
	opPublishForms: "form publish", opForms: "form list"}

func (op adminOp) String() string {
	if n, ok := opNames[op]; ok {
		return n
	}
	return fmt.Sprintf("operation %d", uint8(op))
}

func errOrOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

// AdminClient runs admin operations on the server running on a data
// directory, through its admin socket. Each method returns ErrNoServer when
// no server answers there; the server's errors come back with their
// sentinels, as if the method had run in-process.
type AdminClient struct {
	dir string
	// Timeout bounds the methods that take no context (the reads).
	Timeout time.Duration
}

// NewAdminClient returns a client of the server running on dir.
func NewAdminClient(dir string) *AdminClient {
	return &AdminClient{dir: dir, Timeout: time.Minute}
}

// dialAdmin connects to the admin socket, trying again for up to two
// seconds while the socket is there but refuses (a server busy accepting,
// or a full backlog): only a socket that is missing, or keeps refusing,
// means no server.
func dialAdmin(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	for {
		c, err := d.DialContext(ctx, "unix", path)
		if err == nil || errors.Is(err, fs.ErrNotExist) || ctx.Err() != nil {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// call sends req and decodes the result into a T.
func call[T any](ctx context.Context, a *AdminClient, req adminRequest) (T, error) {
	var out T
	c, err := dialAdmin(ctx, filepath.Join(a.dir, SocketName))
	if err != nil {
		return out, fmt.Errorf("%w (%v)", ErrNoServer, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	// Closing the connection is what interrupts a read or write in flight.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := adminEnc.NewEncoder(c).Encode(req); err != nil {
		return out, fmt.Errorf("admin socket: %s: %w", req.Op, err)
	}
	var resp adminResponse
	if err := adminDec.NewDecoder(io.LimitReader(c, maxAdminMessage)).Decode(&resp); err != nil {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		return out, fmt.Errorf("admin socket: %s: no answer from the server: %w", req.Op, err)
	}
	if resp.Code != 0 {
		return out, &remoteError{msg: resp.Error, sentinel: sentinelOf(resp.Code)}
	}
	if err := adminDec.Unmarshal(resp.Result, &out); err != nil {
		return out, fmt.Errorf("admin socket: %s: the server's answer: %w", req.Op, err)
	}
	return out, nil
}

// read is call for the methods without a context.
func read[T any](a *AdminClient, req adminRequest) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), a.Timeout)
	defer cancel()
	return call[T](ctx, a, req)
}

// NewEnrollment asks the server for an enrollment code.
func (a *AdminClient) NewEnrollment(ctx context.Context, e Enrollment) (pki.EnrollCode, error) {
	return call[pki.EnrollCode](ctx, a, adminRequest{Op: opNewEnrollment, Name: e.Name, Team: e.Team, Sites: e.Sites, TTL: e.TTL, Addr: e.Addr})
}

// Devices lists the server's enrolled devices.
func (a *AdminClient) Devices() ([]Device, error) {
	return read[[]Device](a, adminRequest{Op: opDevices})
}

// Revoke asks the server to refuse every later request of a device.
func (a *AdminClient) Revoke(ctx context.Context, device string) (Device, error) {
	return call[Device](ctx, a, adminRequest{Op: opRevoke, Device: device})
}

// SetSites asks the server to re-scope a device.
func (a *AdminClient) SetSites(ctx context.Context, device string, sites []string) (Device, error) {
	return call[Device](ctx, a, adminRequest{Op: opSetSites, Device: device, Sites: sites})
}

// ResetAnchor asks the server to forget a device's audit anchor.
func (a *AdminClient) ResetAnchor(ctx context.Context, device, reason string) (Device, error) {
	return call[Device](ctx, a, adminRequest{Op: opResetAnchor, Device: device, Reason: reason})
}

// Unrevoke asks the server to serve a revoked device again.
func (a *AdminClient) Unrevoke(ctx context.Context, device string) (Device, error) {
	return call[Device](ctx, a, adminRequest{Op: opUnrevoke, Device: device})
}

// OrderWipe asks the server to order a device to wipe itself.
func (a *AdminClient) OrderWipe(ctx context.Context, device string) (Device, error) {
	return call[Device](ctx, a, adminRequest{Op: opOrderWipe, Device: device})
}

// Conflicts lists the server's open conflicts.
func (a *AdminClient) Conflicts() ([]Conflict, error) {
	return read[[]Conflict](a, adminRequest{Op: opConflicts})
}

// Duplicates lists the server's likely and possible duplicate pairs.
func (a *AdminClient) Duplicates() ([]DuplicatePair, error) {
	return read[[]DuplicatePair](a, adminRequest{Op: opDuplicates})
}

// ExportFile has the server export every household to a new file at path.
func (a *AdminClient) ExportFile(ctx context.Context, format, path string) (int, error) {
	return call[int](ctx, a, adminRequest{Op: opExport, Format: format, Path: path})
}

// ExportFileWith has the server export every household to a new file at
// path, with options.
func (a *AdminClient) ExportFileWith(ctx context.Context, path string, opt ExportOptions) (int, error) {
	return call[int](ctx, a, adminRequest{Op: opExport, Format: opt.Format, Path: path, Kind: opt.Kind,
		Labels: opt.Labels, Lang: opt.Lang, BOM: opt.BOM, MinCell: opt.MinCell})
}

// ExportAggregateFile has the server write the aggregate table, with its
// small-cell threshold, to a new file at path.
func (a *AdminClient) ExportAggregateFile(ctx context.Context, path string, minCell int) (int, error) {
	return call[int](ctx, a, adminRequest{Op: opExportAggregate, Path: path, MinCell: minCell})
}

// ImportBundleFile has the server import the device bundle at path.
func (a *AdminClient) ImportBundleFile(ctx context.Context, path string) (BundleResult, error) {
	return call[BundleResult](ctx, a, adminRequest{Op: opImportBundle, Path: path})
}

// ExportBundleFile has the server write a device's return bundle to path.
func (a *AdminClient) ExportBundleFile(ctx context.Context, device, path string) (int, error) {
	return call[int](ctx, a, adminRequest{Op: opExportBundle, Device: device, Path: path})
}

// Stats asks the server for its counts.
func (a *AdminClient) Stats() (Stats, error) {
	return read[Stats](a, adminRequest{Op: opStats})
}

// Quarantine lists the changes the server holds in quarantine.
func (a *AdminClient) Quarantine() ([]HeldChange, error) {
	return read[[]HeldChange](a, adminRequest{Op: opQuarantine})
}

// ReleaseQuarantine has the server release a held change with its unit.
func (a *AdminClient) ReleaseQuarantine(ctx context.Context, id uint64) (QuarantineAction, error) {
	return call[QuarantineAction](ctx, a, adminRequest{Op: opRelease, ID: id})
}

// Pulled asks the server what it gave a device in its pulls.
func (a *AdminClient) Pulled(device string) ([]Pull, error) {
	return read[[]Pull](a, adminRequest{Op: opPulled, Device: device})
}

// DropQuarantine has the server drop a held change with its unit.
func (a *AdminClient) DropQuarantine(ctx context.Context, id uint64) (QuarantineAction, error) {
	return call[QuarantineAction](ctx, a, adminRequest{Op: opDrop, ID: id})
}

// Erase erases a record on request.
func (a *AdminClient) Erase(ctx context.Context, record uuid.UUID) (Erasure, error) {
	return call[Erasure](ctx, a, adminRequest{Op: opErase, Record: record})
}

// PublishForms has the server publish form versions (their JSON).
func (a *AdminClient) PublishForms(ctx context.Context, forms [][]byte) ([]FormInfo, error) {
	return call[[]FormInfo](ctx, a, adminRequest{Op: opPublishForms, Forms: forms})
}

// Forms lists the form versions the server holds.
func (a *AdminClient) Forms() ([]FormInfo, error) {
	return read[[]FormInfo](a, adminRequest{Op: opForms})
}
