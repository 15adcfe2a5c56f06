package xlsform

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// small is a workbook of one survey sheet (header first), a yes_no list
// and settings: what each refusal test varies.
func small(id string, survey sheet, choices ...[]any) book {
	ch := sheet{{"list_name", "name", "label"}, {"yes_no", "yes", "Yes"}, {"yes_no", "no", "No"}}
	ch = append(ch, choices...)
	return book{{"survey", survey}, {"choices", ch}, settings(id, "1")}
}

// Everything the importer does not do is refused naming sheet, row and
// column — never silently ignored — and what is wrong is told apart from
// what is unsupported.
func TestRefusals(t *testing.T) {
	head := []any{"type", "name", "label"}
	tests := []struct {
		name  string
		book  book
		want  error
		where string // what the message must name
	}{
		{"select_one_from_file", small("f", sheet{head, {"select_one_from_file sites.csv", "site2", "Site"}}), ErrUnsupported, `survey row 2, column "type"`},
		{"photo question", small("f", sheet{head, {"text", "a", "A"}, {"image", "photo", "Photo"}}), ErrUnsupported, `survey row 3, column "type"`},
		{"repeat_count", small("f", sheet{{"type", "name", "label", "repeat_count"}, {"integer", "n", "N", ""}, {"begin repeat", "kids", "Kids", "${n}"}, {"text", "k", "K", ""}, {"end repeat", "", "", ""}}), ErrUnsupported, `survey row 3, column "repeat_count"`},
		{"trigger", small("f", sheet{{"type", "name", "label", "trigger"}, {"integer", "n", "N", ""}, {"calculate", "c", "", "${n}"}}), ErrUnsupported, `survey row 3, column "trigger"`},
		{"media", small("f", sheet{{"type", "name", "label", "media::image"}, {"note", "n", "N", "map.png"}}), ErrUnsupported, `survey row 2, column "media::image"`},
		{"range parameters", small("f", sheet{{"type", "name", "label", "parameters"}, {"integer", "n", "N", "start=1 end=10"}}), ErrUnsupported, `survey row 2, column "parameters"`},
		{"search appearance", small("f", sheet{{"type", "name", "label", "appearance"}, {"select_one yes_no", "a", "A", "search('sites')"}}), ErrUnsupported, `survey row 2, column "appearance"`},
		{"pulldata", small("f", sheet{{"type", "name", "label", "calculation"}, {"text", "a", "A", ""}, {"calculate", "c", "", "pulldata('x', 'y', 'z', ${a})"}}), ErrUnsupported, `survey row 3, column "calculation"`},
		{"unknown reference", small("f", sheet{{"type", "name", "label", "relevant"}, {"text", "a", "A", "${nope} = 1"}}), ErrBadForm, `survey row 2, column "relevant"`},
		{"syntax error", small("f", sheet{{"type", "name", "label", "constraint"}, {"integer", "a", "A", ". > "}}), ErrBadForm, `survey row 2, column "constraint"`},
		{"metadata reference", small("f", sheet{{"type", "name", "label", "relevant"}, {"start", "start", "", ""}, {"text", "a", "A", "${start} != ''"}}), ErrUnsupported, `survey row 3, column "relevant"`},
		{"duplicate name", small("f", sheet{head, {"text", "a", "A"}, {"integer", "a ", "A again"}}), ErrBadForm, `survey row 3, column "name"`},
		{"bad name", small("f", sheet{head, {"text", "Q1.2", "A"}}), ErrBadForm, `survey row 2, column "name"`},
		{"duplicate choice", small("f", sheet{head, {"select_one yes_no", "a", "A"}}, []any{"yes_no", "yes", "Yes again"}), ErrBadForm, `choices row 4, column "name"`},
		{"no such list", small("f", sheet{head, {"select_one colours", "a", "A"}}), ErrBadForm, `survey row 2, column "type"`},
		{"or_other", small("f", sheet{head, {"select_one yes_no or_other", "a", "A"}}), ErrUnsupported, `survey row 2, column "type"`},
		{"required expression", small("f", sheet{{"type", "name", "label", "required"}, {"text", "a", "A", "${b} = 'yes'"}}), ErrUnsupported, `survey row 2, column "required"`},
		{"computed default", small("f", sheet{{"type", "name", "label", "default"}, {"date", "d", "D", "today()"}}), ErrUnsupported, `survey row 2, column "default"`},
		{"default not a choice", small("f", sheet{{"type", "name", "label", "default"}, {"select_one yes_no", "d", "D", "maybe"}}), ErrBadForm, `survey row 2, column "default"`},
		{"required note", small("f", sheet{{"type", "name", "label", "required"}, {"note", "n", "N", "yes"}}), ErrBadForm, `survey row 2, column "required"`},
		{"calculate without calculation", small("f", sheet{head, {"calculate", "c", ""}}), ErrBadForm, `survey row 2, column "type"`},
		{"no label", small("f", sheet{head, {"text", "a", ""}}), ErrBadForm, `survey row 2, column "label"`},
		{"bad hxl", small("f", sheet{{"type", "name", "label", "hxl"}, {"integer", "n", "N", "affected"}}), ErrBadForm, `survey row 2, column "hxl"`},
		{"unknown column", small("f", sheet{{"type", "name", "label", "body::accuracyThreshold"}, {"geopoint", "g", "G", "5"}}), ErrUnsupported, `survey row 2, column "body::accuracyThreshold"`},
		{"unknown language", small("f", sheet{{"type", "name", "label::Klingon"}, {"text", "a", "A"}}), ErrBadForm, `survey row 1, column "label::Klingon"`},
		{"nested repeat", small("f", sheet{head, {"begin repeat", "r1", "R1"}, {"begin repeat", "r2", "R2"}, {"text", "a", "A"}, {"end repeat", "", ""}, {"end repeat", "", ""}}), ErrUnsupported, `survey row 3`},
		{"group never ended", small("f", sheet{head, {"begin group", "g", "G"}, {"text", "a", "A"}}), ErrBadForm, `survey row 2`},
		{"end without begin", small("f", sheet{head, {"text", "a", "A"}, {"end group", "", ""}}), ErrBadForm, `survey row 3, column "type"`},
		{"choice filter on an unknown column", small("f", sheet{{"type", "name", "label", "choice_filter"}, {"select_one yes_no", "a", "A", "region=${a}"}}), ErrBadForm, `survey row 2, column "choice_filter"`},
		{"core type changed", small("household", sheet{head, {"integer", "site", "Site"}}), ErrBadForm, `survey row 2, column "type"`},
		{"core required field hidden", small("household", sheet{{"type", "name", "label", "relevant"}, {"select_one site", "site", "Site", "1 = 2"}}, []any{"site", "s1", "S1"}), ErrBadForm, `survey row 2`},
		{"relationship without head", small("household", sheet{head, {"begin repeat", "members", "Members"}, {"select_one relationship", "relationship", "Relationship"}, {"end repeat", "", ""}}, []any{"relationship", "spouse", "Spouse"}), ErrBadForm, `"relationship"`},
		{"form_id person", small("person", sheet{head, {"text", "a", "A"}}), ErrBadForm, `form_id`},
		{"public key", book{{"survey", sheet{head, {"text", "a", "A"}}}, {"settings", sheet{{"form_id", "version", "public_key"}, {"f", "1", "MIIB"}}}}, ErrUnsupported, `settings row 2, column "public_key"`},
		{"no form_id", book{{"survey", sheet{head, {"text", "a", "A"}}}}, ErrBadForm, `form_id`},
		{"no version", book{{"survey", sheet{head, {"text", "a", "A"}}}, {"settings", sheet{{"form_id"}, {"f"}}}}, ErrBadForm, `version`},
		{"no survey", book{{"choices", sheet{{"list_name", "name", "label"}}}, settings("f", "1")}, ErrBadForm, `survey`},
		{"value with no header", small("f", sheet{{"type", "name", "label"}, {"text", "a", "A", "stray"}}), ErrBadForm, `survey row 2, column D`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.book.xlsx(t)), nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Read = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.where) {
				t.Errorf("Read = %q, want it to name %s", err, tt.where)
			}
		})
	}
}

