package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"fieldreg/store"
)

// maxPassphraseFile bounds what is read from a passphrase file, so a wrong
// path (a database, a device) fails fast instead of filling memory.
const maxPassphraseFile = 64 << 10

// passphrase returns the current user's passphrase: from --passphrase-file,
// else $FIELDREG_PASSPHRASE, else a prompt without echo. Never from argv.
func (e *env) passphrase() ([]byte, error) {
	if e.passphraseFile != "" {
		return readPassphraseFile(e.passphraseFile)
	}
	if p := e.getenv("FIELDREG_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if e.askSecret == nil {
		return nil, setupf("no passphrase: set FIELDREG_PASSPHRASE, use --passphrase-file, or run in a terminal")
	}
	p, err := e.askSecret(fmt.Sprintf("Passphrase for %s: ", e.userName()))
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return p, nil
}

// newPassphrase returns the passphrase for a new or changed key slot: from
// file when given, else $FIELDREG_NEW_PASSPHRASE, else (when orCurrent is
// set, for init, which has no current passphrase) the current passphrase's
// sources, else a prompt asked twice. What the store would refuse
// (store.CheckPassphrase) is refused here, before anything is derived.
func (e *env) newPassphrase(user, file string, orCurrent bool) ([]byte, error) {
	var p []byte
	switch {
	case file != "":
		var err error
		if p, err = readPassphraseFile(file); err != nil {
			return nil, err
		}
	case e.getenv("FIELDREG_NEW_PASSPHRASE") != "":
		p = []byte(e.getenv("FIELDREG_NEW_PASSPHRASE"))
	case orCurrent && e.passphraseFile != "":
		var err error
		if p, err = readPassphraseFile(e.passphraseFile); err != nil {
			return nil, err
		}
	case orCurrent && e.getenv("FIELDREG_PASSPHRASE") != "":
		p = []byte(e.getenv("FIELDREG_PASSPHRASE"))
	case e.askSecret != nil:
		var err error
		if p, err = e.askTwice(user); err != nil {
			return nil, err
		}
	default:
		return nil, setupf("no new passphrase: set FIELDREG_NEW_PASSPHRASE, use --new-passphrase-file, or run in a terminal")
	}
	if err := checkNewPassphrase(p); err != nil {
		clear(p)
		return nil, err
	}
	return p, nil
}

func (e *env) askTwice(user string) ([]byte, error) {
	p, err := e.askSecret(fmt.Sprintf("New passphrase for %s: ", user))
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	again, err := e.askSecret("Type it again: ")
	if err != nil {
		clear(p)
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	defer clear(again)
	if !bytes.Equal(p, again) {
		clear(p)
		return nil, errors.New("the two passphrases differ: nothing changed")
	}
	return p, nil
}

// checkNewPassphrase refuses, before anything is derived or written, what the
// store would refuse.
func checkNewPassphrase(p []byte) error { return store.CheckPassphrase(p) }

// readPassphraseFile returns the first line of a file, without its line
// ending: the usual shape of a secret written by a script or a secrets manager.
func readPassphraseFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("passphrase file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile+1))
	if err != nil {
		return nil, fmt.Errorf("passphrase file %s: %w", name, err)
	}
	if len(data) > maxPassphraseFile {
		clear(data)
		return nil, fmt.Errorf("passphrase file %s: longer than %d bytes", name, maxPassphraseFile)
	}
	p := firstLine(data)
	out := bytes.Clone(p)
	clear(data)
	if len(out) == 0 {
		return nil, fmt.Errorf("passphrase file %s: first line is empty", name)
	}
	return out, nil
}

// firstLine returns data up to the first line ending (\n or \r\n), without
// a UTF-8 byte-order mark: Windows Notepad starts the files it saves with
// one, and nobody types it as part of a passphrase.
func firstLine(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	return bytes.TrimSuffix(data, []byte("\r"))
}
