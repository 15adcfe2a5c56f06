package main

import (
	"context"
	"fmt"
	"log"
	"net"

	"fieldreg/hq"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve")
	addr := fs.String("addr", "", "listen on `HOST:PORT` (default: HQ's port on every interface)")
	analytics := fs.Bool("analytics", false, "keep the analytics schema current in HQ's PostgreSQL database: the aggregate figures, small cells suppressed (docs/postgres.md)")
	minCell := fs.Int("analytics-min-cell", 0, "with --analytics, publish counts below `N` as NULL (default 5)")
	persons := fs.Bool("analytics-persons", false, "with --analytics, also publish analytics.persons: one row per person, names in clear")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	if (*persons || *minCell != 0) && !*analytics {
		return usagef("--analytics-persons and --analytics-min-cell go with --analytics")
	}
	if *minCell < 0 {
		return usagef("--analytics-min-cell %d: want 1 or more", *minCell)
	}
	pass, err := e.passphrase(false)
	if err != nil {
		return err
	}
	cfg, err := e.config(pass)
	if err != nil {
		return err
	}
	cfg.Analytics = hq.AnalyticsConfig{On: *analytics, MinCell: *minCell, PersonLevel: *persons}
	logger := log.New(e.stderr, "fieldreg-hq: ", log.LstdFlags|log.LUTC)
	cfg.Logf = logger.Printf
	s, err := hq.Open(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	listen := *addr
	if listen == "" {
		// Devices are told HQ's address; listen on its port on every interface.
		_, port, _ := net.SplitHostPort(s.Addr())
		listen = ":" + port
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	stopping := context.AfterFunc(ctx, func() {
		// SIGTERM or Ctrl-C: devices mid-request get their answer first.
		logger.Printf("stopping: answering the requests under way (%s at most)", hq.DrainTimeout)
	})
	defer stopping()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	adminDone := make(chan error, 1)
	go func() { adminDone <- s.ServeAdmin(ctx) }()
	logger.Printf("serving devices on %s (certificate %s); admin socket in %s", ln.Addr(), s.Fingerprint(), e.dataDir)
	err = s.Serve(ctx, ln)
	cancel()
	if aerr := <-adminDone; err == nil && aerr != nil {
		err = aerr
	}
	logger.Printf("stopped")
	return err
}
