package hq

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/registry/match"
	"fieldreg/store"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// WorkspaceDir is where, inside the data directory, HQ keeps its store.
const WorkspaceDir = "workspace"

// hqUser is the name of HQ's key slot in its workspace.
const hqUser = "hq"

// Config says where HQ's data is and how to unlock it.
type Config struct {
	Dir        string // data directory
	Passphrase []byte
	Now        func() time.Time // nil → time.Now
	KDF        store.KDFParams  // for Init; zero → the store's default
	Timeout    time.Duration    // wait for another process's lock; zero → the store's default
	// ValidateChange checks each pushed change against the form version it
	// names (the CLI passes registry.Forms.ChangeValidator, which refuses a
	// version HQ does not hold: such a change is held until it does);
	// record-level rules are the author's. nil: Validate checks the record
	// a change produces instead.
	ValidateChange func(change.Change) error
	// ValidateUnit checks the records a pushed household brings into being
	// by its author's record-level rules, which ValidateChange leaves out
	// (store.Options.ValidateUnit; the CLI passes formrun.UnitRules.Check):
	// an old or buggy client's household without consent, or with two
	// heads, is held in quarantine whole. nil: not checked.
	ValidateUnit func(records []registry.Record, forms []string) error
	// Validate checks every record HQ's own changes produce (an erasure),
	// and the records pushed changes produce when ValidateChange is nil;
	// nil checks nothing but the change's shape.
	Validate func(registry.Record) error
	// FormRef names the form version HQ's own changes record (store.Options.FormRef).
	FormRef func(kind string) string
	// Forms, when set, holds HQ's forms: the built-ins and the versions it
	// published (hq/forms.go), kept current by the store; the CLI makes
	// Validate, ValidateChange and FormRef from it. nil: the built-in forms
	// only.
	Forms *store.FormSet
	Logf  func(format string, args ...any) // nil → silent
	// Database is where Init puts a new HQ's buckets: "" for the encrypted
	// bbolt file in the data directory, or a postgres:// URL ("postgres:"
	// alone: the PG* environment variables). Init records it in the
	// workspace directory, so Open finds it without being told; the key
	// file stays in the directory either way.
	Database string
	// Analytics turns on the analytics schema beside a PostgreSQL store
	// (analytics.go); off by default.
	Analytics AnalyticsConfig

	// What one HQ gives the network (see http.go): connections open at
	// once (zero → DefaultMaxConns), syncs decoded and run at once (zero →
	// DefaultMaxSyncs), and how long an upload or answer may take to start
	// before it must keep up minRate (zero → DefaultTransferGrace).
	MaxConns      int
	MaxSyncs      int
	TransferGrace time.Duration
}

// Defaults of Config's network bounds.
const (
	DefaultMaxConns      = 256
	DefaultMaxSyncs      = 8
	DefaultTransferGrace = 30 * time.Second
)

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (c Config) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c Config) storeOptions(indexes ...store.Indexer) store.Options {
	return store.Options{KDF: c.KDF, Now: c.Now, Timeout: c.Timeout, Validate: c.Validate, ValidateChange: c.ValidateChange,
		ValidateUnit: c.ValidateUnit, FormRef: c.FormRef, Indexes: indexes, MaxAhead: MaxClockAhead, Forms: c.Forms}
}

// Init creates HQ in cfg.Dir: its workspace, its CA and its server
// certificate for hosts. addr is the
// host:port devices will be told to reach.
func Init(cfg Config, addr string, hosts []string) error {
	meta, err := initialMeta(cfg, addr, hosts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("init HQ: %w", err)
	}
	opts := cfg.storeOptions(newScope())
	opts.Database = cfg.Database
	ws, err := store.Create(filepath.Join(cfg.Dir, WorkspaceDir), hqUser, cfg.Passphrase, opts)
	if err != nil {
		return fmt.Errorf("init HQ: %w", err)
	}
	defer ws.Close()
	if err := putMeta(ws, meta); err != nil {
		return err
	}
	return ws.Close()
}

// InitStore makes an empty store HQ's, as Init does for the workspace in
// cfg.Dir: a new CA, a server certificate for addr's host and hosts, and no
// devices yet. OpenStore then serves from it.
func InitStore(cfg Config, st Store, addr string, hosts []string) error {
	meta, err := initialMeta(cfg, addr, hosts)
	if err != nil {
		return err
	}
	return putMeta(st, meta)
}

