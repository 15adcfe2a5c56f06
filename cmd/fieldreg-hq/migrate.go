package main

import (
	"context"
	"fmt"
	"path/filepath"

	"fieldreg/hq"
	"fieldreg/store"
	"fieldreg/store/kv"
)

// runMigrate moves a stopped HQ's store from its bbolt file to an empty
// PostgreSQL database, checks the copy, and switches HQ to it.
func runMigrate(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate")
	to := fs.String("to", "", "the empty PostgreSQL database to move HQ's store to: `URL` postgres://… (postgres: for the PG* environment variables)")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if !kv.IsPostgresURL(*to) {
		return usagef("--to %q: want a postgres:// URL, or postgres: for the PG* environment variables", *to)
	}
	pass, err := e.passphrase(false)
	if err != nil {
		return err
	}
	cfg, err := e.config(pass)
	if err != nil {
		return err
	}
	// Open first: a wrong passphrase, or a server still running, stops the
	// move before anything is copied.
	before, err := hqStats(cfg)
	if err != nil {
		return err
	}
	rep, err := store.MoveToPostgres(filepath.Join(e.dataDir, hq.WorkspaceDir), *to, cfg.Timeout)
	if err != nil {
		return err
	}
	for _, b := range rep.Buckets {
		fmt.Fprintf(e.stdout, "%-12s %d keys copied and checked\n", b.Name, b.Keys)
	}
	after, err := hqStats(cfg)
	if err != nil {
		return fmt.Errorf("HQ does not open on PostgreSQL after the move (the bbolt file is kept as %s): %w", rep.Backup, err)
	}
	if after.Households != before.Households || after.Persons != before.Persons || after.Changes != before.Changes || after.Devices != before.Devices {
		return fmt.Errorf("HQ on PostgreSQL counts %d households, %d persons, %d changes, %d devices; before the move %d, %d, %d, %d (the bbolt file is kept as %s)",
			after.Households, after.Persons, after.Changes, after.Devices, before.Households, before.Persons, before.Changes, before.Devices, rep.Backup)
	}
	fmt.Fprintf(e.stdout, "HQ now keeps its store in PostgreSQL %s: %d households, %d persons, %d changes, %d devices, as before.\n",
		redactURL(*to), after.Households, after.Persons, after.Changes, after.Devices)
	fmt.Fprintf(e.stdout, "The bbolt file is kept as %s: remove it once HQ serves well from PostgreSQL. Back up the data directory as well as the database: its key file is the only way to read either.\n", rep.Backup)
	return nil
}

func hqStats(cfg hq.Config) (hq.Stats, error) {
	s, err := hq.Open(cfg)
	if err != nil {
		return hq.Stats{}, err
	}
	defer s.Close()
	return s.Stats()
}
