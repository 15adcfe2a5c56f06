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
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	pass, err := e.passphrase(false)
	if err != nil {
		return err
	}
	cfg, err := e.config(pass)
	if err != nil {
		return err
	}
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
