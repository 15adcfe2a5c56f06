package exchange

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

const encodingList = "given_name,family_name,sex\nAmina,Yusuf,female\nRené,Müller,male\n"

// windows1252 is the list as Excel often saves it.
func windows1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func givenNames(t *testing.T, r io.Reader) []string {
	t.Helper()
	hs, rowErrs, err := ReadCSV(r, nil, forms(t), now)
	if err != nil || len(rowErrs) > 0 {
		t.Fatalf("read: %v %v", err, rowErrs)
	}
	var names []string
	for _, h := range hs {
		for _, m := range h.Members {
			names = append(names, m.Fields["given_name"])
		}
	}
	return names
}

// A Windows-1252 list is refused, naming the line of its first bad byte;
// read as windows-1252 it arrives right.
func TestCSVWindows1252(t *testing.T) {
	data := windows1252(t, encodingList)
	_, err := NewCSVReader(bytes.NewReader(data), nil, forms(t), now)
	var ee *EncodingError
	if !errors.As(err, &ee) || ee.Line != 3 || !errors.Is(err, ErrNotUTF8) || !errors.Is(err, ErrInput) {
		t.Fatalf("NewCSVReader of a Windows-1252 list: %v, want line 3: not UTF-8", err)
	}
	if err.Error() != "line 3: not UTF-8" {
		t.Errorf("message %q", err)
	}
	if err := CheckEncoding(bytes.NewReader(data)); !errors.As(err, &ee) || ee.Line != 3 {
		t.Errorf("CheckEncoding: %v", err)
	}
	for _, name := range []string{"windows-1252", "latin1", "ISO-8859-1", "cp1252"} {
		r, err := Transcode(bytes.NewReader(data), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := givenNames(t, r); len(got) != 2 || got[1] != "René" {
			t.Errorf("read as %s: given names %q, want René", name, got)
		}
	}
	if _, err := Transcode(bytes.NewReader(data), "klingon"); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), `"klingon"`) {
		t.Errorf("unknown encoding: %v", err)
	}
}

// A bad byte far into the file, after the part read at once, still stops
// the reader with its line.
func TestCSVNotUTF8FarIn(t *testing.T) {
	var b strings.Builder
	b.WriteString("given_name,family_name,sex\n")
	for range 5000 {
		b.WriteString("Amina,Yusuf,female\n")
	}
	b.WriteString("Ren\xe9,Yusuf,male\n")
	cr, err := NewCSVReader(strings.NewReader(b.String()), nil, forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, err = cr.Next()
		if err != nil {
			break
		}
	}
	var ee *EncodingError
	if !errors.As(err, &ee) || ee.Line != 5002 {
		t.Errorf("after the last good row: %v, want line 5002: not UTF-8", err)
	}
}

// UTF-16 with a byte-order mark ("Unicode text" in Excel), in either byte
// order, and UTF-8 read one byte at a time, read as the same list.
func TestCSVUnicodeForms(t *testing.T) {
	tsv := strings.ReplaceAll(encodingList, ",", "\t")
	le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(tsv))
	if err != nil {
		t.Fatal(err)
	}
	be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(encodingList))
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]io.Reader{
		"UTF-16LE with BOM":       bytes.NewReader(le),
		"UTF-16BE with BOM":       bytes.NewReader(be),
		"UTF-8 with BOM":          strings.NewReader("\xef\xbb\xbf" + encodingList),
		"UTF-8 one byte a time":   iotest.OneByteReader(strings.NewReader(encodingList)),
		"UTF-8 cut mid-character": iotest.HalfReader(strings.NewReader(encodingList)),
	}
	for name, r := range inputs {
		if got := givenNames(t, r); len(got) != 2 || got[0] != "Amina" || got[1] != "René" {
			t.Errorf("%s: given names %q", name, got)
		}
	}
}

func TestUTF8Checker(t *testing.T) {
	tests := []struct {
		in   string
		line int // 0: valid
	}{
		{"", 0},
		{"abc\ndéf\n", 0},
		{"\xe9", 1},
		{"a\nb\nc\xe9\n", 3},
		{"a\n\xc3", 2},           // cut at the end of the file
		{"a\n\xed\xa0\x80\n", 2}, // an encoded surrogate
		{"🙂\n🙂\xf0\x9f\n", 2},
	}
	for _, tt := range tests {
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			out, err := io.ReadAll(utf8Input(r))
			var ee *EncodingError
			switch {
			case tt.line == 0 && (err != nil || string(out) != tt.in):
				t.Errorf("%q: %q, %v", tt.in, out, err)
			case tt.line != 0 && (!errors.As(err, &ee) || ee.Line != tt.line):
				t.Errorf("%q: %v, want line %d", tt.in, err, tt.line)
			}
		}
	}
}

// FuzzUTF8Input: whatever the bytes and however they are cut into reads,
// utf8Input passes exactly valid UTF-8 through and refuses the rest.
func FuzzUTF8Input(f *testing.F) {
	for _, s := range []string{"a,b\n", "Ren\xe9", "🙂\xf0", "\xff\xfeA\x00", "\xef\xbb\xbfx"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")) || bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
			return // a byte-order mark changes what the bytes mean
		}
		out, err := io.ReadAll(utf8Input(iotest.HalfReader(bytes.NewReader(b))))
		valid := bytes.Equal(out, b) && err == nil
		if valid != utf8.Valid(b) {
			t.Fatalf("%q: read %q, %v", b, out, err)
		}
	})
}
