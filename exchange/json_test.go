package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	fs := forms(t)
	var want []Household
	for i, f := range fixture() {
		assessment := rec("assessment", 90+i, map[string]string{
			"household_id": f.household.ID.String(), "date": "2026-03-02",
			"priority_needs": "food water", "water_litres_per_person": "7.5",
		})
		want = append(want, FromRecords(f.household, f.members, []registryRecord{assessment}))
	}
	var buf bytes.Buffer
	if err := EncodeJSON(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeHouseholdsAt(&buf, fs, now)
	if err != nil {
		t.Fatalf("decode what we encoded: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the data:\ngot  %+v\nwant %+v", got, want)
	}
	if n := len(want[0].Members); n != 2 {
		t.Errorf("household 1 exported %d members, want 2 (the deleted one left out)", n)
	}
	if n := len(want[1].Members); n != 0 {
		t.Errorf("household 2 exported %d members, want 0", n)
	}
}

func TestJSONShape(t *testing.T) {
	f := fixture()[0]
	var buf bytes.Buffer
	if err := EncodeJSON(&buf, []Household{FromRecords(f.household, f.members[:1], nil)}); err != nil {
		t.Fatal(err)
	}
	var generic []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	h := generic[0]
	if h["id"] != f.household.ID.String() {
		t.Errorf("id = %v", h["id"])
	}
	if h["fields"].(map[string]any)["site"] != "camp_north" {
		t.Errorf("fields.site = %v", h["fields"])
	}
	m := h["members"].([]any)[0].(map[string]any)
	if m["fields"].(map[string]any)["given_name"] != "فاطمة" {
		t.Errorf("members[0].fields.given_name = %v", m["fields"])
	}
	if _, ok := h["assessments"]; ok {
		t.Errorf("empty assessments written: %s", buf.String())
	}
	var empty bytes.Buffer
	if err := EncodeJSON(&empty, nil); err != nil || empty.String() != "[]\n" {
		t.Errorf("empty export = %q, %v; want an empty array", empty.String(), err)
	}
}

