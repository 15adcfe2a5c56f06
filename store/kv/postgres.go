package kv

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockKey is the advisory lock the open database holds: one writer per
// database, as bbolt's file lock gives one per file.
const lockKey = 0x666965_6c6472 // "fieldr"

// A cursor fetches firstPage rows where it lands, then pages four times
// larger up to maxPage as it walks on: HQ reads single changes by seeking
// to them (each pulled change), and a page of 512 sealed values for one is
// most of a pull's time; a long scan still gets large pages.
const (
	firstPage = 16
	maxPage   = 512
)

// copyFrom is the number of buffered writes from which a flush goes through
// COPY instead of a batch of statements.
const copyFrom = 256

// maxBuffered bounds the writes a transaction buffers before flushing them.
const maxBuffered = 4096

// Postgres is the PostgreSQL engine: buckets are rows of one table, kv.
type Postgres struct {
	pool *pgxpool.Pool
	// writer is the connection that holds the advisory lock; every Update
	// runs on it, one at a time.
	writer *pgxpool.Conn
	mu     sync.Mutex // serializes Update on writer

	// buckets are the bucket names known to exist: buckets are only ever
	// created (by a committed Update) or all dropped together, so a name
	// once seen needs no query again.
	bucketsMu sync.Mutex
	buckets   map[string]bool

	sizeMu   sync.Mutex
	size     int64     // what PostgreSQL said at sizeTime
	sizeTime time.Time // zero: ask again
	since    int64     // bytes flushed since then
}

// OpenPostgres connects to the database named by dsn (a postgres:// URL or a
// key=value string; empty fields come from the PG* environment variables),
// brings its schema up to date and takes the writer's lock, waiting up to
// timeout for another process to let it go (ErrInUse after it).
func OpenPostgres(ctx context.Context, dsn string, timeout time.Duration) (*Postgres, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		// HQ writes on one connection and reads on the others, a pull or
		// an admin command each: pgxpool's default (the CPUs, at least 4)
		// leaves few readers on a small host.
		cfg.MaxConns = int32(max(16, 4*runtime.NumCPU()))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	p := &Postgres{pool: pool, buckets: map[string]bool{}}
	if err := p.takeLock(ctx, timeout); err != nil {
		pool.Close()
		return nil, err
	}
	if err := p.migrate(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Postgres) takeLock(ctx context.Context, timeout time.Duration) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(lockKey)).Scan(&ok); err != nil {
			conn.Release()
			return fmt.Errorf("postgres: lock: %w", err)
		}
		if ok {
			p.writer = conn
			return nil
		}
		if time.Now().After(deadline) {
			conn.Release()
			return ErrInUse
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// migrate applies the embedded migrations not yet applied, each in its own
// transaction, recorded in schema_version.
func (p *Postgres) migrate(ctx context.Context) error {
	c := p.writer.Conn()
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: schema_version: %w", err)
	}
	var have int
	if err := c.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return fmt.Errorf("postgres: schema_version: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	if len(names) < have {
		return fmt.Errorf("postgres: the database has schema version %d, this build knows %d: use a newer build", have, len(names))
	}
	for _, name := range names {
		base := path.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: no number", base)
		}
		if n <= have {
			continue
		}
		sql, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, n, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
	}
	return nil
}

// Pool is the connection pool, for what sits beside the buckets (an
// analytics schema).
func (p *Postgres) Pool() *pgxpool.Pool { return p.pool }

func (p *Postgres) View(fn func(Tx) error) error {
	ctx := context.Background()
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	t := &pgTx{p: p, tx: tx, ctx: ctx, read: map[bufKey][]byte{}}
	if err := fn(t); err != nil {
		return err
	}
	return t.err
}

func (p *Postgres) Update(fn func(Tx) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.writer == nil {
		return ErrClosed
	}
	ctx := context.Background()
	tx, err := p.writer.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer tx.Rollback(ctx)
	t := &pgTx{p: p, tx: tx, ctx: ctx, writable: true, buf: map[bufKey]*[]byte{}, read: map[bufKey][]byte{}}
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	if err := t.flush(); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	p.bucketsMu.Lock()
	for _, name := range t.created {
		p.buckets[name] = true
	}
	p.bucketsMu.Unlock()
	return nil
}

