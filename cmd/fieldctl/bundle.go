package main

import (
	"errors"
	"fmt"
	"os"

	"fieldreg/sync/client"
)

func runBundleExport(e *env, args []string) error {
	fs := newFlags(e, "bundle export")
	out := fs.String("out", "", "the bundle file to write (it must not exist)")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 || *out == "" {
		return usagef("give --out F and nothing else")
	}
	return e.withWorkspace(func(s *session) error {
		f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("bundle export: %w", err)
		}
		n, err := client.ExportBundle(s.ws, f)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
			return fmt.Errorf("%w (%s)", err, e.explain(err))
		}
		pending, _ := client.Pending(s.ws)
		setAside, _ := client.PendingSetAside(s.ws)
		for _, sa := range setAside {
			fmt.Fprintf(e.stdout, "%s; the bundle tells HQ (fieldctl verify lists it)\n", sa)
		}
		pending -= len(setAside)
		fmt.Fprintf(e.stdout, "%s written to %s, encrypted for HQ\n", plural(n, "change"), *out)
		if pending > n {
			fmt.Fprintf(e.stdout, "%s more wait for the next bundle, once HQ has confirmed these\n", plural(pending-n, "change"))
		}
		return nil
	})
}

func runBundleImport(e *env, args []string) error {
	fs := newFlags(e, "bundle import")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one bundle file")
	}
	return e.withWorkspace(func(s *session) error {
		f, err := os.Open(args[0])
		if err != nil {
			return fmt.Errorf("bundle import: %w", err)
		}
		defer f.Close()
		n, err := client.ImportBundle(s.ws, f)
		if errors.Is(err, client.ErrWiped) {
			return errors.New(e.explain(err))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s from HQ applied\n", plural(n, "new change"))
		return nil
	})
}
