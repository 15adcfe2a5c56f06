package exchange

import (
	"io"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

var now = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func forms(t testing.TB) *registry.Forms {
	t.Helper()
	fs, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// rec makes a record with the given id suffix and values.
func rec(kind string, n int, values map[string]string) registry.Record {
	id := uuid.MustParse("01900000-0000-7000-8000-000000000000")
	id[14], id[15] = byte(n>>8), byte(n)
	r := registry.Record{ID: id, Kind: kind, Fields: map[string]change.Field{}}
	for name, v := range values {
		setValue(r.Fields, name, v)
	}
	return r
}

type family struct {
	household registry.Record
	members   []registry.Record
}

// fixture is two households as a field team would register them: Arabic and
// Latin names, a select_multiple, a full geopoint, a phone starting with +,
// a deleted member, and a household whose only member was deleted.
func fixture() []family {
	h1 := rec(registry.KindHousehold, 1, map[string]string{
		"consent": "true", "consent_by": "فاطمة الزهراء", "consent_date": "2026-03-01",
		"site": "camp_north", "admin1": "Blue Nile", "admin2": "Ed Damazin",
		"gps": "11.7891 34.3592 480 4.5", "shelter_type": "tent", "phone": "+249 912 345 678",
		"displacement_date": "2026-01-20", "origin": "Kurmuk, \"north\" quarter", "status": "active",
	})
	ref := h1.ID.String()
	m1 := rec(registry.KindPerson, 11, map[string]string{
		"household_id": ref, "relationship": "head", "given_name": "فاطمة", "family_name": "الزهراء",
		"sex": "female", "birth_date": "1988-04-02", "nationality": "SD", "languages": "ar en",
		"document_type": "national_id", "document_number": "=SUM(A1)", "specific_needs": "single_parent woman_at_risk",
	})
	m2 := rec(registry.KindPerson, 12, map[string]string{
		"household_id": ref, "relationship": "child", "given_name": "Yusuf", "sex": "male",
		"birth_date": "2019-07-01", "birth_date_estimated": "true", "other_names": "Joe; \"Jo\"\nline two",
	})
	gone := rec(registry.KindPerson, 13, map[string]string{
		"household_id": ref, "relationship": "spouse", "given_name": "Deleted", "sex": "male",
		"birth_date": "1985-01-01", change.DeletedField: "true",
	})
	h2 := rec(registry.KindHousehold, 2, map[string]string{
		"consent": "true", "site": "host_community_town", "gps": "-1.5 -70.25", "status": "moved",
	})
	gone2 := rec(registry.KindPerson, 21, map[string]string{
		"household_id": h2.ID.String(), "relationship": "head", "given_name": "Gone", "sex": "female",
		"birth_date": "1970-01-01", change.DeletedField: "true",
	})
	return []family{{h1, []registry.Record{m1, m2, gone}}, {h2, []registry.Record{gone2}}}
}

type registryRecord = registry.Record

// io_repeat returns a reader of n copies of b without allocating them.
func io_repeat(b byte, n int64) io.Reader {
	return io.LimitReader(repeatReader(b), n)
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// clearLines forgets where households read from CSV came from, to compare
// them with households made from records.
func clearLines(hh []Household) {
	for i := range hh {
		hh[i].Line = 0
		for j := range hh[i].Members {
			hh[i].Members[j].Line = 0
		}
	}
}
