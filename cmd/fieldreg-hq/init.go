package main

import (
	"context"
	"fmt"
	"net"
	"strings"

	"fieldreg/hq"
	"fieldreg/store"
)

func runInit(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "init")
	addr := fs.String("addr", "localhost:8443", "the `HOST:PORT` devices reach HQ at (in enrollment codes and the server certificate)")
	hosts := fs.String("hosts", "", "more host `names` or addresses for the server certificate, comma-separated")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("--addr %q: want HOST:PORT", *addr)
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
	if err := hq.Init(cfg, *addr, splitList(*hosts)); err != nil {
		return err
	}
	s, err := hq.Open(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.stdout, "HQ created in %s\naddress: %s\ncertificate fingerprint: %s\n", e.dataDir, s.Addr(), s.Fingerprint())
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