// Size is the bytes of the kv table with its indexes and TOAST. The store
// asks on every write, so PostgreSQL is asked at most once a second and
// the bytes flushed since are added to what it said.
func (p *Postgres) Size() int64 {
	p.sizeMu.Lock()
	defer p.sizeMu.Unlock()
	if time.Since(p.sizeTime) >= time.Second {
		var n int64
		if err := p.pool.QueryRow(context.Background(), `SELECT pg_total_relation_size('kv')`).Scan(&n); err == nil {
			p.size, p.sizeTime, p.since = n, time.Now(), 0
		}
	}
	return p.size + p.since
}

func (p *Postgres) flushed(n int64) {
	p.sizeMu.Lock()
	p.since += n
	p.sizeMu.Unlock()
}

// Close lets the writer's lock go and closes every connection.
func (p *Postgres) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.writer == nil {
		return nil
	}
	// Releasing a connection with a session lock would hand the lock to
	// the pool: close it instead, which ends the session.
	p.writer.Hijack().Close(context.Background())
	p.writer = nil
	p.pool.Close()
	return nil
}

type bufKey struct{ bucket, key string }

type pgTx struct {
	p        *Postgres
	tx       pgx.Tx
	ctx      context.Context
	writable bool
	// buf holds the writes not yet sent: a nil value pointer is a delete.
	buf map[bufKey]*[]byte
	// read caches what Get read from the database in this transaction (nil:
	// absent): its snapshot does not change, and its own writes are in buf.
	// The store reads the same keys again within one transaction (a
	// record's current value, then the seen key of each change), and each
	// miss is a round trip.
	read    map[bufKey][]byte
	created []string // buckets this transaction made
	err     error    // the first failure; the transaction rolls back
}

func (t *pgTx) fail(err error) {
	if t.err == nil {
		t.err = fmt.Errorf("postgres: %w", err)
	}
}

func (t *pgTx) Bucket(name string) Bucket {
	t.p.bucketsMu.Lock()
	known := t.p.buckets[name]
	t.p.bucketsMu.Unlock()
	if known || slices.Contains(t.created, name) {
		return &pgBucket{t: t, name: name}
	}
	var one int
	err := t.tx.QueryRow(t.ctx, `SELECT 1 FROM kv_buckets WHERE name = $1`, name).Scan(&one)
	if err != nil {
		if !errors.Is(err, pgx.ErrNoRows) {
			t.fail(err)
		}
		return nil
	}
	t.p.bucketsMu.Lock()
	t.p.buckets[name] = true
	t.p.bucketsMu.Unlock()
	return &pgBucket{t: t, name: name}
}

func (t *pgTx) CreateBucket(name string) (Bucket, error) {
	if !t.writable {
		return nil, errors.New("postgres: create bucket in a read-only transaction")
	}
	tag, err := t.tx.Exec(t.ctx, `INSERT INTO kv_buckets (name) VALUES ($1) ON CONFLICT DO NOTHING`, name)
	if err != nil {
		return nil, fmt.Errorf("postgres: create bucket %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return nil, fmt.Errorf("postgres: bucket %s already exists", name)
	}
	t.created = append(t.created, name)
	return &pgBucket{t: t, name: name}, nil
}

func (t *pgTx) Size() int64   { return t.p.Size() }
func (t *pgTx) PageSize() int { return 8192 }

// flush sends the buffered writes: a batch of statements for a few, COPY
// into a temporary table and one upsert for many.
func (t *pgTx) flush() error {
	if t.err != nil || len(t.buf) == 0 {
		return t.err
	}
	var puts [][]any
	var dels []bufKey
	var bytes int64
	for k, v := range t.buf {
		if v == nil {
			dels = append(dels, k)
		} else {
			puts = append(puts, []any{k.bucket, []byte(k.key), *v})
			bytes += int64(len(k.key) + len(*v))
		}
	}
	t.p.flushed(bytes)
	clear(t.buf)
	batch := &pgx.Batch{}
	for _, d := range dels {
		batch.Queue(`DELETE FROM kv WHERE bucket = $1 AND key = $2`, d.bucket, []byte(d.key))
	}
	if len(puts) >= copyFrom {
		if _, err := t.tx.Exec(t.ctx, `CREATE TEMP TABLE IF NOT EXISTS kv_in (bucket text, key bytea, value bytea) ON COMMIT DELETE ROWS`); err != nil {
			t.fail(err)
			return t.err
		}
		if _, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"kv_in"}, []string{"bucket", "key", "value"}, pgx.CopyFromRows(puts)); err != nil {
			t.fail(err)
			return t.err
		}
		batch.Queue(`INSERT INTO kv (bucket, key, value) SELECT bucket, key, value FROM kv_in ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value`)
		batch.Queue(`DELETE FROM kv_in`)
	} else {
		for _, r := range puts {
			batch.Queue(`INSERT INTO kv (bucket, key, value) VALUES ($1, $2, $3) ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value`, r...)
		}
	}
	if err := t.tx.SendBatch(t.ctx, batch).Close(); err != nil {
		t.fail(err)
	}
	return t.err
}

