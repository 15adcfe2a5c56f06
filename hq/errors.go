package hq

import "errors"

// Errors callers branch on.
var (
	// ErrUnknownDevice: no enrolled device has that id or name.
	ErrUnknownDevice = errors.New("unknown device")
	// ErrNotInitialized: the data directory holds no HQ; run init first.
	ErrNotInitialized = errors.New("no HQ in this data directory (run fieldreg-hq init)")
	// ErrNoServer: no server answers on the data directory's admin socket.
	ErrNoServer = errors.New("no HQ server is running on this data directory")
	// ErrClosed: the server is shutting down.
	ErrClosed = errors.New("HQ is shutting down")
)
