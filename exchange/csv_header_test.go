package exchange

import (
	"errors"
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
