package wire

import (
	"errors"
	"fmt"
)

// Code is a protocol error code. Codes are the protocol; messages are for
// people and are never parsed.
type Code int

// Error codes. Never renumber: devices in the field speak older versions.
const (
	CodeNone         Code = 0
	CodeBadRequest   Code = 1  // malformed message or invalid content
	CodeVersion      Code = 2  // protocol version not spoken by the receiver
	CodeUnauthorized Code = 3  // no valid client certificate or enrollment token
	CodeRevoked      Code = 4  // the device's certificate was revoked
	CodeWipe         Code = 5  // the device must crypto-erase its workspace
	CodeTooLarge     Code = 6  // message beyond the receiver's limits
	CodeClockAhead   Code = 7  // a stamp ahead of HQ's clock by more than HQ allows (minutes)
	CodeInternal     Code = 8  // HQ failed; retry later
	CodeUnavailable  Code = 9  // HQ is overloaded or shutting down; retry later
	CodeInvalid      Code = 10 // a change failed validation (quarantine)
	CodeNotFound     Code = 11 // unknown device, token or object
	CodeConflict     Code = 12 // a sequence number reused with other content
	CodeReleased     Code = 13 // a held change a supervisor released: now stored at HQ
	CodeDropped      Code = 14 // a held change a supervisor dropped: HQ will never store it
	CodeForbidden    Code = 15 // a change to a record outside the device's sites: HQ refused it for good
	// 15..19 are left to codes added alongside.
	CodeRolledBack Code = 20 // the device's audit anchor went back: its workspace was put back to an older copy
)

var codeNames = map[Code]string{
	CodeNone:         "none",
	CodeBadRequest:   "bad request",
	CodeVersion:      "unsupported protocol version",
	CodeUnauthorized: "unauthorized",
	CodeRevoked:      "device revoked",
	CodeWipe:         "device ordered to wipe",
	CodeTooLarge:     "too large",
	CodeClockAhead:   "clock ahead",
	CodeInternal:     "internal error",
	CodeUnavailable:  "unavailable",
	CodeInvalid:      "invalid change",
	CodeNotFound:     "not found",
	CodeConflict:     "conflicting resend",
	CodeReleased:     "released",
	CodeDropped:      "dropped",
	CodeForbidden:    "forbidden",
	CodeRolledBack:   "workspace rolled back",
}

func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code %d", int(c))
}

// Temporary reports whether a request refused with this code may succeed if
// sent again later unchanged.
func (c Code) Temporary() bool { return c == CodeInternal || c == CodeUnavailable }

// Error is a refusal sent on the wire in place of a response.
type Error struct {
	Code    Code
	Message string // for people; never parsed
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "hq: " + e.Code.String()
	}
	return "hq: " + e.Code.String() + ": " + e.Message
}

// Is makes errors.Is(err, &Error{Code: c}) match any *Error with code c.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Decoding errors. Each is wrapped with detail; ErrorFor maps them to codes.
var (
	ErrMalformed = errors.New("malformed message")
	ErrTooLarge  = errors.New("message exceeds limits")
	ErrVersion   = errors.New("unsupported protocol version")
)

// ErrorFor maps a decoding error to the Error to send back. Errors it does not
// know become CodeInternal with no detail, so internal text never leaks.
func ErrorFor(err error) *Error {
	var we *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &we):
		return we
	case errors.Is(err, ErrTooLarge):
		return &Error{Code: CodeTooLarge, Message: err.Error()}
	case errors.Is(err, ErrVersion):
		return &Error{Code: CodeVersion, Message: err.Error()}
	case errors.Is(err, ErrMalformed):
		return &Error{Code: CodeBadRequest, Message: err.Error()}
	}
	return &Error{Code: CodeInternal}
}
