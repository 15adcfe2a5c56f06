package exchange

import (
	"strings"
	"testing"
)

// Every error about a refused value names the line or household, the field
// and the rule, never the value: messages reach terminals, logs and bug
// reports, and a value in the wrong column may be a name or a phone number.
// Each case plants markers in a value the reader must refuse.

const marker = "Zqxmarker"

// leaks reports the first marker found in msg.
func leaks(msg string, markers []string) string {
	lower := strings.ToLower(msg)
	for _, m := range markers {
		if strings.Contains(lower, strings.ToLower(m)) {
			return m
		}
	}
	return ""
}

func TestCSVErrorsNeverQuoteValues(t *testing.T) {
	many := "household_id,given_name\n" + strings.Repeat(marker+",A\n", MaxMembers+1)
	for _, tt := range []struct {
		name, sheet string
		markers     []string
	}{
		{"person id", "person_id,given_name\n" + marker + ",A\n", nil},
		{"age", "age,given_name\n" + marker + ",A\n", nil},
		{"age out of range", "age,given_name\n791148231,A\n", []string{"791148231"}},
		{"date", "birth_date,given_name\n" + marker + ",A\n", nil},
		{"date with a time", "consent_date,given_name\n2024-13-01T" + marker + ",A\n", nil},
		{"boolean", "birth_date_estimated,given_name\n" + marker + ",A\n", nil},
		{"choice", "sex,given_name\n" + marker + ",A\n", nil},
		{"choices", "specific_needs,given_name\ndisability " + marker + ",A\n", nil},
		{"pattern", "phone,given_name\n" + marker + ",A\n", nil},
		{"pattern digits", "phone,given_name\n+99 7911 482317 44444444444444444444,A\n", []string{"7911 482317"}},
		{"geopoint", "gps,given_name\n\"" + marker + " 12\",A\n", nil},
		{"geopoint part", "gps_lat,gps_lon,given_name\n" + marker + ",12,A\n", nil},
		{"geopoint off the Earth", "gps_lat,gps_lon,given_name\n97.911482317,12,A\n", []string{"7.911482317"}},
		{"household field differs", "household_id,admin1,given_name\nK,Zqxfirstvalue,A\nK,Zqxlatervalue,B\n", []string{"Zqxfirstvalue", "Zqxlatervalue"}},
		{"household key of too many members", many, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			markers := append([]string{marker}, tt.markers...)
			_, rowErrs, err := ReadCSV(strings.NewReader(tt.sheet), nil, forms(t), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(rowErrs) == 0 {
				t.Fatal("the bad value was not refused: the test proves nothing")
			}
			for _, re := range rowErrs {
				if m := leaks(re.Error(), markers); m != "" {
					t.Errorf("%q quotes the value %q", re.Error(), m)
				}
				if re.Line < 2 {
					t.Errorf("%q does not name the line", re.Error())
				}
			}
		})
	}
}

func TestJSONErrorsNeverQuoteValues(t *testing.T) {
	head := func(field, value string) string {
		return `{"fields": {"site": "camp_north"}, "members": [{"fields": {"relationship": "head", "given_name": "A", ` +
			`"sex": "female", "` + field + `": ` + value + `}}]}`
	}
	for _, tt := range []struct {
		name, input string
		markers     []string
	}{
		{"household id", `{"id": "` + marker + `", "fields": {}}`, nil},
		{"member id", `{"fields": {}, "members": [{"id": "` + marker + `", "fields": {}}]}`, nil},
		{"id as a number", `{"id": 7911482317, "fields": {}}`, []string{"7911482317"}},
		{"members as a number", `{"fields": {}, "members": 7911482317}`, []string{"7911482317"}},
		{"date", head("birth_date", `"`+marker+`"`), nil},
		{"date as a number", head("birth_date", `7911482317`), []string{"7911482317"}},
		{"boolean", `{"fields": {"consent": "` + marker + `"}}`, nil},
		{"geopoint", `{"fields": {"gps": "` + marker + ` 12"}}`, nil},
		{"geopoint off the Earth", `{"fields": {"gps": "97.911482317 12"}}`, []string{"7.911482317"}},
		{"reference", head("household_id", `"`+marker+`"`), nil},
		{"age", head("age", `"`+marker+`"`), nil},
		{"age out of range", head("age", `791148231`), []string{"791148231"}},
		{"age not whole", head("age", `79114.8231`), []string{"79114", "8231"}},
		{"list for a date", head("birth_date", `["`+marker+`"]`), nil},
		{"integer", `{"fields": {}, "assessments": [{"fields": {"date": "2026-03-01", "meals_per_day": "` + marker + `"}}]}`, nil},
		{"decimal", `{"fields": {}, "assessments": [{"fields": {"date": "2026-03-01", "water_litres_per_person": "` + marker + `"}}]}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			markers := append([]string{marker}, tt.markers...)
			_, err := DecodeHouseholdsAt(strings.NewReader(tt.input), forms(t), now)
			if err == nil {
				t.Fatal("the bad value was not refused: the test proves nothing")
			}
			if m := leaks(err.Error(), markers); m != "" {
				t.Errorf("%q quotes the value %q", err.Error(), m)
			}
		})
	}
}
