package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/google/uuid"
	"golang.org/x/term"

	"fieldreg/assets/i18n"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// env is what a command runs with: its streams, the environment, the clock,
// and the global options. Commands get everything through it, so tests can
// run them with other streams and a fixed clock.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	// askSecret prompts on the terminal and reads a line without echo; nil
	// when stdin is not a terminal.
	askSecret func(prompt string) ([]byte, error)

	// Global options, set by flags before or after the command name.
	dir            string // --workspace
	user           string // --user
	passphraseFile string // --passphrase-file

	// interrupt, when set, replaces Ctrl-C for tests: see interruptible.
	interrupt func() (context.Context, context.CancelFunc)

	// kdf is the Argon2id cost of key slots made while the workspace is
	// open (user add, user passwd); zero means the store's default.
	kdf store.KDFParams

	// listsDamage is set by commands that report damaged records
	// themselves (verify): open then does not warn about them.
	listsDamage bool
}

func newEnv(stdin *os.File, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) *env {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, now: now}
	if fd := int(stdin.Fd()); term.IsTerminal(fd) {
		e.askSecret = func(prompt string) ([]byte, error) {
			fmt.Fprint(stderr, prompt)
			defer fmt.Fprintln(stderr)
			return term.ReadPassword(fd)
		}
	}
	return e
}

// addGlobalFlags registers the options every command accepts, so they may be
// typed before or after the command name.
func (e *env) addGlobalFlags(fs *flag.FlagSet) {
	fs.StringVar(&e.dir, "workspace", e.dir, "workspace `directory` (default $FIELDREG_WORKSPACE, else a per-user data directory)")
	fs.StringVar(&e.user, "user", e.user, "user `name` (default $FIELDREG_USER, else admin)")
	fs.StringVar(&e.passphraseFile, "passphrase-file", e.passphraseFile, "read the passphrase from the first line of `file`")
}

// workspaceDir is --workspace, else $FIELDREG_WORKSPACE, else the per-user
// data directory.
func (e *env) workspaceDir() (string, error) {
	if e.dir != "" {
		return e.dir, nil
	}
	if d := e.getenv("FIELDREG_WORKSPACE"); d != "" {
		return d, nil
	}
	return defaultWorkspaceDir(runtime.GOOS, e.getenv)
}

// defaultWorkspaceDir follows each system's convention for application data:
// $XDG_DATA_HOME or ~/.local/share on Unix, the user config directory on
// Windows and macOS (which is where their applications keep data).
func defaultWorkspaceDir(goos string, getenv func(string) string) (string, error) {
	switch goos {
	case "windows", "darwin", "ios", "plan9":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("no workspace directory: use --workspace or set FIELDREG_WORKSPACE (%w)", err)
		}
		return filepath.Join(d, "fieldreg"), nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "fieldreg"), nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "fieldreg"), nil
	}
	return "", errors.New("no workspace directory: use --workspace or set FIELDREG_WORKSPACE")
}

// userName is --user, else $FIELDREG_USER, else "admin".
func (e *env) userName() string {
	if e.user != "" {
		return e.user
	}
	if u := e.getenv("FIELDREG_USER"); u != "" {
		return u
	}
	return "admin"
}

// lang is the user's language from LC_ALL, LC_MESSAGES, LANG and LANGUAGE,
// English by default. fieldctl speaks it for what the catalogue holds (rule
// messages, sync explanations); its other lines are English.
func (e *env) lang() string { return i18n.Builtin().LanguageFromEnv(e.getenv) }

// explain says in plain words, in the user's language, what a sync error
// means and what to do.
func (e *env) explain(err error) string {
	return i18n.Builtin().Lookup(e.lang(), client.ExplainKey(err))
}

// forms returns the built-in form schemas: what a command checks its input
// with before the workspace opens. An open session's forms (session.forms)
// add the versions stored in the workspace, and validate every record.
func (e *env) forms() (*registry.Forms, error) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		return nil, fmt.Errorf("load built-in forms: %w", err)
	}
	return forms, nil
}