// initialMeta is HQ's state before any device enrolls.
func initialMeta(cfg Config, addr string, hosts []string) (map[string][]byte, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("init HQ: address %q: %w", addr, err)
	}
	now := cfg.now()
	ca, err := pki.NewCA("Fieldreg HQ", now)
	if err != nil {
		return nil, fmt.Errorf("init HQ: %w", err)
	}
	host, _, _ := net.SplitHostPort(addr)
	names := append([]string{host, "localhost", "127.0.0.1", "::1"}, hosts...)
	cert, err := ca.ServerCert(names, now)
	if err != nil {
		return nil, fmt.Errorf("init HQ: %w", err)
	}
	caPEM, err := pki.MarshalCA(ca)
	if err != nil {
		return nil, fmt.Errorf("init HQ: %w", err)
	}
	certPEM, err := pki.MarshalTLSCert(cert)
	if err != nil {
		return nil, fmt.Errorf("init HQ: %w", err)
	}
	st, err := encodeState(newState())
	if err != nil {
		return nil, err
	}
	return map[string][]byte{metaCA: caPEM, metaServerCert: certPEM, metaAddr: []byte(addr), metaState: st}, nil
}

func putMeta(st Store, meta map[string][]byte) error {
	for name, value := range meta {
		if err := st.PutMeta(name, value); err != nil {
			return fmt.Errorf("init HQ: %w", err)
		}
	}
	return nil
}

// Server is an open HQ. Its methods are safe for concurrent use.
type Server struct {
	cfg    Config
	ws     Store
	ca     *pki.CA
	cert   tls.Certificate
	addr   string
	scope  *scope
	dups   *match.RecordIndex // persons registered twice, across all devices
	log    logIndex
	limits wire.Limits

	mu sync.RWMutex
	st *state // published state: never modified, replaced by ingest

	jobs     chan *job
	quit     chan struct{}
	stopped  chan struct{}
	closeMu  sync.Mutex
	closed   bool
	inflight sync.WaitGroup

	stats    counters
	formDocs atomic.Pointer[[]store.FormDoc] // the published forms (hq/forms.go)
	clockDue atomic.Int64                    // Unix ms when a change held for its clock may be released; 0 none

	// Syncs in progress: at most cap(syncSlots), one per device (admit).
	syncSlots chan struct{}
	syncingMu sync.Mutex
	syncing   map[uuid.UUID]bool

	analytics *analytics // nil unless Config.Analytics.On
}

type counters struct {
	syncs, enrolls, refused, pushed, pulled, quarantined, batches atomic.Int64
}

// Open unlocks HQ's workspace in cfg.Dir and starts its ingest goroutine.
// Close it when done.
func Open(cfg Config) (*Server, error) {
	cfg, err := cfg.withForms()
	if err != nil {
		return nil, fmt.Errorf("open HQ: %w", err)
	}
	dir := filepath.Join(cfg.Dir, WorkspaceDir)
	if !store.Exists(dir) {
		return nil, fmt.Errorf("open HQ in %q: %w", cfg.Dir, ErrNotInitialized)
	}
	s, err := OpenStore(cfg, func(indexes ...store.Indexer) (Store, error) {
		return store.Open(dir, hqUser, cfg.Passphrase, cfg.storeOptions(indexes...))
	})
	if err != nil || !cfg.Analytics.On {
		return s, err
	}
	url, err := store.DatabaseURL(dir)
	if err == nil && url == "" {
		err = ErrAnalyticsNeedsPostgres
	}
	if err == nil {
		err = s.startAnalytics(url)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open HQ: %w", err)
	}
	return s, nil
}

