package change

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"
)

func st(ms int64, counter uint16, device uuid.UUID) Stamp {
	return Stamp{HLC: MakeHLC(ms, counter), Device: device}
}

// TestWinsSymmetric is the merge rule, tried both ways round: exactly one of
// two different stamps wins, whichever is asked about first.
func TestWinsSymmetric(t *testing.T) {
	tests := []struct {
		name   string
		winner Stamp
		loser  Stamp
	}{
		{"later millisecond", st(2000, 0, devA), st(1000, 0, devB)},
		{"later millisecond, smaller device", st(2000, 0, devA), st(1999, 9, devB)},
		{"same millisecond, higher counter", st(1000, 2, devA), st(1000, 1, devB)},
		{"same clock reading: larger device id", st(1000, 1, devB), st(1000, 1, devA)},
		{"any write beats the zero stamp", st(1, 0, devA), Stamp{}},
		{"counter beats a nil device", st(1000, 1, uuid.Nil), st(1000, 0, devB)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !Wins(tt.winner, tt.loser) {
				t.Errorf("Wins(%v, %v) = false", tt.winner, tt.loser)
			}
			if Wins(tt.loser, tt.winner) {
				t.Errorf("Wins(%v, %v) = true", tt.loser, tt.winner)
			}
			// The field's winner agrees, whatever order the writes arrive in.
			for _, order := range [][]Stamp{{tt.winner, tt.loser}, {tt.loser, tt.winner}} {
				var f Field
				for _, s := range order {
					f.Add(Version{Value: s.String(), Stamp: s})
				}
				if f.Stamp() != tt.winner {
					t.Errorf("arriving as %v, the field's winner is %v", order, f.Stamp())
				}
			}
		})
	}
	s := st(1000, 1, devA)
	if Wins(s, s) {
		t.Error("a stamp wins over itself")
	}
}

func TestAddIsIdempotent(t *testing.T) {
	var f Field
	v := Version{Value: "Hauwa", Stamp: st(1000, 0, devA)}
	if !f.Add(v) {
		t.Fatal("first Add reported nothing new")
	}
	before := slices.Clone(f.Versions)
	if f.Add(v) {
		t.Error("second Add of the same write reported something new")
	}
	if !reflect.DeepEqual(f.Versions, before) {
		t.Errorf("a duplicate changed the field: %+v", f.Versions)
	}
}

// write applies one write of field by device at ms, based on base.
func write(fields map[string]Field, device uuid.UUID, ms int64, field, value string, base Stamp, resolves ...Stamp) Stamp {
	s := st(ms, 0, device)
	Apply(fields, Change{Device: device, DeviceSeq: 1, Record: uuid.New(), Kind: "person", Stamp: s,
		Writes: []Write{{Field: field, Value: value, Base: base, Resolves: resolves}}})
	return s
}

func conflictValues(f Field) []string {
	var vals []string
	for _, v := range f.Conflicts() {
		vals = append(vals, v.Value)
	}
	return vals
}

