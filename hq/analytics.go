package hq

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"fieldreg/exchange"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// AnalyticsConfig turns on the analytics schema: tables in HQ's PostgreSQL
// database, beside its sealed store, that BI tools (Power BI, Superset,
// Metabase) read with plain SQL. HQ keeps them current: it looks for new
// changes every Every and rebuilds them when there are.
//
// analytics.aggregate holds the figures of `export --format aggregate`
// (households and persons by admin1, admin2 and site, by sex and age
// band), with the same small-cell suppression: a suppressed cell is NULL.
// Only with PersonLevel does analytics.persons hold one row per person, in
// clear (names, sex, birth date, age, location): personal data outside the
// store's encryption, for an operation that has decided its analysts may
// see it. Turning PersonLevel off drops the table at the next refresh.
type AnalyticsConfig struct {
	On          bool
	MinCell     int  // 0: exchange.DefaultMinCell
	PersonLevel bool // also analytics.persons, in clear
	// Every is how often HQ looks; 0: DefaultAnalyticsEvery; negative:
	// never on its own, only when RefreshAnalytics is called (a caller
	// with its own schedule, or a test).
	Every time.Duration
}

// DefaultAnalyticsEvery is how often HQ looks for changes to publish.
const DefaultAnalyticsEvery = 10 * time.Second

// ErrAnalyticsNeedsPostgres is returned by Open when the analytics schema
// is asked of an HQ whose store is its bbolt file.
var ErrAnalyticsNeedsPostgres = errors.New("the analytics schema needs HQ's store in PostgreSQL (init --db or migrate --to)")

// analytics publishes the analytics schema.
type analytics struct {
	cfg  AnalyticsConfig
	pool *pgxpool.Pool
	done chan struct{} // closed when the loop has stopped and the pool closed

	mu        sync.Mutex // one refresh at a time
	published uint64     // log seq of the last refresh
	ever      bool
}

// startAnalytics connects to HQ's database and keeps the schema current
// until s.quit closes.
func (s *Server) startAnalytics(dsn string) error {
	cfg, err := pgxpool.ParseConfig(kv.PostgresDSN(dsn))
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	a := &analytics{cfg: s.cfg.Analytics, pool: pool, done: make(chan struct{})}
	s.analytics = a
	if a.cfg.Every < 0 {
		go func() {
			<-s.quit
			pool.Close()
			close(a.done)
		}()
		return nil
	}
	go func() {
		defer close(a.done)
		defer pool.Close()
		every := orDefault(a.cfg.Every, DefaultAnalyticsEvery)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if _, err := s.RefreshAnalytics(context.Background()); err != nil {
				s.logf("analytics: %v", err)
			}
			select {
			case <-s.quit:
				return
			case <-tick.C:
			}
		}
	}()
	return nil
}

// AnalyticsResult says what a refresh published.
type AnalyticsResult struct {
	Refreshed bool   // false: nothing changed since the last one
	LogSeq    uint64 // the log seq the tables are current to
	Rows      int    // rows of analytics.aggregate
	Persons   int    // rows of analytics.persons (0 unless PersonLevel)
}

