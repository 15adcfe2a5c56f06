package exchange

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A CSV without a header: its first line is a person's row, and the error
// says the header is missing and names the line, never the cells (names,
// phone numbers).
func TestCSVWithoutHeaderQuotesNoCell(t *testing.T) {
	sheet := "Zqxamina,Zqxyusuf,+99 7911 482317,camp_north\nB,C,+99 1,camp_north\n"
	_, _, err := ReadCSV(strings.NewReader(sheet), nil, forms(t), now)
	if !errors.Is(err, ErrInput) {
		t.Fatalf("err = %v, want ErrInput", err)
	}
	if m := leaks(err.Error(), []string{"Zqxamina", "Zqxyusuf", "7911", "482317", "camp_north"}); m != "" {
		t.Errorf("%q quotes the cell %q", err, m)
	}
	for _, want := range []string{"line 1", "header"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	// A real header with one unknown column still names it: a column name
	// is not a person's data, and the operator needs it to map it.
	_, _, err = ReadCSV(strings.NewReader("given_name,shoe_size\nA,40\n"), nil, forms(t), now)
	if err == nil || !strings.Contains(err.Error(), `"shoe_size"`) {
		t.Errorf("unknown column: %v", err)
	}
}

// A header of 100,000 made-up columns (a sheet exported wrong, a hostile
// file) gets an error a person can read: the first few names, then how many
// more, not a megabyte of quoted names.
func TestCSVHeaderOfManyUnknownColumns(t *testing.T) {
	const n = 100_000
	var header strings.Builder
	header.WriteString("given_name")
	for i := range n {
		fmt.Fprintf(&header, ",made_up_column_%d", i)
	}
	header.WriteString("," + strings.Repeat("x", 10_000) + "\n")
	_, _, err := ReadCSV(strings.NewReader(header.String()), nil, forms(t), now)
	if !errors.Is(err, ErrInput) {
		t.Fatalf("err = %.200v, want ErrInput", err)
	}
	msg := err.Error()
	if len(msg) > 600 {
		t.Errorf("the error is %d bytes long: %.300s…", len(msg), msg)
	}
	for _, want := range []string{`"made_up_column_0"`, fmt.Sprintf("%d columns", n+1), fmt.Sprintf("and %d more", n+1-5)} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	// One very long name is shortened too.
	_, _, err = ReadCSV(strings.NewReader("given_name,"+strings.Repeat("é", 5_000)+"\nA,1\n"), nil, forms(t), now)
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "column \"éé") {
		t.Errorf("one long unknown column: %.400v", err)
	}
}
