package exchange

import (
	"bytes"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

func TestVersionToken(t *testing.T) {
	dev1 := uuid.MustParse("01900000-0000-7000-8000-00000000d001")
	dev2 := uuid.MustParse("01900000-0000-7000-8000-00000000d002")
	registered := change.Stamp{HLC: change.MakeHLC(1767225600000, 3), Device: dev1}
	edited := change.Stamp{HLC: change.MakeHLC(1767312000000, 0), Device: dev2}
	r := rec(registry.KindPerson, 1, nil)
	r.Fields["given_name"] = change.Field{Versions: []change.Version{{Value: "Amina", Stamp: registered}}}
	r.Fields["sex"] = change.Field{Versions: []change.Version{{Value: "female", Stamp: registered}}}
	r.Fields["phone"] = change.Field{Versions: []change.Version{{Value: "+1", Stamp: registered}, {Value: "+2", Stamp: edited}}}
	v := VersionOf(r)
	token := v.String()
	if !strings.HasPrefix(token, "v1.") || strings.ContainsAny(token, "=+/,;\"' \n") || len(token) != 3+22 {
		t.Errorf("token %q: not a plain cell of 2 fingerprints", token)
	}
	got, err := ParseVersion(token)
	if err != nil || !reflect.DeepEqual(got, v) {
		t.Fatalf("ParseVersion(String()) = %v, %v; want %v", got, err, v)
	}

	// The exported version of each field is found among the field's
	// versions, whatever was written since.
	since := change.Stamp{HLC: edited.HLC + 1, Device: dev1}
	r.Fields["given_name"] = change.Field{Versions: []change.Version{{Value: "Amina", Stamp: registered}, {Value: "Aminah", Stamp: since}}}
	for _, tt := range []struct {
		field string
		want  change.Stamp
		found bool
	}{
		{"given_name", registered, true}, // edited since: still found
		{"phone", edited, true},
		{"sex", registered, true},
		{"family_name", change.Stamp{}, false}, // no value at the export
	} {
		if s, ok := got.Exported(tt.field, r.Fields[tt.field]); s != tt.want || ok != tt.found {
			t.Errorf("Exported(%s) = %v, %v; want %v, %v", tt.field, s, ok, tt.want, tt.found)
		}
	}
	if _, ok := got.Exported("given_name", change.Field{Versions: []change.Version{{Value: "Aminah", Stamp: since}}}); ok {
		t.Error("a stamp made after the export is found")
	}

	if v, err := ParseVersion(""); !v.IsZero() || err != nil {
		t.Errorf(`ParseVersion("") = %v, %v; want no version`, v, err)
	}
	for _, bad := range []string{
		"v1",
		"v1.",
		"v2." + token[3:],
		token[:len(token)-2],
		token + "AA",
		token[:10] + "\n" + token[10:],
		"v1.!!!!!!!!",
		swapped(token, func(b []byte) []byte { return append(b[8:16:16], b[:8]...) }), // not sorted
		swapped(token, func(b []byte) []byte { return append(b[:8:8], b[:8]...) }),    // twice
		"v1." + strings.Repeat("A", maxVersionToken),
	} {
		if _, err := ParseVersion(bad); !errors.Is(err, ErrVersion) {
			t.Errorf("ParseVersion(%.40q) = %v, want ErrVersion", bad, err)
		}
	}
}

// swapped is token with its bytes changed by edit.
func swapped(token string, edit func([]byte) []byte) string {
	b, err := base64.RawURLEncoding.DecodeString(token[3:])
	if err != nil {
		panic(err)
	}
	return "v1." + base64.RawURLEncoding.EncodeToString(edit(b))
}

// A record's version covers its fields but the system's; exports write it
// on every record, and reading an export gives it back.
func TestExportsCarryVersions(t *testing.T) {
	fs := forms(t)
	fam := fixture()[0]
	hh := fam.household
	before := VersionOf(hh).String()
	hh.Fields[registry.FieldExternalKey] = change.Field{Versions: []change.Version{{Value: "AG-1", Stamp: change.Stamp{HLC: 99}}}}
	if v := VersionOf(hh); v.IsZero() || v.String() != before {
		t.Errorf("the version covers a system field: %q, without it %q", v, before)
	}
	doc := FromRecords(hh, fam.members, nil)
	if doc.Version != VersionOf(hh).String() || doc.Members[0].Version != VersionOf(fam.members[0]).String() {
		t.Errorf("FromRecords versions: %q, %q", doc.Version, doc.Members[0].Version)
	}
	if _, ok := doc.Fields[registry.FieldExternalKey]; ok {
		t.Error("the JSON export carries a system field, which register refuses")
	}

	var buf bytes.Buffer
	cw, err := NewCSVWriter(&buf, fs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := cw.Write(hh, fam.members); err != nil {
		t.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	got, rowErrs, err := ReadCSV(&buf, nil, fs, now)
	if err != nil || len(rowErrs) > 0 {
		t.Fatal(err, rowErrs)
	}
	if got[0].Version != doc.Version || got[0].Members[0].Version != doc.Members[0].Version {
		t.Errorf("CSV read back versions %q, %q; want %q, %q", got[0].Version, got[0].Members[0].Version, doc.Version, doc.Members[0].Version)
	}

	// A token changed in a spreadsheet is refused at its line and column.
	sheet := "person_id,given_name,sex,person_version\n" + fam.members[0].ID.String() + ",A,female,v1.AAAA\n"
	_, rowErrs, err = ReadCSV(strings.NewReader(sheet), nil, fs, now)
	if err != nil || len(rowErrs) != 1 || rowErrs[0].Line != 2 || rowErrs[0].Field != colPersonVersion {
		t.Errorf("a damaged version: %v, %v", rowErrs, err)
	}
	_, err = DecodeHouseholdsAt(strings.NewReader(`{"fields":{},"version":"v1.AAAA","members":[]}`), fs, now)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "version") {
		t.Errorf("a damaged JSON version: %v", err)
	}
}

func FuzzParseVersion(f *testing.F) {
	r := rec(registry.KindPerson, 1, map[string]string{"given_name": "A", "sex": "female"})
	f.Add(VersionOf(r).String())
	f.Add("v1.")
	f.Add("v1.AQ")
	f.Fuzz(func(t *testing.T, token string) {
		v, err := ParseVersion(token)
		if err != nil || v.IsZero() {
			return
		}
		// What parses is what String writes.
		if again := v.String(); again != token {
			t.Fatalf("%q parses to a version written %q", token, again)
		}
	})
}
