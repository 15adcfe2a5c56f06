package store

import (
	"time"

	"fieldreg/store/kv"
)

// The clock's high-water mark is the highest stamp of any change the
// workspace holds, local or remote. It is kept in the state bucket and
// rewritten in the same transaction as every change logged, so at open the
// clock is raised to it with one read: a device whose date was set back
// still stamps new writes after everything it holds.

// stateClock is the key, in the state bucket, of the clock's high-water mark.
var stateClock = []byte("clock-high")

type storedClock struct {
	HLC uint64 `cbor:"1,keyasint"`
}

// ClockTolerance is how far the device clock may be behind the workspace's
// high-water mark before ClockBehind reports it: devices that sync are a few
// seconds or minutes apart, which is not worth a warning.
const ClockTolerance = 10 * time.Minute

// ClockBehind reports how far this device's wall clock is behind the latest
// change the workspace holds, and whether that is beyond ClockTolerance (the
// device's date is wrong). New changes are stamped after the high-water mark
// either way, so nothing is saved out of order; the report is for the user.
func (w *Workspace) ClockBehind() (time.Duration, bool) {
	d := w.clock.Behind()
	return d, d > ClockTolerance
}

// loadClockHigh reads the high-water mark. A workspace made before it was
// kept has none: then it is the highest stamp in the change log, read once
// (the next transaction that logs a change stores it).
func (w *Workspace) loadClockHigh(tx kv.Tx) error {
	if sealed := tx.Bucket(bucketState).Get(stateClock); sealed != nil {
		var c storedClock
		err := w.openValue(bucketState, stateClock, sealed, &c, "clock high-water mark")
		if err == nil {
			w.clockHigh = c.HLC
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
