package main

import (
	"errors"
	"fmt"
	"unicode"

	"fieldreg/store"
)

// maxUserName keeps names fit for a key slot and a line of the audit log.
const maxUserName = 64

// checkUserName refuses names that would be confusing in the audit log or on
// a command line: empty, too long, or with spaces or control characters.
func checkUserName(name string) error {
	if name == "" {
		return errors.New("empty user name")
	}
	if len(name) > maxUserName {
		return fmt.Errorf("user name longer than %d bytes", maxUserName)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return errors.New("user name with spaces or control characters")
		}
	}
	return nil
}

func runUserAdd(e *env, args []string) error {
	fs := newFlags(e, "user add")
	role := fs.String("role", "", "the new user's role: enumerator, supervisor or admin")
	newPassFile := fs.String("new-passphrase-file", "", "read the new user's passphrase from the first line of `file`")
	var kdf kdfFlags
	addKDFFlags(fs, &kdf)
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("want one user name")
	}
	name := args[0]
	if err := checkUserName(name); err != nil {
		return usagef("%v", err)
	}
	if *role == "" {
		return usagef("--role is required")
	}
	r, err := store.ParseRole(*role)
	if err != nil {
		return usagef("%v", err)
	}
	if e.kdf, err = kdf.params(e); err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		// Refused before a new passphrase is asked for, not after.
		if s.ws.Role() != store.RoleAdmin {
			return fmt.Errorf("add user %s: %w: only admins manage users", name, store.ErrForbidden)
		}
		pass, err := e.newPassphrase(name, *newPassFile, false)
		if err != nil {
			return err
		}
		defer clear(pass)
		if err := s.ws.AddUser(name, r, pass); err != nil {
			return fmt.Errorf("add user %s: %w", name, roleHint(err, "only admins manage users"))
		}
		fmt.Fprintf(e.stdout, "user %s added as %s\n", name, r)
		return nil
	})
}

func runUserPasswd(e *env, args []string) error {
	fs := newFlags(e, "user passwd")
	newPassFile := fs.String("new-passphrase-file", "", "read the new passphrase from the first line of `file`")
	var kdf kdfFlags
	addKDFFlags(fs, &kdf)
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 1 {
		return usagef("want at most one user name")
	}
	if e.kdf, err = kdf.params(e); err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		name := s.ws.User()
		if len(args) == 1 {
			name = args[0]
		}
		if name != s.ws.User() && s.ws.Role() != store.RoleAdmin {
			return fmt.Errorf("change passphrase of %s: %w: only admins change other users' passphrases", name, store.ErrForbidden)
		}
		pass, err := e.newPassphrase(name, *newPassFile, false)
		if err != nil {
			return err
		}
		defer clear(pass)
		if err := s.ws.SetPassphrase(name, pass); err != nil {
			return fmt.Errorf("change passphrase of %s: %w", name, roleHint(err, "only admins change other users' passphrases"))
		}
		fmt.Fprintf(e.stdout, "passphrase of %s changed\n", name)
		return nil
	})
}

func runUserList(e *env, args []string) error {
	fs := newFlags(e, "user list")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	return e.withWorkspace(func(s *session) error {
		for _, u := range s.ws.Users() {
			switch {
			case u.Tampered:
				fmt.Fprintf(e.stdout, "%s\t%s\tTAMPERED: %s\n", u.Name, u.Role, u.Problem)
			case u.Problem != "":
				fmt.Fprintf(e.stdout, "%s\t%s\t(%s)\n", u.Name, u.Role, u.Problem)
			default:
				fmt.Fprintf(e.stdout, "%s\t%s\n", u.Name, u.Role)
			}
		}
		return nil
	})
}

func runUserRemove(e *env, args []string) error {
	fs := newFlags(e, "user remove")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("want one user name")
	}
	return e.withWorkspace(func(s *session) error {
		// The master key is rotated: every value is sealed again, which
		// takes a while on a large workspace, so say how far it has got.
		var prog *progress
		err := s.ws.RemoveUserProgress(args[0], func(done, total int) {
			if prog == nil {
				prog = newProgress(e.stderr, e.now, "re-sealed", total, "values")
			}
			prog.update(done)
			if done == total {
				prog.done(done)
			}
		})
		if err != nil {
			return fmt.Errorf("remove user %s: %w", args[0], roleHint(err, "only admins manage users"))
		}
		fmt.Fprintf(e.stdout, "user %s removed\n", args[0])
		fmt.Fprintf(e.stderr, "note: the workspace key was changed: a copy of the key file %s may have kept, and their passphrase, open nothing in this workspace now. Copies of the database made before the removal are still under the old key.\n", args[0])
		return nil
	})
}

// roleHint adds what the role rule is to a refusal, so the user knows whom to ask.
func roleHint(err error, rule string) error {
	if errors.Is(err, store.ErrForbidden) {
		return fmt.Errorf("%w: %s", err, rule)
	}
	return err
}