func TestConflicts(t *testing.T) {
	t.Run("same base, different values", func(t *testing.T) {
		fields := map[string]Field{}
		base := write(fields, devA, 1000, "given_name", "Hauwa", Stamp{})
		write(fields, devA, 2000, "given_name", "Hawa", base)
		write(fields, devB, 1500, "given_name", "Hauwa M.", base)
		f := fields["given_name"]
		if f.Value() != "Hawa" {
			t.Errorf("value %q, want the later write's", f.Value())
		}
		if got := conflictValues(f); !reflect.DeepEqual(got, []string{"Hauwa M."}) {
			t.Errorf("conflicts %q, want the losing value", got)
		}
	})
	t.Run("same base, same value", func(t *testing.T) {
		fields := map[string]Field{}
		base := write(fields, devA, 1000, "sex", "female", Stamp{})
		write(fields, devA, 2000, "sex", "male", base)
		write(fields, devB, 1500, "sex", "male", base)
		if got := conflictValues(fields["sex"]); got != nil {
			t.Errorf("two writes agreeing make conflicts %q", got)
		}
	})
	t.Run("one after the other", func(t *testing.T) {
		fields := map[string]Field{}
		first := write(fields, devA, 1000, "phone", "+234801", Stamp{})
		write(fields, devB, 2000, "phone", "+234802", first)
		if got := conflictValues(fields["phone"]); got != nil {
			t.Errorf("sequential edits make conflicts %q", got)
		}
	})
	t.Run("two creations of one field", func(t *testing.T) {
		fields := map[string]Field{}
		write(fields, devA, 1000, "origin", "Bama", Stamp{})
		write(fields, devB, 1001, "origin", "Gwoza", Stamp{})
		if got := conflictValues(fields["origin"]); !reflect.DeepEqual(got, []string{"Bama"}) {
			t.Errorf("conflicts %q, want [Bama]", got)
		}
	})
	t.Run("different fields never conflict", func(t *testing.T) {
		fields := map[string]Field{}
		write(fields, devA, 1000, "given_name", "Hauwa", Stamp{})
		write(fields, devB, 1000, "family_name", "Musa", Stamp{})
		for name, f := range fields {
			if got := conflictValues(f); got != nil {
				t.Errorf("field %s has conflicts %q", name, got)
			}
		}
	})
	t.Run("a resolution clears the conflict", func(t *testing.T) {
		fields := map[string]Field{}
		base := write(fields, devA, 1000, "status", "active", Stamp{})
		win := write(fields, devA, 2000, "status", "moved", base)
		lose := write(fields, devB, 1500, "status", "returned", base)
		if len(conflictValues(fields["status"])) != 1 {
			t.Fatal("no conflict to resolve")
		}
		write(fields, devB, 3000, "status", "returned", win, lose)
		f := fields["status"]
		if got := conflictValues(f); got != nil {
			t.Errorf("after resolution, conflicts %q", got)
		}
		if f.Value() != "returned" {
			t.Errorf("value %q, want the resolution's", f.Value())
		}
	})
	t.Run("an edit that does not resolve keeps the conflict", func(t *testing.T) {
		fields := map[string]Field{}
		base := write(fields, devA, 1000, "status", "active", Stamp{})
		win := write(fields, devA, 2000, "status", "moved", base)
		write(fields, devB, 1500, "status", "returned", base)
		write(fields, devA, 3000, "status", "closed", win)
		if got := conflictValues(fields["status"]); !reflect.DeepEqual(got, []string{"returned"}) {
			t.Errorf("conflicts %q, want the unresolved value to stay", got)
		}
	})
	t.Run("deletion is a field like any other", func(t *testing.T) {
		fields := map[string]Field{}
		write(fields, devA, 1000, "given_name", "Hauwa", Stamp{})
		del := write(fields, devA, 2000, DeletedField, "true", Stamp{})
		write(fields, devB, 1500, "given_name", "Hawa", Stamp{}) // edit during the deletion: no conflict with it
		if fields[DeletedField].Value() != "true" {
			t.Error("record not deleted")
		}
		if conflictValues(fields[DeletedField]) != nil {
			t.Error("an edit of another field conflicts with the deletion")
		}
		// Restoring on one device while another deletes again: a conflict on
		// the deletion field, for a supervisor.
		write(fields, devA, 3000, DeletedField, "", del)
		write(fields, devB, 2500, DeletedField, "true", del)
		if fields[DeletedField].Value() != "" {
			t.Error("the later restore did not win")
		}
		if got := conflictValues(fields[DeletedField]); !reflect.DeepEqual(got, []string{"true"}) {
			t.Errorf("deletion conflicts %q, want [true]", got)
		}
	})
}

func TestApplyReportsNews(t *testing.T) {
	fields := map[string]Field{}
	c := Change{Device: devA, DeviceSeq: 1, Record: uuid.New(), Kind: "person", Stamp: st(1000, 0, devA),
		Writes: []Write{{Field: "a", Value: "1"}, {Field: "b", Value: "2"}}}
	if !Apply(fields, c) {
		t.Error("first Apply reported nothing new")
	}
	if Apply(fields, c) {
		t.Error("second Apply of the same change reported something new")
	}
	if fields["a"].Value() != "1" || fields["b"].Value() != "2" {
		t.Errorf("fields %+v", fields)
	}
}

func TestValidate(t *testing.T) {
	good := func() Change {
		return Change{Device: devA, DeviceSeq: 3, Record: uuid.New(), Kind: "person", Stamp: st(1000, 0, devA),
			Writes: []Write{{Field: "given_name", Value: "Hauwa", Base: st(900, 0, devB)}}}
	}
	tests := []struct {
		name  string
		spoil func(*Change)
	}{
		{"no device", func(c *Change) { c.Device = uuid.Nil }},
		{"sequence 0", func(c *Change) { c.DeviceSeq = 0 }},
		{"no record", func(c *Change) { c.Record = uuid.Nil }},
		{"no kind", func(c *Change) { c.Kind = "" }},
		{"stamp of another device", func(c *Change) { c.Stamp.Device = devB }},
		{"zero stamp", func(c *Change) { c.Stamp.HLC = 0 }},
		{"no writes", func(c *Change) { c.Writes = nil }},
		{"unnamed field", func(c *Change) { c.Writes[0].Field = "" }},
		{"field twice", func(c *Change) { c.Writes = append(c.Writes, c.Writes[0]) }},
		{"base not before the change", func(c *Change) { c.Writes[0].Base = st(1000, 1, devB) }},
		{"resolves a later write", func(c *Change) { c.Writes[0].Resolves = []Stamp{st(5000, 0, devB)} }},
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good change refused: %v", err)
	}
	for _, tt := range tests {
		c := good()
		tt.spoil(&c)
		if err := c.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", tt.name, err)
		}
	}
}
