package hq

import "errors"

// Errors callers branch on. The admin socket carries each as a code (see
// adminErrors), so errors.Is gives the same answer whether an admin command
// ran in-process or in a running server.
var (
	// ErrUnknownDevice: no enrolled device has that id or name.
	ErrUnknownDevice = errors.New("unknown device")
	// ErrAmbiguousDevice: several devices have that name; use an id.
	ErrAmbiguousDevice = errors.New("several devices have that name (use the device's id)")
	// ErrDeviceRevoked: the device was revoked, so HQ writes nothing for it.
	ErrDeviceRevoked = errors.New("device revoked")
	// ErrInvalidRequest: an admin request HQ cannot run as given (no device
	// name, no sites, an unknown export format, a relative path).
	ErrInvalidRequest = errors.New("invalid request")
	// ErrNotInitialized: the data directory holds no HQ; run init first.
	ErrNotInitialized = errors.New("no HQ in this data directory (run fieldreg-hq init)")
	// ErrNoServer: no server answers on the data directory's admin socket.
	ErrNoServer = errors.New("no HQ server is running on this data directory")
	// ErrClosed: the server is shutting down.
	ErrClosed = errors.New("HQ is shutting down")
	// ErrNotHeld: no change with that id is held in quarantine (never, or
	// released or dropped already).
	ErrNotHeld = errors.New("no such change is held in quarantine")
	// ErrStillRefused: a held change asked to be released is still refused;
	// the error says why. Fix the cause (the form, HQ's clock) first.
	ErrStillRefused = errors.New("still refused")
)