// OpenStore starts HQ on the store open returns, which must already hold
// what Init writes (CA, certificate, address, state). open is given the
// in-memory indexes HQ keeps (device scope, duplicates); the store must
// feed them every record when it opens and after every change, as
// store.Options.Indexes says, and refuse stamps more than MaxClockAhead
// ahead of cfg.Now (store.Options.MaxAhead). cfg.Dir is where the admin
// socket goes.
func OpenStore(cfg Config, open func(indexes ...store.Indexer) (Store, error)) (*Server, error) {
	cfg, err := cfg.withForms()
	if err != nil {
		return nil, fmt.Errorf("open HQ: %w", err)
	}
	sc := newScope()
	dups := match.NewRecordIndex(match.DefaultConfig())
	ws, err := open(sc, dups)
	if err != nil {
		return nil, fmt.Errorf("open HQ: %w", err)
	}
	s := &Server{cfg: cfg, ws: ws, scope: sc, dups: dups, limits: wire.DefaultLimits(),
		jobs: make(chan *job, 256), quit: make(chan struct{}), stopped: make(chan struct{}),
		syncSlots: make(chan struct{}, orDefault(cfg.MaxSyncs, DefaultMaxSyncs)), syncing: map[uuid.UUID]bool{}}
	err = s.load()
	if err == nil {
		err = s.log.load(ws)
	}
	if err == nil {
		err = s.loadPublished()
	}
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("open HQ: %w", err)
	}
	s.clockDue.Store(1) // look at what is held once
	go s.ingest()
	return s, nil
}

func (s *Server) load() error {
	meta := func(name string) ([]byte, error) {
		b, err := s.ws.Meta(name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%s missing: %w", name, ErrNotInitialized)
		}
		return b, err
	}
	b, err := meta(metaCA)
	if err != nil {
		return err
	}
	if s.ca, err = pki.ParseCA(b); err != nil {
		return err
	}
	if b, err = meta(metaServerCert); err != nil {
		return err
	}
	if s.cert, err = pki.ParseTLSCert(b); err != nil {
		return err
	}
	if b, err = meta(metaAddr); err != nil {
		return err
	}
	s.addr = string(b)
	if b, err = meta(metaState); err != nil {
		return err
	}
	s.st, err = decodeState(b)
	return err
}

// Close stops the ingest goroutine once queued work is done and locks the
// workspace.
func (s *Server) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	s.closeMu.Unlock()
	s.inflight.Wait() // no submit is between its closed check and its send
	close(s.quit)
	<-s.stopped
	if s.analytics != nil {
		<-s.analytics.done
	}
	return s.ws.Close()
}

// DrainTimeout bounds how long Serve, told to stop (SIGTERM), waits for
// the requests under way to be answered. The longest a device's request
// takes is its batch on the slowest link: the largest a client sends (2 MiB
// before compression, about 400 KB on the wire) passes 64 kbit/s in under
// a minute. Service
// managers kill a process that has not stopped after 90 s by default
// (systemd), so 60 s lets a drain finish before that.
const DrainTimeout = 60 * time.Second

// drain stops hs taking connections, closes the idle ones, and waits up to
// bound for the requests under way to be answered, so a device mid-push
// when HQ is stopped gets its acknowledgement instead of a cut. Whatever
// is still running after bound is cut: its device retries later, and
// loses nothing (a batch is stored whole or not at all).
func drain(hs *http.Server, bound time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		hs.Close()
	}
}

// enter registers a caller that may submit jobs; it fails once Close began.
func (s *Server) enter() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.inflight.Add(1)
	return nil
}

func (s *Server) state() *state {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// Workspace gives read access to HQ's store (exports, tests). Writes must go
// through the server.
func (s *Server) Workspace() Store { return s.ws }

// Addr is the host:port devices are told to reach.
func (s *Server) Addr() string { return s.addr }

// Fingerprint is the server certificate's, as enrollment codes pin it.
func (s *Server) Fingerprint() string { return pki.Fingerprint(s.cert.Certificate[0]) }

// CA is HQ's certificate authority.
func (s *Server) CA() *pki.CA { return s.ca }

// TLSConfig is the server side of every connection: HQ's certificate, and a
// client certificate verified against HQ's CA when one is given (only
// enrollment goes without; the sync handler insists on one).
func (s *Server) TLSConfig() *tls.Config {
	// Devices hold the CA certificate already: sending only the leaf saves
	// a few hundred bytes on every handshake over a metered link.
	leaf := s.cert
	leaf.Certificate = leaf.Certificate[:1]
	return pki.ServerTLSConfig(leaf, s.ca)
}
