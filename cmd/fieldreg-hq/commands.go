package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"

	"fieldreg/hq"
	"fieldreg/store"
)

// Exit codes, as fieldctl's.
const (
	exitOK              = 0
	exitFailure         = 1
	exitUsage           = 2
	exitWrongPassphrase = 3
	exitInUse           = 4
)

const usage = `usage: fieldreg-hq [--data DIR] [--passphrase-file F] COMMAND
  init [--addr HOST:PORT] [--hosts H1,H2]   create HQ: its encrypted store, CA and keys
  serve [--addr HOST:PORT]                   serve devices, and admin commands on DIR/admin.sock
` + hq.AdminUsage + `
The passphrase comes from FIELDREG_PASSPHRASE, --passphrase-file or a prompt.
Admin commands go to the running server when there is one, else open DIR.`

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, e *env, args []string) int {
	err := dispatch(ctx, e, args)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(e.stderr, errorLine(err))
	return exitCode(err)
}

func exitCode(err error) int {
	var u usageError
	var hu hq.UsageError
	switch {
	case errors.As(err, &u), errors.As(err, &hu):
		return exitUsage
	case errors.Is(err, store.ErrWrongPassphrase):
		return exitWrongPassphrase
	case errors.Is(err, store.ErrInUse):
		return exitInUse
	}
	return exitFailure
}

func errorLine(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, store.ErrWrongPassphrase):
		msg = store.ErrWrongPassphrase.Error()
	case errors.Is(err, store.ErrInUse):
		msg = "HQ's data is in use by another process (a server not answering on its admin socket?)"
	}
	var u usageError
	var hu hq.UsageError
	if errors.As(err, &u) || errors.As(err, &hu) {
		msg += " (see fieldreg-hq help)"
	}
	return "fieldreg-hq: " + strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", "; ")), " ")
}

func dispatch(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("fieldreg-hq", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.addGlobalFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(e.stdout, usage)
			return nil
		}
		return usagef("%v", err)
	}
	args = fs.Args()
	if len(args) == 0 {
		return usagef("no command given")
	}
	switch args[0] {
	case "help":
		fmt.Fprintln(e.stdout, usage)
		return nil
	case "init":
		return runInit(e, args[1:])
	case "serve":
		return runServe(ctx, e, args[1:])
	}
	if !hq.IsAdminCommand(args) {
		return usagef("unknown command %q", args[0])
	}
	return runAdmin(ctx, e, absPaths(args))
}

// runAdmin sends an admin command to the running server, or runs it on the
// data directly when no server runs.
func runAdmin(ctx context.Context, e *env, args []string) error {
	err := hq.CallAdmin(ctx, e.dataDir, args, e.stdout)
	if !errors.Is(err, hq.ErrNoServer) {
		return err
	}
	s, err := e.open()
	if err != nil {
		return err
	}
	defer s.Close()
	return s.RunAdmin(ctx, args, e.stdout)
}

// absPaths makes the file arguments of admin commands absolute: a running
// server has its own working directory.
func absPaths(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	for i := 1; i < len(out); i++ {
		switch {
		case out[i] == "--out" || out[i] == "-out" || out[i] == "--qr" || out[i] == "-qr":
			if i+1 < len(out) {
				out[i+1] = abs(out[i+1])
				i++
			}
		case strings.HasPrefix(out[i], "--out=") || strings.HasPrefix(out[i], "--qr="):
			k, v, _ := strings.Cut(out[i], "=")
			out[i] = k + "=" + abs(v)
		case out[0] == "bundle" && i == 2 && out[1] == "import":
			out[i] = abs(out[i])
		}
	}
	return out
}

func runInit(e *env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "", "")
	hosts := fs.String("hosts", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usagef("init [--addr HOST:PORT] [--hosts H1,H2]")
	}
	if *addr == "" {
		*addr = "localhost:8443"
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("init: --addr %q: want HOST:PORT", *addr)
	}
	pass, err := e.passphrase(true)
	if err != nil {
		return err
	}
	if err := store.CheckPassphrase(pass); err != nil {
		return usagef("init: %v", err)
	}
	cfg, err := e.config(pass)
	if err != nil {
		return err
	}
	var extra []string
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			extra = append(extra, h)
		}
	}
	if err := hq.Init(cfg, *addr, extra); err != nil {
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
