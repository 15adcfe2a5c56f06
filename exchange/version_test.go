package exchange

import (
	"bytes"
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
	v := Version{
		"given_name": {HLC: change.MakeHLC(1767225600000, 3), Device: dev1},
		"sex":        {HLC: change.MakeHLC(1767225600000, 3), Device: dev1},
		"phone":      {HLC: change.MakeHLC(1767312000000, 0), Device: dev2},
	}
	token := v.String()
	if !strings.HasPrefix(token, "v1.") || strings.ContainsAny(token, "=+/,;\"' \n") {
		t.Errorf("token %q: not a plain cell", token)
	}
	got, err := ParseVersion(token)
	if err != nil || !reflect.DeepEqual(got, v) {
		t.Fatalf("ParseVersion(String()) = %v, %v; want %v", got, err, v)
	}
	if again := got.String(); again != token {
		t.Errorf("token not canonical: %q, then %q", token, again)
	}
	if v, err := ParseVersion(""); v != nil || err != nil {
		t.Errorf(`ParseVersion("") = %v, %v; want no version`, v, err)
	}
	for _, bad := range []string{
		"v1",
		"v2." + token[3:],
		token[:len(token)-2],
		token + "AA",
		"v1.!!!",
		"v1." + strings.Repeat("A", maxVersionToken),
		Version{"": {HLC: 1, Device: dev1}}.String(),
		Version{"x": {HLC: 0, Device: dev1}}.String(),
	} {
		if _, err := ParseVersion(bad); !errors.Is(err, ErrVersion) {
			t.Errorf("ParseVersion(%.40q) = %v, want ErrVersion", bad, err)
		}
	}
}

// A record's version covers its fields but the system's; exports write it
// on every record, and reading an export gives it back.
func TestExportsCarryVersions(t *testing.T) {
	fs := forms(t)
	fam := fixture()[0]
	hh := fam.household
	setValue(hh.Fields, registry.FieldExternalKey, "AG-1")
	if v := VersionOf(hh); len(v) == 0 {
		t.Fatal("no version")
	} else if _, ok := v[registry.FieldExternalKey]; ok {
		t.Error("the version covers a system field")
	}
	doc := FromRecords(hh, fam.members, nil)
	if doc.Version != VersionOf(hh).String() || doc.Members[0].Version != VersionOf(fam.members[0]).String() {
		t.Errorf("FromRecords versions: %q, %q", doc.Version, doc.Members[0].Version)
	}
	if _, ok := doc.Fields[registry.FieldExternalKey]; ok {
		t.Error("the JSON export carries a system field, which register refuses")
	}

	var buf bytes.Buffer
	cw, err := NewCSVWriter(&buf, fs, false)
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
	f.Add(Version{"a": {HLC: 7, Device: uuid.New()}}.String())
	f.Add("v1.")
	f.Add("v1.AQ")
	f.Fuzz(func(t *testing.T, token string) {
		v, err := ParseVersion(token)
		if err != nil || v == nil {
			return
		}
		// What parses is what String writes.
		if again := v.String(); again != token && len(v) > 0 {
			t.Fatalf("%q parses to %v, which writes %q", token, v, again)
		}
	})
}

// Another agency's household key is kept on the household: it is read in
// one spelling (NFC, trimmed) and refused, at its line, when the value rule
// would refuse it.
func TestHouseholdKeyIsAValue(t *testing.T) {
	sheet := "household_id,given_name,sex,relationship\n" +
		" Me\u0301nage-1 ,A,female,head\n" +
		"M\x01-2,B,female,head\n"
	got, rowErrs, err := ReadCSV(strings.NewReader(sheet), nil, forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "M\u00e9nage-1" {
		t.Errorf("households %+v, want one keyed \"M\u00e9nage-1\"", got)
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 3 || rowErrs[0].Field != colHouseholdID {
		t.Errorf("row errors %v, want line 3, household_id", rowErrs)
	}
}