// Columns that only inform the form's authors are accepted and not kept;
// so are the spellings of types and columns forms use.
func TestInformativeColumnsAndSpellings(t *testing.T) {
	b := small("f", sheet{
		{"type", "name", "label", "guidance_hint", "tags", "$kuid", "readonly", "List Name"},
		{"select one yes_no", "a", "A", "Probe gently", "protection", "k1", "yes", ""},
	})
	forms, err := Read(bytes.NewReader(b.xlsx(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := forms[0].Field("a")
	if d.Type != "select_one" || !d.ReadOnly || d.ListName != "yes_no" {
		t.Errorf("a = %+v", d)
	}
}

func TestPulldataMessageNamesTheFunction(t *testing.T) {
	b := small("f", sheet{{"type", "name", "label", "relevant"}, {"text", "a", "A", ""}, {"integer", "b", "B", "pulldata('hh', 'size', 'id', ${a}) > 2"}})
	_, err := Read(bytes.NewReader(b.xlsx(t)), nil)
	if err == nil || !strings.Contains(err.Error(), `survey row 3, column "relevant"`) || !strings.Contains(err.Error(), "pulldata") {
		t.Errorf("Read = %v, want survey row 3, column \"relevant\" naming pulldata", err)
	}
}

func TestBounds(t *testing.T) {
	head := []any{"type", "name", "label"}
	many := sheet{head}
	for i := 0; i < maxRows; i++ {
		many = append(many, []any{"text", "q" + strings.Repeat("x", i%3) + itoa(i), "Q"})
	}
	big := strings.Repeat("中", maxCell/3+1) // Excel holds 32,767 characters a cell; these are 3 bytes each
	tests := []struct {
		name  string
		data  func(t *testing.T) []byte
		where string
	}{
		{"file over 20 MiB", func(*testing.T) []byte { return make([]byte, maxFile+1) }, "MiB"},
		{"not a workbook", func(*testing.T) []byte { return []byte("type,name,label\ntext,a,A\n") }, "not an .xlsx"},
		{"too many rows", func(t *testing.T) []byte { return small("f", many).xlsx(t) }, "survey row 20001"},
		{"cell too big", func(t *testing.T) []byte { return small("f", sheet{head, {"text", "a", big}}).xlsx(t) }, "survey row 2, column C"},
		{"zip bomb", zipBomb, "unzip size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.data(t)), nil)
			if !errors.Is(err, ErrBadForm) || !strings.Contains(err.Error(), tt.where) {
				t.Errorf("Read = %v, want a bad form naming %q", err, tt.where)
			}
		})
	}
}

// zipBomb is a valid workbook with one more part that unzips to 80 MiB, over maxUnzip,
// from a few hundred KiB.
func zipBomb(t *testing.T) []byte {
	good := small("f", sheet{{"type", "name", "label"}, {"text", "a", "A"}}).xlsx(t)
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&f.FileHeader)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := f.Open()
		if _, err := io.Copy(w, r); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	w, err := zw.Create("xl/media/image1.png")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 80 {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > maxFile {
		t.Fatalf("bomb of %d bytes: over the file bound, so not testing the unzip bound", buf.Len())
	}
	return buf.Bytes()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