// storeOptions are the options every command opens a workspace with: the
// injected clock, schema validation of every record a commit produces (its
// changes record the form version: FormRef), and of every received change
// against the form version it names — one this device does not hold yet is
// applied within the value rule, its form arriving from HQ with it.
// Extra in-memory indexes (duplicate matching) are kept current by the store.
func (e *env) storeOptions(forms *registry.Forms, indexes ...store.Indexer) store.Options {
	return store.Options{Now: e.now, Validate: forms.Validator(e.now), ValidateWritten: forms.WrittenValidator(e.now), KDF: e.kdf, Indexes: indexes,
		ValidateChange: registry.AcceptUnknownVersions(forms.ChangeValidator(e.now)), FormRef: forms.CurrentRef}
}

// session is an unlocked workspace with the forms that validate it, and the
// language the user reads their rule messages in.
type session struct {
	ws    *store.Workspace
	forms *registry.Forms // as the workspace opened: the built-ins and its stored versions
	set   *store.FormSet  // kept current by the store as forms are stored
	lang  string
}

// open unlocks the workspace as the current user. A missing workspace is
// reported before any passphrase is asked for.
func (e *env) open(indexes ...store.Indexer) (*session, error) {
	dir, err := e.workspaceDir()
	if err != nil {
		return nil, err
	}
	if !store.Exists(dir) {
		return nil, noWorkspaceError(dir)
	}
	forms, err := e.forms()
	if err != nil {
		return nil, err
	}
	pass, err := e.passphrase()
	if err != nil {
		return nil, err
	}
	defer clear(pass)
	set := store.NewFormSet(forms)
	opts := e.storeOptions(forms, indexes...)
	opts.Forms, opts.Validate, opts.ValidateWritten = set, set.Validator(e.now), set.WrittenValidator(e.now)
	opts.ValidateChange = registry.AcceptUnknownVersions(set.ChangeValidator(e.now))
	opts.FormRef = set.CurrentRef
	ws, err := store.Open(dir, e.userName(), pass, opts)
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", dir, err)
	}
	if err := set.Err(); err != nil {
		fmt.Fprintf(e.stderr, "fieldctl: warning: the forms stored in this workspace cannot be used (%v); the built-in forms apply\n", err)
	}
	warnClockBehind(e.stderr, e.lang(), ws)
	for _, p := range ws.RoleProblems() {
		fmt.Fprintf(e.stderr, "fieldctl: warning: %s\n", p)
	}
	if !e.listsDamage {
		warnDamaged(e.stderr, ws)
	}
	return &session{ws: ws, forms: set.Forms(), set: set, lang: e.lang()}, nil
}

// noWorkspaceError says why dir holds no workspace in the words that help:
// a path that is a file (a mistyped --workspace naming the key file or an
// export) is not the same mistake as a directory where none was created.
func noWorkspaceError(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("%s is a file, not a workspace directory: pass the directory that holds the workspace to --workspace", dir)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no workspace in %s: the directory does not exist (create one with fieldctl init)", dir)
	}
	return fmt.Errorf("no workspace in %s (create one with fieldctl init)", dir)
}

// warnDamaged tells the user, on one line, that the workspace holds values
// it could not read. The command goes on with everything else: one damaged
// record must not keep anyone from the rest.
func warnDamaged(stderr io.Writer, ws *store.Workspace) {
	records, other := 0, 0
	for _, d := range ws.Damaged() {
		if d.Record != uuid.Nil { // a record, rather than a draft or a log entry
			records++
		} else {
			other++
		}
	}
	if records+other == 0 {
		return
	}
	what := plural(records, "damaged record")
	switch {
	case records == 0:
		what = plural(other, "damaged entry")
	case other > 0:
		what += " and " + plural(other, "other damaged entry")
	}
	verb := "are"
	if records+other == 1 {
		verb = "is"
	}
	fmt.Fprintf(stderr, "fieldctl: warning: %s %s left out of this workspace's lists; everything else works (fieldctl verify names them)\n", what, verb)
}

// withWorkspace runs fn on the unlocked workspace and closes it after, keeping
// fn's error first.
func (e *env) withWorkspace(fn func(s *session) error, indexes ...store.Indexer) error {
	s, err := e.open(indexes...)
	if err != nil {
		return err
	}
	err = fn(s)
	if cerr := s.ws.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close workspace: %w", cerr)
	}
	return err
}
