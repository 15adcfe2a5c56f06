package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"fieldreg/hq"
	"fieldreg/internal/cli"
	"fieldreg/registry"
	"fieldreg/registry/formrun"
	"fieldreg/store"
)

// env is what a command may touch of the outside world, so tests can run
// commands in-process.
type env struct {
	stdin          *os.File
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time

	dataDir        string
	passphraseFile string
	kdf            store.KDFParams // zero: the store's default (tests pass cheap ones)
}

// addGlobalFlags registers the options every command accepts, before or
// after its name. Their defaults are their current values, so that a
// command's flag set keeps what the global one parsed.
func (e *env) addGlobalFlags(fs *flag.FlagSet) {
	if e.dataDir == "" {
		e.dataDir = e.getenv("FIELDREG_HQ_DATA")
	}
	if e.dataDir == "" {
		e.dataDir = "fieldreg-hq-data"
	}
	fs.StringVar(&e.dataDir, "data", e.dataDir, "HQ's data `directory` ($FIELDREG_HQ_DATA if set)")
	fs.StringVar(&e.passphraseFile, "passphrase-file", e.passphraseFile, "read the passphrase from the first line of `file`")
}

const maxPassphraseFile = 64 << 10

// passphrase reads HQ's passphrase: --passphrase-file, $FIELDREG_PASSPHRASE,
// or a prompt without echo. Never from argv.
func (e *env) passphrase(confirm bool) ([]byte, error) {
	if e.passphraseFile != "" {
		f, err := os.Open(e.passphraseFile)
		if err != nil {
			return nil, fmt.Errorf("passphrase file: %w", err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile+1))
		if err != nil {
			return nil, fmt.Errorf("passphrase file: %w", err)
		}
		if len(b) > maxPassphraseFile {
			return nil, fmt.Errorf("passphrase file %q is too large to be one", e.passphraseFile)
		}
		b = bytes.TrimRight(b, "\r\n")
		if len(b) == 0 {
			return nil, errors.New("passphrase file is empty")
		}
		return b, nil
	}
	if p := e.getenv("FIELDREG_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if e.stdin == nil || !term.IsTerminal(int(e.stdin.Fd())) {
		return nil, cli.Setupf("no passphrase: set FIELDREG_PASSPHRASE, use --passphrase-file, or run in a terminal")
	}
	ask := func(prompt string) ([]byte, error) {
		fmt.Fprint(e.stderr, prompt)
		p, err := term.ReadPassword(int(e.stdin.Fd()))
		fmt.Fprintln(e.stderr)
		return p, err
	}
	p, err := ask("HQ passphrase: ")
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	if confirm {
		again, err := ask("Again: ")
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		if !bytes.Equal(p, again) {
			return nil, errors.New("the two passphrases differ")
		}
	}
	return p, nil
}

func (e *env) config(pass []byte) (hq.Config, error) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		return hq.Config{}, err
	}
	// The built-ins and, once the store opens, what HQ published. Each
	// pushed change is checked against the form version it names; one HQ
	// does not hold is held in quarantine until it does.
	set := store.NewFormSet(forms)
	return hq.Config{Dir: e.dataDir, Passphrase: pass, Now: e.now, KDF: e.kdf, Forms: set, Validate: set.Validator(e.now),
		ValidateChange: set.ChangeValidator(e.now), FormRef: set.CurrentRef,
		ValidateUnit: formrun.NewUnitRules(set.Forms, e.now).Check}, nil
}

// open unlocks HQ's data for a command run without a server.
func (e *env) open() (*hq.Server, error) {
	pass, err := e.passphrase(false)
	if err != nil {
		return nil, err
	}
	cfg, err := e.config(pass)
	if err != nil {
		return nil, err
	}
	return hq.Open(cfg)
}

// withAdmin runs an admin operation on the server running on the data
// directory, through its admin socket, or on the data opened here when no
// server runs: the same typed method either way, with the same errors.
func withAdmin[T any](e *env, op func(hq.Admin) (T, error)) (T, error) {
	out, err := op(hq.NewAdminClient(e.dataDir))
	if !errors.Is(err, hq.ErrNoServer) {
		return out, err
	}
	noServer := err
	s, err := e.open()
	if err != nil {
		if _, serr := os.Stat(filepath.Join(e.dataDir, hq.SocketName)); serr == nil {
			// A socket is there but nobody answered it: say so, or the
			// operator reads only why the data could not be opened.
			return out, fmt.Errorf("%w; and the server's admin socket did not answer: %v", err, noServer)
		}
		return out, err
	}
	defer s.Close()
	return op(s)
}
