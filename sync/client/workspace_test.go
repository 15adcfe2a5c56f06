package client_test

import (
	"fieldreg/store"
	"fieldreg/store/storetest"
	"fieldreg/sync/client"
)

// The bbolt workspace syncs, and so does any store that passes the device
// half of the store suite.
var (
	_ client.Workspace = (*store.Workspace)(nil)
	_ client.Workspace = storetest.Device(nil)
)
