package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"fieldreg/change"
	"fieldreg/store"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// Errors callers branch on.
var (
	// ErrNotEnrolled: the workspace has no enrollment; run enroll with a code from HQ.
	ErrNotEnrolled = errors.New("this device is not enrolled with an HQ")
	// ErrRevoked: HQ revoked this device; it will not sync again.
	ErrRevoked = errors.New("HQ has revoked this device")
	// ErrWiped: HQ ordered this device to erase its workspace, and it did.
	ErrWiped = errors.New("HQ ordered this device to erase its data; the workspace was erased")
	// ErrUnreachable: HQ could not be reached before the time ran out.
	ErrUnreachable = errors.New("HQ could not be reached")
	// ErrStalled: a request passed no byte either way for the stall
	// timeout (Config.StallTimeout): the link is dead though no one closed
	// it. The request is given up and retried as after a cut.
	ErrStalled = errors.New("the link to HQ stopped passing data")
	// ErrLinkLost: the connection to HQ failed or was cut during a
	// request (wrapping the network's own error); the request is retried.
	ErrLinkLost = errors.New("the connection to HQ was lost")
	// ErrGarbled: HQ's answer arrived but could not be read (damaged on
	// the way, or a proxy's); the request is retried.
	ErrGarbled = errors.New("HQ's answer was damaged on the way")
	// ErrRefused: HQ refused the request for a reason retrying will not fix
	// (wrapped with HQ's *wire.Error).
	ErrRefused = errors.New("HQ refused the request")
	// ErrAlreadyEnrolled: Enroll on a workspace that already is.
	ErrAlreadyEnrolled = errors.New("this device is already enrolled")
	// ErrRestoredCopy: HQ holds more of this device's changes than the
	// workspace ever made, so the workspace is an older copy of itself
	// (restored from a backup). Syncing on would reuse change numbers HQ
	// already holds, and HQ would take the new changes for resends and drop
	// them; sync stops instead, and the changes stay on the device. HQ
	// refusing the device's audit anchor as gone back (wire.CodeRolledBack)
	// means the same and wraps it too.
	ErrRestoredCopy = errors.New("this workspace is an older copy than what HQ holds from this device")
)

// classify turns a round's error into what Sync does next: retry (nil) or
// stop with the returned error.
func classify(err error) (permanent error) {
	var le localError
	if errors.As(err, &le) {
		return err
	}
	var we *wire.Error
	if errors.As(err, &we) {
		switch we.Code {
		case wire.CodeRevoked:
			return fmt.Errorf("%w: %v", ErrRevoked, we)
		case wire.CodeInternal, wire.CodeUnavailable, wire.CodeTooLarge:
			return nil
		case wire.CodeWipe:
			return we // the caller wipes
		case wire.CodeRolledBack, wire.CodeConflict:
			// HQ has seen a later audit head from this workspace, or holds
			// other changes under its numbers: it is an older copy of
			// itself, as when HQ holds more of its changes.
			return fmt.Errorf("%w: %w", ErrRestoredCopy, we)
		}
		return fmt.Errorf("%w: %w", ErrRefused, we)
	}
	if errors.Is(err, pki.ErrFingerprint) {
		// Whoever answered is not the HQ the code names: retrying will not
		// change who answers.
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		// The server is not this device's HQ (its certificate is from
		// another CA): a wrong address, or someone in the middle.
		return fmt.Errorf("%w: the server is not this device's HQ: %w", ErrRefused, err)
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		// HQ's TLS layer refused the certificate: not enrolled here.
		return fmt.Errorf("%w: %w", ErrRefused, &wire.Error{Code: wire.CodeUnauthorized, Message: err.Error()})
	}
	return nil
}

// ExplainKey returns the catalogue key (assets/i18n) of the plain-words
// explanation of a sync error: what went wrong and what to do. It explains
// the error a sync ends with and, while a sync waits to retry, the one of
// the attempt that failed (Status.Err): "stalled", "link", "garbled",
// "hq_busy" and "too_large" are only ever retried, so their texts say so. The app and
// fieldctl look it up in the user's language; this package holds no words
// for users of its own. An error it does not know gives "sync_error.other".
func ExplainKey(err error) string {
	if err == nil {
		return ""
	}
	return "sync_error." + reason(err)
}

// reason names what a sync error means for the user.
func reason(err error) string {
	var we *wire.Error
	switch {
	case errors.Is(err, ErrNotEnrolled):
		return "not_enrolled"
	case errors.Is(err, ErrRevoked):
		return "revoked"
	case errors.Is(err, ErrWiped):
		return "wiped"
	case errors.Is(err, ErrUnreachable):
		return "unreachable"
	case errors.Is(err, ErrAlreadyEnrolled):
		return "already_enrolled"
	case errors.Is(err, ErrRestoredCopy):
		return "restored_copy"
	case errors.Is(err, change.ErrClockAhead):
		return "clock"
	case errors.As(err, &we) && we.Code == wire.CodeClockAhead:
		return "clock"
	case errors.As(err, &we) && we.Code == wire.CodeUnauthorized:
		return "unauthorized"
	case errors.As(err, &we) && we.Code == wire.CodeVersion:
		return "version"
	case errors.Is(err, ErrRefused):
		// Refused for a reason retrying will not fix: not "try again later".
		return "refused"
	case errors.Is(err, store.ErrCorrupt):
		return "damaged"
	case errors.Is(err, store.ErrTooLarge):
		return "storage_full"
	case errors.As(err, new(localError)):
		// This device failed, not the link: "try again later" would not help.
		return "local"
	// What follows is only ever retried: a sync ends with ErrUnreachable.
	case errors.Is(err, ErrStalled):
		return "stalled"
	case errors.Is(err, ErrLinkLost):
		return "link"
	case errors.Is(err, ErrGarbled):
		return "garbled"
	case errors.As(err, &we) && (we.Code == wire.CodeUnavailable || we.Code == wire.CodeInternal):
		return "hq_busy"
	case errors.As(err, &we) && we.Code == wire.CodeTooLarge:
		return "too_large"
	}
	return "other"
}
