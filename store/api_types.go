package store

import (
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
)

// User is one key slot of a workspace. Role is the role the slot's unlock
// grants, as far as the listing user can tell (see Workspace.Users). When
// the slot's role byte says something else, Claimed holds the byte and
// Problem why it does not hold; Tampered says the byte was rewritten (rather
// than left unproven by an old-format slot).
type User struct {
	Name     string
	Role     Role
	Claimed  Role
	Problem  string
	Tampered bool
}

// Edit is what a user changes in one record. Set holds only the fields to write.
type Edit struct {
	Record  uuid.UUID // registry.NewID() for a new record
	Kind    string
	Set     map[string]string
	Resolve bool // the writes resolve the fields' current conflicts (Write.Resolves = losing heads)
	// Base names, for some fields of Set, the stamp the value was read at
	// when that is not the field's current stamp: a re-imported export was
	// read when it was exported. Such a write is concurrent with what came
	// since, so it becomes a conflict by the merge rule. Fields not named
	// here are written against their current stamp.
	Base map[string]change.Stamp
	// Form is the ref (registry.Form.Ref) of the form the edit was checked
	// against, which its change records (change.Change.Form); "" takes
	// Options.FormRef's for the kind.
	Form string
}

// Outcome is what ApplyRemote did with one change.
type Outcome int

// The outcomes of ApplyRemote.
const (
	Applied     Outcome = iota // merged and logged
	Duplicate                  // already received: nothing changed
	Quarantined                // refused; kept in quarantine with the reason
)

func (o Outcome) String() string {
	switch o {
	case Applied:
		return "applied"
	case Duplicate:
		return "duplicate"
	case Quarantined:
		return "quarantined"
	}
	return "unknown"
}

// Result reports ApplyRemote's outcome for one change. LogSeq is the change's
// place in the local log (zero when quarantined).
type Result struct {
	Outcome Outcome
	LogSeq  uint64
	Reason  string
}

// Logged is a change with its place in the local change log.
type Logged struct {
	LogSeq uint64
	Change change.Change
}

// QuarantineEntry is a received change that was refused, with why.
type QuarantineEntry struct {
	QuarantineSeq uint64
	Time          time.Time
	Change        change.Change
	Reason        string
	// Unit is the QuarantineSeq of the first change of the unit it was held
	// with (ApplyRemoteUnits), itself included; 0 when it was held alone.
	// Release and drop act on a whole unit.
	Unit uint64
}

// Hit is one search result. Higher scores are better matches.
type Hit struct {
	ID    uuid.UUID
	Kind  string
	Score float64
}

// AuditEntry is one link of the audit chain: who did what to which record and
// which fields, never the values.
type AuditEntry struct {
	AuditSeq uint64
	Time     time.Time
	User     string
	Action   string
	Record   uuid.UUID
	Kind     string
	Fields   []string
	Detail   string
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Records, Changes, AuditEntries int
	Problems                       []string
	// RolledBack says the database is older than the key file's rollback
	// mark (ErrRolledBack): older pages or an older copy were put back.
	RolledBack bool
}
