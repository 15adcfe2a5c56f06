package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"fieldreg/hq"
	"fieldreg/store"
	"fieldreg/store/kv"
)

func runInit(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "init")
	addr := fs.String("addr", "localhost:8443", "the `HOST:PORT` devices reach HQ at (in enrollment codes and the server certificate)")
	hosts := fs.String("hosts", "", "more host `names` or addresses for the server certificate, comma-separated")
	db := fs.String("db", "", "keep HQ's store in the PostgreSQL database at `URL` (postgres://…, or postgres: for the PG* environment variables) instead of a file in the data directory; the key file stays in the directory")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("--addr %q: want HOST:PORT", *addr)
	}
	if *db != "" && !kv.IsPostgresURL(*db) {
		return usagef("--db %q: want a postgres:// URL, or postgres: for the PG* environment variables", *db)
	}
	pass, err := e.passphrase(true)
	if err != nil {
		return err
	}
	if err := store.CheckPassphrase(pass); err != nil {
		return usagef("%v", err)
	}
	cfg, err := e.config(pass)
	if err != nil {
		return err
	}
	cfg.Database = *db
	if err := hq.Init(cfg, *addr, splitList(*hosts)); err != nil {
		return err
	}
	s, err := hq.Open(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.stdout, "HQ created in %s\n", e.dataDir)
	if *db != "" {
		fmt.Fprintf(e.stdout, "store: PostgreSQL %s (back up the data directory too: its key file is the only way to read the database)\n", redactURL(*db))
	}
	fmt.Fprintf(e.stdout, "address: %s\ncertificate fingerprint: %s\n", s.Addr(), s.Fingerprint())
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// redactURL is a database URL fit to print: without its password.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