func TestDecodeCanonicalizesJSONValues(t *testing.T) {
	in := `{"fields": {"consent": true, "site": "camp_south", "gps": "11.5, 34.25"},
	  "members": [
	    {"fields": {"relationship": "head", "given_name": " Amina ", "sex": "female", "age": 34,
	                "specific_needs": ["disability", "woman_at_risk"]}},
	    {"fields": {"relationship": "child", "given_name": "Omar", "sex": "male", "birth_date": "2020-02-02", "age": 6}}
	  ],
	  "assessments": [{"fields": {"date": "2026-03-01", "meals_per_day": 2, "water_litres_per_person": 12.5, "water_enough": false}}]}`
	hh, err := DecodeHouseholdsAt(strings.NewReader(in), forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(hh) != 1 {
		t.Fatalf("got %d households from one object", len(hh))
	}
	h := hh[0]
	checks := []struct{ got, want string }{
		{h.Fields["consent"], "true"},
		{h.Fields["gps"], "11.5 34.25"},
		{h.Members[0].Fields["given_name"], "Amina"},
		{h.Members[0].Fields["birth_date"], "1991-07-01"},
		{h.Members[0].Fields["birth_date_estimated"], "true"},
		{h.Members[0].Fields["specific_needs"], "disability woman_at_risk"},
		{h.Members[1].Fields["birth_date"], "2020-02-02"}, // a date given wins over an age
		{h.Members[1].Fields["birth_date_estimated"], ""},
		{h.Assessments[0].Fields["meals_per_day"], "2"},
		{h.Assessments[0].Fields["water_litres_per_person"], "12.5"},
		{h.Assessments[0].Fields["water_enough"], "false"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if err := h.Validate(forms(t), now); err != nil {
		t.Errorf("a good household does not validate: %v", err)
	}
}

func TestDecodeRefusesBadInput(t *testing.T) {
	manyMembers := `[{"fields":{"consent":true},"members":[` +
		strings.TrimSuffix(strings.Repeat(`{"fields":{"given_name":"x"}},`, MaxMembers+1), ",") + `]}]`
	tests := []struct {
		name, in string
		wants    []string // substrings of the error
	}{
		{"not json", `[{"fields":`, nil},
		{"two values", `{"fields":{}} {"fields":{}}`, nil},
		{"unknown key", `[{"fields":{}, "member":[]}]`, []string{"member"}},
		{"unknown field", `[{"fields":{"site":"camp_north"}},{"fields":{"colour":"blue"}}]`, []string{"household 1", `"colour"`}},
		{"member field", `[{"fields":{},"members":[{},{"fields":{"sex":"female","eye_colour":"brown"}}]}]`, []string{"household 0: member 1", `"eye_colour"`}},
		{"system field", `[{"fields":{"_deleted":"true"}}]`, []string{"_deleted"}},
		{"wrong type", `[{"fields":{"consent":"perhaps"}}]`, []string{"household 0", "consent"}},
		{"list for text", `[{"fields":{"admin1":["a"]}}]`, []string{"admin1"}},
		{"object value", `[{"fields":{"admin1":{"a":1}}}]`, []string{"admin1"}},
		{"bad id", `[{"id":"hh-7","fields":{}}]`, []string{"household 0", "id", "not a record id"}},
		{"bad age", `[{"fields":{},"members":[{"fields":{"age":-3}}]}]`, []string{"age"}},
		{"age above the form's bound", `[{"fields":{},"members":[{"fields":{"age":121}}]}]`, []string{"member 0", `"age"`, "0 to 120"}},
		{"member of another household", `[{"id":"01900000-0000-7000-8000-000000000001","fields":{},"members":[{"fields":{"household_id":"01900000-0000-7000-8000-000000000002"}}]}]`, []string{"household_id"}},
		{"same id twice", `[{"id":"01900000-0000-7000-8000-000000000001","fields":{},"members":[{"id":"01900000-0000-7000-8000-000000000001","fields":{}}]}]`, []string{"member 0", "is also household 0"}},
		{"field given twice", `{"fields":{"site":"camp_north","site":"camp_south"}}`, []string{"household 0: fields", `duplicate key "site"`}},
		{"member field given twice", `[{"fields":{}},{"fields":{},"members":[{},{"fields":{"given_name":"A","given_name":"B"}}]}]`, []string{"household 1: member 1: fields", `"given_name"`}},
		{"assessment field given twice", `[{"fields":{},"assessments":[{"fields":{"a":1,"a":2}}]}]`, []string{"household 0: assessment 0: fields", `"a"`}},
		{"fields given twice", `[{"fields":{"site":"camp_north"},"fields":{"site":"camp_south"}}]`, []string{"household 0", `duplicate key "fields"`}},
		{"id given twice, case aside", `[{"fields":{},"members":[{"id":"01900000-0000-7000-8000-000000000001","ID":"01900000-0000-7000-8000-000000000002"}]}]`, []string{"household 0: member 0", `duplicate key "ID"`}},
		{"members given twice", `[{"fields":{},"members":[],"members":[]}]`, []string{"household 0", `"members"`}},
		{"too many members", manyMembers, []string{"members, more than 100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeHouseholdsAt(strings.NewReader(tt.in), forms(t), now)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrInput) {
				t.Errorf("error %v does not wrap ErrInput", err)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestDecodeRefusesHugeInput(t *testing.T) {
	big := io_repeat('[', MaxJSONBytes+10)
	_, err := DecodeHouseholdsAt(big, forms(t), now)
	if err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Fatalf("64 MiB+ input: %v", err)
	}
}

func TestHouseholdValidateFindsEveryProblem(t *testing.T) {
	in := `{"fields":{"consent":false,"site":"camp_north"},"members":[
	  {"fields":{"relationship":"head","given_name":"A","sex":"female","birth_date":"1990-01-01"}},
	  {"fields":{"relationship":"head","given_name":"B","sex":"x","birth_date":"2090-01-01"}}]}`
	hh, err := DecodeHouseholdsAt(strings.NewReader(in), forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	err = hh[0].Validate(forms(t), now)
	for _, rule := range []string{"consent", "sex", "birth_date", "exactly one head"} {
		if err == nil || !strings.Contains(err.Error(), rule) {
			t.Errorf("Validate = %v, want it to mention %s", err, rule)
		}
	}
}

func TestJSONWriterStreamsOneHouseholdPerLine(t *testing.T) {
	var buf bytes.Buffer
	jw := NewJSONWriter(&buf)
	for i := range 3 {
		if err := jw.Write(Household{Doc: Doc{Fields: map[string]string{"admin1": fmt.Sprint(i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := jw.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 {
		t.Errorf("%d lines, want [ + 3 households + ]:\n%s", len(lines), buf.String())
	}
	var back []Household
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back) != 3 || back[2].Fields["admin1"] != "2" {
		t.Errorf("stream is not the array written: %v %+v", err, back)
	}
	if err := jw.Write(Household{}); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func FuzzDecodeHouseholds(f *testing.F) {
	fs := forms(f)
	f.Add([]byte(`{"fields":{"consent":true},"members":[{"fields":{"age":3,"sex":"male"}}]}`))
	f.Add([]byte(`[{"id":"01900000-0000-7000-8000-000000000001","fields":{"gps":"1 2 3 4"},"members":[],"assessments":[{"fields":{"priority_needs":["food"]}}]}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"fields":{"admin1":1e400}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		hh, err := DecodeHouseholdsAt(bytes.NewReader(data), fs, now)
		if err != nil {
			return
		}
		// What decodes re-encodes and decodes to the same households.
		var buf bytes.Buffer
		if err := EncodeJSON(&buf, hh); err != nil {
			t.Fatal(err)
		}
		again, err := DecodeHouseholdsAt(&buf, fs, now)
		if err != nil {
			t.Fatalf("re-encoded households refused: %v\n%s", err, buf.String())
		}
		for i := range hh {
			hh[i].Members = nonNil(hh[i].Members)
			// Origin is the input's text: re-encoding canonicalizes it.
			hh[i].Origin, again[i].Origin = "", ""
		}
		if !reflect.DeepEqual(again, hh) {
			t.Fatalf("not stable:\n%+v\n%+v", hh, again)
		}
		for _, h := range hh {
			h.Validate(fs, now) // must not panic
		}
	})
}

func nonNil(d []Doc) []Doc {
	if d == nil {
		return []Doc{}
	}
	return d
}
