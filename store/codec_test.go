package store

import (
	"reflect"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
)

// A stored change keeps the form ref it was written with, and one stored
// before forms were versioned (no key 8) reads back with none.
func TestStoredChangeKeepsFormRef(t *testing.T) {
	dev := uuid.MustParse("0190a000-0000-7000-8000-00000000000a")
	c := change.Change{
		Device: dev, DeviceSeq: 3, Record: uuid.MustParse("0190a000-0000-7000-8000-0000000000f1"),
		Kind: "household", Author: "amina", Stamp: change.Stamp{HLC: 1 << 20, Device: dev},
		Writes: []change.Write{{Field: "site", Value: "camp_east"}},
		Form:   "household@2",
	}
	var got storedChange
	if err := decode(encode(toStoredChange(c)), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.change(), c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got.change(), c)
	}

	legacy := c
	legacy.Form = ""
	old := toStoredChange(legacy)
	var m map[int]any
	if err := decode(encode(old), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m[8]; ok {
		t.Error("a change with no form ref stores key 8: older stores would not read the same bytes")
	}
	var back storedChange
	if err := decode(encode(old), &back); err != nil {
		t.Fatal(err)
	}
	if back.change().Form != "" {
		t.Errorf("legacy change reads back with form %q", back.change().Form)
	}
}
