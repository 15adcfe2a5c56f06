package ops

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"fieldreg/change"
	"fieldreg/exchange"
	"fieldreg/registry"
	"fieldreg/store"
)

// stamps is a Version that names each field's exported stamp.
type stamps map[string]change.Stamp

func (v stamps) Exported(name string, f change.Field) (change.Stamp, bool) {
	for _, fv := range f.Versions {
		if s, ok := v[name]; ok && fv.Stamp == s {
			return s, true
		}
	}
	return change.Stamp{}, false
}

// versionOf is what an export writes of a record: each field's stamp.
func versionOf(r registry.Record) Version {
	v := make(stamps)
	for name, f := range r.Fields {
		v[name] = f.Stamp()
	}
	return v
}

// Registering a household again, as an export wrote it and with what an
// export says of its versions: what changed in the workspace since the
// export stays visible and becomes a conflict; what did not is written;
// what is equal writes nothing. Without a version, an existing record is
// refused when it would change, unless the caller asks to update it.
func TestRegisterAgainstVersion(t *testing.T) {
	forms := testForms(t)
	tests := []struct {
		name      string
		editSince string // given_name set after the export; "" for none
		input     map[string]string
		version   bool
		ifExists  Existing
		want      Outcome
		wantName  string // given_name afterwards
		conflicts []string
		err       error
	}{
		{name: "exported values again", input: map[string]string{registry.FieldGivenName: "Amina"}, version: true,
			want: Unchanged, wantName: "Amina"},
		{name: "edited since, exported value again", editSince: "Aminah", input: map[string]string{registry.FieldGivenName: "Amina"}, version: true,
			want: Conflicted, wantName: "Aminah", conflicts: []string{registry.FieldGivenName}},
		{name: "edited since, the same edit in the file", editSince: "Aminah", input: map[string]string{registry.FieldGivenName: "Aminah"}, version: true,
			want: Unchanged, wantName: "Aminah"},
		{name: "changed in the file only", input: map[string]string{registry.FieldGivenName: "Aminata"}, version: true,
			want: Updated, wantName: "Aminata"},
		{name: "no version, nothing changes", input: map[string]string{registry.FieldGivenName: "Amina"},
			want: Unchanged, wantName: "Amina"},
		{name: "no version, a change", input: map[string]string{registry.FieldGivenName: "Aminata"},
			wantName: "Amina", err: ErrRegistered},
		{name: "no version, update asked", input: map[string]string{registry.FieldGivenName: "Aminata"}, ifExists: UpdateExisting,
			want: Updated, wantName: "Aminata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWorkspace(t)
			hh, ids := register(t, ws, person("head", "Amina", "Yusuf"))
			exported := get(t, ws, ids[0])
			if tt.editSince != "" {
				if _, err := Edit(ws, Fields{Record: exported, Set: map[string]string{registry.FieldGivenName: tt.editSince}}); err != nil {
					t.Fatal(err)
				}
			}
			e := Entry{ID: ids[0], Fields: tt.input, IfExists: tt.ifExists}
			if tt.version {
				e.Version = versionOf(exported)
			}
			plan, err := PlanHousehold(ws, forms, Household{Entry: Entry{ID: hh, Fields: householdFields(), Version: versionOf(get(t, ws, hh))}, Members: []Entry{e}}, today)
			if !errors.Is(err, tt.err) {
				t.Fatalf("PlanHousehold = %v, want %v", err, tt.err)
			}
			if err == nil {
				if err := plan.Problems(); err != nil {
					t.Fatal(err)
				}
				m := plan.Members[0]
				if m.Outcome != tt.want || !slices.Equal(m.Conflicts, tt.conflicts) {
					t.Errorf("outcome %v, conflicts %v; want %v, %v", m.Outcome, m.Conflicts, tt.want, tt.conflicts)
				}
				if _, err := ws.Commit(plan.Edits()...); err != nil {
					t.Fatal(err)
				}
			}
			if err == nil {
				// The same input again adds nothing, conflicts included.
				again, err := PlanHousehold(ws, forms, Household{Entry: Entry{ID: hh, Fields: householdFields(), Version: versionOf(get(t, ws, hh))}, Members: []Entry{e}}, today)
				if err != nil {
					t.Fatal(err)
				}
				if m := again.Members[0]; m.Outcome != Unchanged || len(again.Edits()) != 0 {
					t.Errorf("the same input again: outcome %v, edits %v", m.Outcome, again.Edits())
				}
			}
			after := get(t, ws, ids[0])
			if got := after.Value(registry.FieldGivenName); got != tt.wantName {
				t.Errorf("given_name = %q, want %q", got, tt.wantName)
			}
			var conflicted []string
			for name := range after.Conflicts() {
				conflicted = append(conflicted, name)
			}
			if !slices.Equal(conflicted, tt.conflicts) {
				t.Errorf("record's conflicts %v, want %v", conflicted, tt.conflicts)
			}
		})
	}
}

