package store

import (
	"time"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// The workspace keeps two marks of time, in the state bucket, rewritten in
// the same transaction as every change logged:
//
//   - The clock's high-water mark: the highest stamp of any change the
//     workspace holds, local or remote. At open the clock is raised to it
//     with one read, so a device whose date was set back still stamps new
//     writes after everything it holds.
//   - The device's own mark: the latest wall time at which this device wrote
//     a change (not the change's stamp, which may have been pushed ahead by
//     the stamp it replaced). Only a wall clock behind this mark shows that
//     the device's date went back. A stamp received from another device may
//     be up to change.MaxSkew ahead of ours (that device's clock is fast, or
//     ours is a little slow); that says nothing about which one is wrong, so
//     it is no reason to tell this device's user their date is wrong.
//
// Sync does not learn HQ's time, so HQ's clock is no reference here.

// stateClock is the key, in the state bucket, of the clock's marks.
var stateClock = []byte("clock-high")

type storedClock struct {
	HLC uint64 `cbor:"1,keyasint"`
	// Own is the device's own mark in Unix milliseconds; zero in a
	// workspace from before it was kept, until the next local write.
	Own int64 `cbor:"2,keyasint,omitempty"`
}

// ClockTolerance is how far the device clock may be behind the latest time
// this device wrote at before ClockBehind reports it: a clock corrected by a
// few minutes (network time arriving) is not worth a warning.
const ClockTolerance = 10 * time.Minute

// ClockBehind reports how far this device's wall clock is behind the latest
// time this device itself wrote a change at, and whether that is beyond
// ClockTolerance (the device's date was set back). New changes are stamped
// after everything the workspace holds either way, so nothing is saved out
// of order; the report is for the user. Changes received from other devices,
// however far ahead, do not count.
func (w *Workspace) ClockBehind() (time.Duration, bool) {
	w.mu.RLock()
	own := w.ownWall
	w.mu.RUnlock()
	d := time.Duration(own-w.opts.Now().UnixMilli()) * time.Millisecond
	if d < 0 {
		d = 0
	}
	return d, d > ClockTolerance
}

// noteOwnWrite raises the transaction's own mark for a change this device
// made: to the wall clock now, or to the change's stamp if that is earlier
// (one of this device's changes coming back from HQ after a restore).
func (w *Workspace) noteOwnWrite(st *txState, c change.Change) {
	if c.Device != w.keys.device {
		return
	}
	st.ownWall = max(st.ownWall, min(c.Stamp.Millis(), w.opts.Now().UnixMilli()))
}

// flushClock stores the marks if the transaction moved either.
func (w *Workspace) flushClock(tx kv.Tx, st *txState) {
	if st.clockHigh != w.clockHigh || st.ownWall != w.ownWall {
		w.put(tx, st, bucketState, stateClock, encode(storedClock{HLC: st.clockHigh, Own: st.ownWall}))
	}
}

// loadClockHigh reads the high-water mark. A workspace made before it was
// kept has none: then it is the highest stamp in the change log, read once
// (the next transaction that logs a change stores it).
func (w *Workspace) loadClockHigh(tx kv.Tx) error {
	if sealed := tx.Bucket(bucketState).Get(stateClock); sealed != nil {
		var c storedClock
		err := w.openValue(bucketState, stateClock, sealed, &c, "clock high-water mark")
		if err == nil {
			w.clockHigh, w.ownWall = c.HLC, c.Own
			return nil
		}
		// Damaged: the change log says it again (damaged.go).
		w.damaged = append(w.damaged, Damage{Bucket: bucketState, Key: string(stateClock), Reason: damageOf(err)})
	}
	return tx.Bucket(bucketChanges).ForEach(func(k, v []byte) error {
		var c storedChange
		if w.openValue(bucketChanges, k, v, &c, "change") != nil {
			return nil // a damaged change is set aside or reported by Verify, not here
		}
		w.clockHigh = max(w.clockHigh, c.Stamp.HLC)
		return nil
	})
}
