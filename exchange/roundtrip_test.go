package exchange

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"

	"fieldreg/registry"
)

// fieldValue draws a canonical value a person could have typed for d.
func fieldValue(t *rapid.T, d registry.FieldDef, label string) string {
	switch d.Type {
	case registry.TypeInteger:
		lo, hi := -1000, 1000
		if d.Min != nil {
			lo = int(*d.Min)
		}
		if d.Max != nil {
			hi = int(*d.Max)
		}
		return strconv.Itoa(rapid.IntRange(lo, hi).Draw(t, label))
	case registry.TypeDecimal:
		return strconv.FormatFloat(float64(rapid.IntRange(0, 5000).Draw(t, label))/10, 'f', -1, 64)
	case registry.TypeDate:
		return fmt.Sprintf("%04d-%02d-%02d", rapid.IntRange(1920, 2026).Draw(t, label),
			rapid.IntRange(1, 12).Draw(t, label+"m"), rapid.IntRange(1, 28).Draw(t, label+"d"))
	case registry.TypeBoolean:
		return strconv.FormatBool(rapid.Bool().Draw(t, label))
	case registry.TypeSelectOne:
		return rapid.SampledFrom(d.Choices).Draw(t, label).Name
	case registry.TypeSelectMultiple:
		n := rapid.IntRange(1, min(3, len(d.Choices))).Draw(t, label+"n")
		perm := rapid.Permutation(d.Choices).Draw(t, label)
		codes := make([]string, n)
		for i := range n {
			codes[i] = perm[i].Name
		}
		return strings.Join(codes, " ")
	case registry.TypeGeopoint:
		v, _ := registry.CanonicalValue(d.Type, fmt.Sprintf("%d.%d %d.%d %d %d",
			rapid.IntRange(-89, 89).Draw(t, label+"lat"), rapid.IntRange(0, 9999).Draw(t, label+"latf"),
			rapid.IntRange(-179, 179).Draw(t, label+"lon"), rapid.IntRange(0, 9999).Draw(t, label+"lonf"),
			rapid.IntRange(0, 3000).Draw(t, label+"alt"), rapid.IntRange(1, 50).Draw(t, label+"acc")))
		return v
	}
	switch d.Name {
	case "phone":
		return "+" + strconv.Itoa(rapid.IntRange(1000000, 999999999).Draw(t, label))
	case "nationality":
		return rapid.SampledFrom([]string{"SD", "SSD", "SYR", "CD"}).Draw(t, label)
	case "languages":
		return rapid.SampledFrom([]string{"ar", "ar en", "fr sg"}).Draw(t, label)
	}
	// Free text: any printable characters, quotes, commas, semicolons,
	// newlines, spreadsheet formulas. CSV cannot keep a carriage return or
	// surrounding spaces apart from the cell, and canonical text has neither
	// (and is NFC).
	s := rapid.StringOfN(rapid.OneOf(
		rapid.RuneFrom([]rune("=+-@'\",;\n #ÉéعربيZ")),
		rapid.Rune(),
	), 1, 30, -1).Draw(t, label)
	s, _ = registry.CanonicalValue(registry.TypeText, strings.ReplaceAll(s, "\r", ""))
	if !utf8.ValidString(s) || s == "" {
		return "x"
	}
	return s
}

func drawRecord(t *rapid.T, fs *registry.Forms, kind string, n int, fixed map[string]string) registry.Record {
	f, _ := fs.Form(kind)
	values := map[string]string{}
	for _, d := range f.Fields {
		if d.Type == registry.TypeRef || !rapid.Bool().Draw(t, fmt.Sprintf("%s%d.%s?", kind, n, d.Name)) {
			continue
		}
		v := fieldValue(t, d, fmt.Sprintf("%s%d.%s", kind, n, d.Name))
		if rule, _ := d.Check(v, now); rule != "" {
			continue // the store keeps only valid values (a future date, consent refused)
		}
		if rule, _ := registry.CheckValue(v, d.Multiline); rule != "" {
			continue // nor a NUL or other control character (the value rule)
		}
		values[d.Name] = v
	}
	for k, v := range fixed {
		values[k] = v
	}
	return rec(kind, n, values)
}

// Whatever households hold, exporting them to CSV, HXL or JSON and reading
// the file back gives the same values and ids.
func TestExportImportRoundTrip(t *testing.T) {
	fs := forms(t)
	rapid.Check(t, func(t *rapid.T) {
		var families []family
		var want []Household
		for i := range rapid.IntRange(0, 4).Draw(t, "households") {
			h := drawRecord(t, fs, registry.KindHousehold, 1000+i, nil)
			var members []registry.Record
			for j := range rapid.IntRange(0, 4).Draw(t, "members") {
				members = append(members, drawRecord(t, fs, registry.KindPerson, 2000+10*i+j,
					map[string]string{"household_id": h.ID.String()}))
			}
			families = append(families, family{h, members})
			hh := FromRecords(h, members, nil)
			applyDefaults(fs, registry.KindHousehold, hh.Fields) // import gives an empty status its default
			want = append(want, hh)
		}
		for _, format := range []string{"csv", "hxl", "json"} {
			var buf bytes.Buffer
			var got []Household
			var err error
			if format == "json" {
				jw := NewJSONWriter(&buf)
				for _, f := range families {
					jw.Write(FromRecords(f.household, f.members, nil))
				}
				jw.Close()
				got, err = DecodeHouseholdsAt(&buf, fs, now)
			} else {
				cw, _ := NewCSVWriter(&buf, fs, Options{HXL: format == "hxl"})
				for _, f := range families {
					cw.Write(f.household, f.members)
				}
				cw.Flush()
				var rowErrs []RowError
				got, rowErrs, err = ReadCSV(bytes.NewReader(buf.Bytes()), nil, fs, now)
				if len(rowErrs) > 0 {
					t.Fatalf("%s: row errors reading our own export: %v\n%s", format, rowErrs, buf.String())
				}
				clearLines(got)
			}
			if err != nil {
				t.Fatalf("%s: %v\n%s", format, err, buf.String())
			}
			if len(got) == 0 && len(want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s round trip:\ngot  %+v\nwant %+v\n%s", format, got, want, buf.String())
			}
		}
	})
}
