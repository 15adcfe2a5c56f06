package main

import (
	"fmt"
	"os"

	"fieldreg/store"
)

func runInit(e *env, args []string) error {
	fs := newFlags(e, "init")
	var kdf kdfFlags
	addKDFFlags(fs, &kdf)
	newPassFile := fs.String("new-passphrase-file", "", "read the admin's passphrase from the first line of `file`")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	params, err := kdf.params(e)
	if err != nil {
		return err
	}
	dir, err := e.workspaceDir()
	if err != nil {
		return err
	}
	if store.Exists(dir) {
		return fmt.Errorf("a workspace already exists in %s", dir)
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a directory: pass a directory for the new workspace to --workspace", dir)
	}
	user := e.userName()
	if err := checkUserName(user); err != nil {
		return usagef("%v", err)
	}
	// There is no current passphrase to ask for at init, so the usual sources
	// of one (--passphrase-file, FIELDREG_PASSPHRASE) may give the new one.
	pass, err := e.newPassphrase(user, *newPassFile, true)
	if err != nil {
		return err
	}
	defer clear(pass)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create workspace directory: %w", err)
	}
	forms, err := e.forms()
	if err != nil {
		return err
	}
	opts := e.storeOptions(forms)
	opts.KDF = params
	ws, err := store.Create(dir, user, pass, opts)
	if err != nil {
		return fmt.Errorf("create workspace in %s: %w", dir, err)
	}
	device := ws.Device()
	if err := ws.Close(); err != nil {
		return fmt.Errorf("close workspace: %w", err)
	}
	fmt.Fprintf(e.stdout, "workspace created in %s\nadmin: %s\ndevice: %s\nkey derivation: Argon2id %s\n", dir, user, device, kdf)
	return nil
}
