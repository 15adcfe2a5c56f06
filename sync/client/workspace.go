package client

import (
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store"
)

// Workspace is what sync needs of a device's store. *store.Workspace is
// one; storetest.Device is the contract, with the suite, that any other
// must pass.
type Workspace interface {
	// Device is the workspace's device id: the Device of its own changes.
	Device() uuid.UUID
	// User names who is working, for the device's name at enrollment.
	User() string
	// Clock stamps the enrollment and bundles.
	Clock() *change.Clock
	// DeviceSeq is the device seq of the workspace's last own change.
	DeviceSeq() uint64
	// OwnChangesAfter returns up to limit of the device's own changes after
	// device seq deviceSeq, in order: what to push.
	OwnChangesAfter(deviceSeq uint64, limit int) ([]change.Change, error)
	// ApplyRemote stores pulled changes and the meta entries given with them
	// (cursor, acknowledgement) in one transaction.
	ApplyRemote(changes []change.Change, meta map[string][]byte) ([]store.Result, error)
	// Meta and PutMeta keep the sync state (enrollment, cursor, acked, last
	// sync). Meta returns an error wrapping store.ErrNotFound for a name
	// never put.
	Meta(name string) ([]byte, error)
	PutMeta(name string, value []byte) error
	// Conflicted lists the records with open conflicts: a sync reports the
	// new ones.
	Conflicted() []uuid.UUID
	// SetAside lists own changes that could not be read back and went to
	// HQ as placeholders: a sync reports them.
	SetAside() ([]store.SetAsideEntry, error)
	// WipeOrdered crypto-erases the workspace, on HQ's order.
	WipeOrdered() (time.Duration, error)
	// Evict removes households that left the device's sites, with their
	// members and assessments, keeping the device's own changes.
	Evict(households []uuid.UUID) (int, error)
	// ReceiveForms stores form versions HQ published, with meta entries
	// (the form cursor) in the same transaction.
	ReceiveForms(docs []store.FormDoc, meta map[string][]byte) error
}