type pgBucket struct {
	t    *pgTx
	name string
}

func (b *pgBucket) Get(key []byte) []byte {
	t := b.t
	if v, ok := t.buf[bufKey{b.name, string(key)}]; ok {
		if v == nil {
			return nil
		}
		return *v
	}
	k := bufKey{b.name, string(key)}
	if v, ok := t.read[k]; ok {
		return v
	}
	var v []byte
	err := t.tx.QueryRow(t.ctx, `SELECT value FROM kv WHERE bucket = $1 AND key = $2`, b.name, key).Scan(&v)
	if err != nil {
		if !errors.Is(err, pgx.ErrNoRows) {
			t.fail(err)
			return nil
		}
		t.remember(k, nil)
		return nil
	}
	if v == nil {
		v = []byte{} // present but empty, as bbolt returns it
	}
	t.remember(k, v)
	return v
}

// maxRead bounds the read cache of one transaction: a long scan by Get
// must not hold the whole bucket.
const maxRead = 16384

func (t *pgTx) remember(k bufKey, v []byte) {
	if len(t.read) >= maxRead {
		clear(t.read)
	}
	t.read[k] = v
}

// prefetchRows bounds the keys of one prefetch query.
const prefetchRows = 1024

// Prefetch reads the keys not yet buffered or cached in one query per
// prefetchRows, into the transaction's read cache (absent keys as absent).
func (b *pgBucket) Prefetch(keys [][]byte) {
	t := b.t
	var want [][]byte
	for _, k := range keys {
		bk := bufKey{b.name, string(k)}
		if _, ok := t.buf[bk]; ok {
			continue
		}
		if _, ok := t.read[bk]; ok {
			continue
		}
		want = append(want, k)
	}
	if len(want) == 0 || len(t.read)+len(want) > maxRead {
		return
	}
	for len(want) > 0 {
		n := min(len(want), prefetchRows)
		chunk := want[:n]
		want = want[n:]
		rows, err := t.tx.Query(t.ctx, `SELECT key, value FROM kv WHERE bucket = $1 AND key = ANY($2)`, b.name, chunk)
		if err != nil {
			t.fail(err)
			return
		}
		found := map[string][]byte{}
		for rows.Next() {
			var k, v []byte
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				t.fail(err)
				return
			}
			if v == nil {
				v = []byte{}
			}
			found[string(k)] = v
		}
		if err := rows.Err(); err != nil {
			t.fail(err)
			return
		}
		for _, k := range chunk {
			t.read[bufKey{b.name, string(k)}] = found[string(k)] // nil: absent
		}
	}
}

func (b *pgBucket) Put(key, value []byte) error {
	t := b.t
	if !t.writable {
		return errors.New("postgres: put in a read-only transaction")
	}
	if len(key) == 0 {
		return errors.New("postgres: empty key")
	}
	v := bytes.Clone(value)
	if v == nil {
		v = []byte{}
	}
	k := bufKey{b.name, string(key)}
	t.buf[k] = &v
	delete(t.read, k) // buf answers now, and the database once flushed
	if len(t.buf) >= maxBuffered {
		return t.flush()
	}
	return t.err
}

func (b *pgBucket) Delete(key []byte) error {
	t := b.t
	if !t.writable {
		return errors.New("postgres: delete in a read-only transaction")
	}
	k := bufKey{b.name, string(key)}
	t.buf[k] = nil
	delete(t.read, k)
	if len(t.buf) >= maxBuffered {
		return t.flush()
	}
	return t.err
}

func (b *pgBucket) ForEach(fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return b.t.err
}

func (b *pgBucket) Len() int {
	t := b.t
	if t.flush() != nil {
		return 0
	}
	var n int
	if err := t.tx.QueryRow(t.ctx, `SELECT count(*) FROM kv WHERE bucket = $1`, b.name).Scan(&n); err != nil {
		t.fail(err)
	}
	return n
}

func (b *pgBucket) Cursor() Cursor { return &pgCursor{b: b} }