// RefreshAnalytics rebuilds the analytics tables now if HQ's log has moved
// since they were last built, in one transaction: readers see the old
// tables or the new ones, never a mix.
func (s *Server) RefreshAnalytics(ctx context.Context) (AnalyticsResult, error) {
	a := s.analytics
	if a == nil {
		return AnalyticsResult{}, errors.New("analytics: not turned on")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	seq := s.ws.LastLogSeq()
	if a.ever && seq == a.published {
		return AnalyticsResult{LogSeq: seq}, nil
	}
	now := s.cfg.now()
	forms, err := s.forms()
	if err != nil {
		return AnalyticsResult{}, fmt.Errorf("analytics: %w", err)
	}
	var buf bytes.Buffer
	if _, err := export(s.ws, forms, ExportOptions{Format: FormatAggregate, MinCell: a.cfg.MinCell}, now, &buf); err != nil {
		return AnalyticsResult{}, fmt.Errorf("analytics: %w", err)
	}
	header, rows, err := aggregateRows(buf.Bytes())
	if err != nil {
		return AnalyticsResult{}, fmt.Errorf("analytics: %w", err)
	}
	var persons [][]any
	if a.cfg.PersonLevel {
		if persons, err = personRows(s.ws, now); err != nil {
			return AnalyticsResult{}, fmt.Errorf("analytics: %w", err)
		}
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		if err := ensureAnalyticsSchema(ctx, tx, header, a.cfg.PersonLevel); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `TRUNCATE analytics.aggregate, analytics.refreshed`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"analytics", "aggregate"}, header, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if a.cfg.PersonLevel {
			if _, err := tx.Exec(ctx, `TRUNCATE analytics.persons`); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"analytics", "persons"}, personColumns, pgx.CopyFromRows(persons)); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO analytics.refreshed (at, log_seq, min_cell, person_level) VALUES ($1, $2, $3, $4)`,
			now, int64(seq), minCellOf(a.cfg.MinCell), a.cfg.PersonLevel)
		return err
	})
	if err != nil {
		return AnalyticsResult{}, fmt.Errorf("analytics: publish: %w", err)
	}
	a.published, a.ever = seq, true
	return AnalyticsResult{Refreshed: true, LogSeq: seq, Rows: len(rows), Persons: len(persons)}, nil
}

func minCellOf(n int) int {
	if n == 0 {
		return exchange.DefaultMinCell
	}
	return n
}

// ensureAnalyticsSchema creates the schema's tables if missing, with the
// aggregate's columns named as the aggregate export's header, and drops
// analytics.persons when person-level rows are off.
func ensureAnalyticsSchema(ctx context.Context, tx pgx.Tx, header []string, personLevel bool) error {
	cols := make([]string, len(header))
	for i, h := range header {
		typ := "integer" // NULL: suppressed, below the small-cell threshold
		if i < 3 {
			typ = "text"
		}
		cols[i] = pgx.Identifier{h}.Sanitize() + " " + typ
	}
	stmts := []string{
		`CREATE SCHEMA IF NOT EXISTS analytics`,
		`CREATE TABLE IF NOT EXISTS analytics.aggregate (` + strings.Join(cols, ", ") + `)`,
		`COMMENT ON TABLE analytics.aggregate IS 'Households and persons by location, sex and age band, as fieldreg-hq export --format aggregate; NULL is a count suppressed below the small-cell threshold (analytics.refreshed.min_cell)'`,
		`CREATE TABLE IF NOT EXISTS analytics.refreshed (at timestamptz NOT NULL, log_seq bigint NOT NULL, min_cell integer NOT NULL, person_level boolean NOT NULL)`,
	}
	if personLevel {
		stmts = append(stmts, `CREATE TABLE IF NOT EXISTS analytics.persons (id uuid PRIMARY KEY, household_id uuid NOT NULL, admin1 text, admin2 text, site text, sex text, birth_date text, age integer, given_name text, family_name text)`,
			`COMMENT ON TABLE analytics.persons IS 'Personal data in clear, published because the operator turned person-level analytics on'`)
	} else {
		stmts = append(stmts, `DROP TABLE IF EXISTS analytics.persons`)
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("analytics schema: %w", err)
		}
	}
	return nil
}

// aggregateRows turns the aggregate export's CSV into rows for COPY: the
// location as text, each count as an integer or nil where suppressed.
func aggregateRows(b []byte) ([]string, [][]any, error) {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, nil, fmt.Errorf("read the aggregate table: %v", err)
	}
	header := recs[0]
	var rows [][]any
	for _, rec := range recs[2:] { // after the header and the HXL row
		row := make([]any, len(rec))
		for i, cell := range rec {
			switch {
			case i < 3:
				row[i] = cell
			case strings.HasPrefix(cell, "<"):
				row[i] = nil
			default:
				n, err := strconv.Atoi(cell)
				if err != nil {
					return nil, nil, fmt.Errorf("aggregate cell %q: %w", cell, err)
				}
				row[i] = n
			}
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

var personColumns = []string{"id", "household_id", "admin1", "admin2", "site", "sex", "birth_date", "age", "given_name", "family_name"}

// personRows is one row per live person of a live household.
func personRows(ws Records, now time.Time) ([][]any, error) {
	var rows [][]any
	for _, hid := range ws.IDs(registry.KindHousehold) {
		h, err := ws.Get(hid)
		if err != nil {
			return nil, err
		}
		if h.Deleted() {
			continue
		}
		for _, pid := range ws.Members(hid) {
			p, err := ws.Get(pid)
			if err != nil {
				return nil, err
			}
			if p.Deleted() {
				continue
			}
			var age any
			if n, err := registry.Age(p.Value(registry.FieldBirthDate), now); err == nil {
				age = n
			}
			rows = append(rows, []any{pid, hid, h.Value(registry.FieldAdmin1), h.Value(registry.FieldAdmin2), h.Value(registry.FieldSite),
				p.Value(registry.FieldSex), p.Value(registry.FieldBirthDate), age, p.Value(registry.FieldGivenName), p.Value(registry.FieldFamilyName)})
		}
	}
	return rows, nil
}
