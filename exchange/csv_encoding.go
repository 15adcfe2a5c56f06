package exchange

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// A beneficiary list is read as UTF-8. A byte-order mark says otherwise: the
// UTF-8 one is dropped and a UTF-16 one (what Excel writes as "Unicode
// text") switches to UTF-16. Anything else that is not UTF-8 — Windows-1252
// is what Excel often saves — is refused with the line of its first bad
// byte, never stored: the user names the encoding and it is transcoded
// (Transcode).

// ErrNotUTF8 is wrapped by the error for a list that is not UTF-8 and was
// not given an encoding.
var ErrNotUTF8 = errors.New("not UTF-8")

// EncodingError is a list that is not UTF-8: Line is where its first byte
// that is not UTF-8 is. It wraps ErrNotUTF8 and ErrInput. NUL is set when
// that byte is a NUL: UTF-8 allows it, but no text list holds one — it is
// UTF-16 without a byte-order mark, or a file damaged to zeros (a copy cut
// off on a USB stick), which has no line end for the CSV reader to stop at.
// A NUL error wraps ErrInput only: no other 8-bit encoding reads it.
type EncodingError struct {
	Line int
	NUL  bool
}

func (e *EncodingError) Error() string {
	if e.NUL {
		return fmt.Sprintf("line %d: holds NUL bytes: not a text file — a damaged copy, or UTF-16 without a byte-order mark (pass --encoding utf-16le)", e.Line)
	}
	return fmt.Sprintf("line %d: not UTF-8", e.Line)
}

func (e *EncodingError) Unwrap() []error {
	if e.NUL {
		return []error{ErrInput}
	}
	return []error{ErrNotUTF8, ErrInput}
}

// Transcode returns r read as the named encoding, converted to UTF-8. The
// name is a WHATWG label ("windows-1252", "latin1", "iso-8859-15",
// "utf-16le", "shift_jis"); "" and "utf-8" leave r as it is.
func Transcode(r io.Reader, name string) (io.Reader, error) {
	if name == "" {
		return r, nil
	}
	enc, err := htmlindex.Get(strings.TrimSpace(name))
	if err != nil {
		return nil, fmt.Errorf("%w: unknown encoding %q (try windows-1252, iso-8859-1 or utf-16le)", ErrInput, name)
	}
	if enc == encoding.Nop || enc == unicode.UTF8 {
		return r, nil
	}
	return enc.NewDecoder().Reader(r), nil
}

// CheckEncoding reads r to the end as NewCSVReader would and returns the
// *EncodingError for its first byte that is not UTF-8, or nil: for a caller
// that can read its file twice and wants it refused before anything of it
// is stored.
func CheckEncoding(r io.Reader) error {
	_, err := io.Copy(io.Discard, utf8Input(r))
	return err
}

// utf8Input returns r as UTF-8 text: a UTF-8 byte-order mark dropped, UTF-16
// with a byte-order mark decoded, and an *EncodingError in place of the
// first byte that is not UTF-8.
func utf8Input(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	mark, _ := br.Peek(3)
	var in io.Reader = br
	switch {
	case bytes.HasPrefix(mark, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	case bytes.HasPrefix(mark, []byte("\xff\xfe")):
		in = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Reader(br)
	case bytes.HasPrefix(mark, []byte("\xfe\xff")):
		in = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Reader(br)
	}
	return &utf8Checker{r: crOnlyLines(in), line: 1}
}

// crOnlyLines returns r with its carriage returns made line feeds when its
// first 64 KiB hold carriage returns and no line feed: a list saved by an
// old Mac Excel ends its lines with \r alone, which the CSV reader would
// take for one long line. A \r byte is never part of a longer UTF-8
// character, so the bytes can be changed before they are checked.
func crOnlyLines(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if bytes.IndexByte(head, '\n') >= 0 || bytes.IndexByte(head, '\r') < 0 {
		return br
	}
	return crToLF{br}
}

type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// utf8Checker passes UTF-8 through and stops with an *EncodingError at the
// first byte that is not. A character cut by the end of one read is held
// back until the next completes it.
type utf8Checker struct {
	r     io.Reader
	carry []byte // the start of a character cut by the previous read
	line  int    // the line the next byte passed on is on
	err   error
}

func (u *utf8Checker) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if len(p) < utf8.UTFMax {
		return 0, io.ErrShortBuffer // bufio and io.Copy never ask for so little
	}
	n := copy(p, u.carry)
	u.carry = u.carry[:0]
	m, err := u.r.Read(p[n:])
	n += m
	if err != nil && err != io.EOF {
		return n, err
	}
	end := n
	if err == nil {
		end = completePrefix(p[:n])
		u.carry = append(u.carry, p[end:n]...)
	}
	if i := invalidAt(p[:end]); i >= 0 {
		u.err = &EncodingError{Line: u.line + bytes.Count(p[:i], []byte{'\n'}), NUL: p[i] == 0}
		return 0, u.err
	}
	u.line += bytes.Count(p[:end], []byte{'\n'})
	return end, err
}

// completePrefix returns the length of b without a character cut at its end.
func completePrefix(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// invalidAt returns the offset of the first byte of b that is not UTF-8, or
// a NUL, or -1.
func invalidAt(b []byte) int {
	nul := bytes.IndexByte(b, 0)
	if utf8.Valid(b) {
		return nul
	}
	if nul >= 0 {
		b = b[:nul+1]
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return nul
}
