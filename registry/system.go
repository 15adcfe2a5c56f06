package registry

import (
	"strings"

	"github.com/google/uuid"

	"fieldreg/change"
)

// System fields start with "_": the software writes them, no form declares
// them, and they sync and merge like any other field.
const (
	// FieldMergedInto is set on a person found to duplicate another: the
	// surviving person's id. The merged person is also marked deleted, and
	// keeps its whole history.
	FieldMergedInto = "_merged_into"
	// FieldNotDuplicate holds the space-separated ids of persons a
	// supervisor judged distinct from this one.
	FieldNotDuplicate = "_not_duplicate"
	// FieldExternalKey is set on a household imported from input that
	// does not give our id: another agency's household key, or for input
	// with neither id nor key "digest:" and a keyed digest of the
	// household's own text (store.Workspace.KeyedDigest). Importing the same
	// input again, or the rest of it after a failure, finds the household
	// instead of making it twice. It syncs, so a device importing a list
	// another one imported finds the households by their agency's keys.
	FieldExternalKey = "_external_key"
	// FieldErased, "true", erases a record on request (the consent promise
	// "you can ask to ... delete your information"): every replica that
	// applies it keeps of the record only a tombstone without values (see
	// store.Workspace.Erase), and any later or older change of the record
	// is stripped of its values. It cannot be undone.
	FieldErased = "_erased"
)

// Erased reports whether the record was erased: a tombstone.
func (r Record) Erased() bool { return r.Value(FieldErased) == "true" }

// checkSystemField returns the rule a system field's value breaks, or "" when
// it is fine; known is false for a name the system does not use.
func checkSystemField(name, value string) (rule string, known bool) {
	switch name {
	case change.DeletedField:
		if value != "" && value != "true" && value != "false" {
			return RuleType, true
		}
		return "", true
	case FieldMergedInto:
		if value != "" {
			if _, err := uuid.Parse(value); err != nil {
				return RuleType, true
			}
		}
		return "", true
	case FieldNotDuplicate:
		for _, id := range strings.Fields(value) {
			if _, err := uuid.Parse(id); err != nil {
				return RuleType, true
			}
		}
		return "", true
	case FieldExternalKey:
		return "", true // any text; the value rule bounds it
	case FieldErased:
		if value != "true" {
			return RuleType, true // an erasure cannot be undone
		}
		return "", true
	}
	return "", false
}