// Whatever was edited since an export and whatever the file changes,
// registering the export again never changes a value edited since: such a
// field keeps its value and, when the file's differs, holds the file's as a
// conflict (unless the very same edit, from the export's value to the
// file's, was made here since and superseded); a field not edited since
// takes the file's value. Registering the same file once more writes
// nothing.
func TestReimportNeverRevertsProperty(t *testing.T) {
	forms := testForms(t)
	fields := []string{registry.FieldGivenName, registry.FieldFamilyName, registry.FieldOtherNames}
	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp(t.TempDir(), "ws")
		if err != nil {
			rt.Fatal(err)
		}
		ws, err := store.Create(dir, "sam", testPass, testOptions(t))
		if err != nil {
			rt.Fatal(err)
		}
		defer ws.Close()
		head := person("head", "Amina", "Yusuf", registry.FieldOtherNames, "Mina")
		hh := Household{Entry: Entry{ID: registry.NewID(), Fields: householdFields()}, Members: []Entry{head}}
		if _, err := Register(ws, forms, today, hh); err != nil {
			rt.Fatal(err)
		}
		exported, err := ws.Get(head.ID)
		if err != nil {
			rt.Fatal(err)
		}
		value := rapid.SampledFrom([]string{"Amina", "Aminah", "Aminata", "Yusuf", "Youssouf", "Mina", "Minou"})
		// Edits since the export, one or more commits of any of the fields.
		for i := range rapid.IntRange(0, 3).Draw(rt, "edits") {
			rec, _ := ws.Get(head.ID)
			set := map[string]string{}
			for _, f := range fields {
				if rapid.Bool().Draw(rt, fmt.Sprintf("edit %d %s?", i, f)) {
					set[f] = value.Draw(rt, fmt.Sprintf("edit %d %s", i, f))
				}
			}
			if _, err := Edit(ws, Fields{Record: rec, Set: set}); err != nil {
				rt.Fatal(err)
			}
		}
		before, _ := ws.Get(head.ID)
		// The file: the export, with some cells changed.
		file := exported.Values()
		for _, f := range fields {
			if rapid.Bool().Draw(rt, "file changes "+f) {
				file[f] = value.Draw(rt, "file "+f)
			}
		}
		version, err := exchange.ParseVersion(exchange.VersionOf(exported).String())
		if err != nil {
			rt.Fatal(err)
		}
		again := Household{Entry: Entry{ID: hh.ID, Fields: householdFields(), Version: version},
			Members: []Entry{{ID: head.ID, Fields: file, Version: version}}}
		register := func() []store.Edit {
			plan, err := PlanHousehold(ws, forms, again, today)
			if err != nil {
				rt.Fatal(err)
			}
			edits := plan.Edits()
			if _, err := ws.Commit(edits...); err != nil {
				rt.Fatal(err)
			}
			return edits
		}
		register()
		after, _ := ws.Get(head.ID)
		for _, f := range fields {
			editedSince := before.Fields[f].Stamp() != exported.Fields[f].Stamp()
			switch {
			case editedSince && after.Value(f) != before.Value(f):
				rt.Fatalf("%s edited since the export to %q, now %q", f, before.Value(f), after.Value(f))
			case editedSince && file[f] != before.Value(f) && !hasConflictValue(after, f, file[f]) &&
				!wroteBefore(before.Fields[f], file[f], exported.Fields[f].Stamp()):
				rt.Fatalf("%s: the file's %q is neither kept as a conflict nor an edit made here since", f, file[f])
			case !editedSince && after.Value(f) != file[f]:
				rt.Fatalf("%s not edited since: %q, want the file's %q", f, after.Value(f), file[f])
			case !editedSince && len(after.Fields[f].Conflicts()) > 0:
				rt.Fatalf("%s not edited since has a conflict", f)
			}
		}
		if edits := register(); len(edits) != 0 {
			rt.Fatalf("the same file again writes %v", edits)
		}
	})
}

func hasConflictValue(r registry.Record, field, value string) bool {
	for _, v := range r.Fields[field].Conflicts() {
		if v.Value == value {
			return true
		}
	}
	return false
}
