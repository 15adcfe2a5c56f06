package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"

	"fieldreg/hq"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usagef("serve [--addr HOST:PORT]")
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