// pgCursor holds one page of rows in key order and fetches the next or the
// previous page when it walks off it. Buffered writes are flushed before
// every fetch, so the cursor sees the transaction's own writes.
type pgCursor struct {
	b    *pgBucket
	rows []row
	i    int
	// edge is where a forward fetch found nothing: Prev from there goes to
	// the last key before it, as bbolt's cursor does after a Seek past the end.
	edge          []byte
	edgeInclusive bool
	page          int // rows the next fetch asks for
}

type row struct{ k, v []byte }

func (c *pgCursor) at() ([]byte, []byte) {
	if c.i < 0 || c.i >= len(c.rows) {
		return nil, nil
	}
	return c.rows[c.i].k, c.rows[c.i].v
}

// land is fetch for a jump (First, Last, Seek): a small page first.
func (c *pgCursor) land(from []byte, back, inclusive bool) {
	c.page = firstPage
	c.fetch(from, back, inclusive)
}

// fetch loads a page: rows after (or before, when back) the key from, or
// from the start (end) when from is nil; inclusive makes the bound ≥. The
// page after it is larger.
func (c *pgCursor) fetch(from []byte, back, inclusive bool) {
	t := c.b.t
	limit := max(c.page, firstPage)
	c.page = min(limit*4, maxPage)
	c.rows, c.i, c.edge = nil, 0, nil
	if t.flush() != nil {
		return
	}
	op, order := ">", "ASC"
	if inclusive {
		op = ">="
	}
	if back {
		op, order = "<", "DESC"
		if inclusive {
			op = "<="
		}
	}
	q := `SELECT key, value FROM kv WHERE bucket = $1`
	args := []any{c.b.name}
	if from != nil {
		q += ` AND key ` + op + ` $2`
		args = append(args, from)
	}
	q += ` ORDER BY key ` + order + ` LIMIT ` + strconv.Itoa(limit)
	rows, err := t.tx.Query(t.ctx, q, args...)
	if err != nil {
		t.fail(err)
		return
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.k, &r.v); err != nil {
			t.fail(err)
			rows.Close()
			return
		}
		if r.v == nil {
			r.v = []byte{}
		}
		c.rows = append(c.rows, r)
	}
	if err := rows.Err(); err != nil {
		t.fail(err)
	}
	if back {
		slices.Reverse(c.rows)
		c.i = len(c.rows) - 1
	} else if len(c.rows) == 0 && from != nil {
		c.edge, c.edgeInclusive = from, inclusive
	}
}

func (c *pgCursor) First() ([]byte, []byte) {
	c.land(nil, false, false)
	return c.at()
}

func (c *pgCursor) Last() ([]byte, []byte) {
	c.land(nil, true, false)
	return c.at()
}

func (c *pgCursor) Seek(seek []byte) ([]byte, []byte) {
	c.land(seek, false, true)
	return c.at()
}

func (c *pgCursor) Next() ([]byte, []byte) {
	if len(c.rows) == 0 {
		return nil, nil
	}
	if c.i+1 < len(c.rows) && !c.b.t.dirty() {
		c.i++
		return c.at()
	}
	last := c.rows[min(c.i, len(c.rows)-1)].k
	c.fetch(last, false, false)
	return c.at()
}

func (c *pgCursor) Prev() ([]byte, []byte) {
	if len(c.rows) == 0 {
		if c.edge == nil {
			return nil, nil
		}
		// Past the end after a Seek: the last key before the sought one.
		c.fetch(c.edge, true, !c.edgeInclusive)
		return c.at()
	}
	if c.i > 0 && !c.b.t.dirty() {
		c.i--
		return c.at()
	}
	first := c.rows[max(c.i, 0)].k
	c.fetch(first, true, false)
	return c.at()
}

// dirty reports buffered writes a cursor's page may not show.
func (t *pgTx) dirty() bool { return len(t.buf) > 0 }

// IsPostgresURL reports whether s names a PostgreSQL database rather than a
// directory: a postgres:// or postgresql:// URL, or "postgres:" alone (the
// PG* environment variables say the rest).
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") || s == "postgres:"
}

// PostgresDSN is the connection string for s: "" (the PG* environment
// variables) for "postgres:", else s.
func PostgresDSN(s string) string {
	if s == "postgres:" {
		return ""
	}
	return s
}

// Drop deletes every bucket and its rows: what a wipe leaves of the data.
func (p *Postgres) Drop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bucketsMu.Lock()
	clear(p.buckets)
	p.bucketsMu.Unlock()
	_, err := p.writer.Exec(context.Background(), `TRUNCATE kv, kv_buckets`)
	if err != nil {
		return fmt.Errorf("postgres: drop: %w", err)
	}
	return nil
}
