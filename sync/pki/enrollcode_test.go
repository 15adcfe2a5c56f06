package pki

import (
	"bytes"
	"errors"
	"image/png"
	"strings"
	"testing"
)

func sampleCode() EnrollCode {
	return EnrollCode{
		Addr:        "hq.example.org:8443",
		Fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Token:       "K7QM3XRP9WTD4HNA",
	}
}

func TestEnrollCodeRoundTrip(t *testing.T) {
	c := sampleCode()
	s := c.String()
	if !strings.HasPrefix(s, "FR1-") {
		t.Fatalf("code %q does not start with FR1-", s)
	}
	t.Logf("code: %s (%d characters)", s, len(s))
	variants := map[string]string{
		"as printed":        s,
		"lower case":        strings.ToLower(s),
		"without dashes":    strings.ReplaceAll(s, "-", ""),
		"spaces, line ends": strings.ReplaceAll(s, "-", " ") + "\n",
		"O for 0, l for 1":  strings.NewReplacer("0", "O", "1", "l").Replace(s),
	}
	for name, v := range variants {
		got, err := ParseEnrollCode(v)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != c {
			t.Errorf("%s: got %+v, want %+v", name, got, c)
		}
	}
}

// TestEnrollCodeCatchesTypos mistypes every character of a code in turn: a
// wrong code must be refused, never read as another HQ or token.
func TestEnrollCodeCatchesTypos(t *testing.T) {
	s := sampleCode().String()
	for i := len("FR1-"); i < len(s); i++ {
		if s[i] == '-' {
			continue
		}
		for _, r := range crockford {
			if byte(r) == s[i] {
				continue
			}
			typo := s[:i] + string(r) + s[i+1:]
			if _, err := ParseEnrollCode(typo); !errors.Is(err, ErrBadCode) {
				t.Fatalf("typo at %d (%c for %c) not caught: %v", i, r, s[i], err)
			}
		}
	}
	// Two neighbours swapped.
	b := []byte(s)
	for i := len("FR1-"); i+1 < len(b); i++ {
		if b[i] == '-' || b[i+1] == '-' || b[i] == b[i+1] {
			continue
		}
		b[i], b[i+1] = b[i+1], b[i]
		if _, err := ParseEnrollCode(string(b)); err == nil {
			t.Fatalf("swap at %d not caught", i)
		}
		b[i], b[i+1] = b[i+1], b[i]
	}
}

func TestEnrollCodeRefuses(t *testing.T) {
	noToken := sampleCode()
	noToken.Token = ""
	badFP := sampleCode()
	badFP.Fingerprint = "abc"
	for name, s := range map[string]string{
		"empty":             "",
		"other prefix":      "XY1-ABCDE",
		"prefix only":       "FR1-",
		"bad character":     "FR1-ABCU!",
		"no token":          noToken.String(),
		"short fingerprint": badFP.String(),
		"huge":              "FR1-" + strings.Repeat("A", 100000),
	} {
		if _, err := ParseEnrollCode(s); !errors.Is(err, ErrBadCode) {
			t.Errorf("%s: got %v, want ErrBadCode", name, err)
		}
	}
}

func TestEnrollQRPNG(t *testing.T) {
	img, err := EnrollQRPNG(sampleCode().String())
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := decoded.Bounds(); b.Dx() < 256 || b.Dy() != b.Dx() {
		t.Errorf("QR image is %v, want a square of at least 256 pixels", b)
	}
}

func FuzzParseEnrollCode(f *testing.F) {
	f.Add(sampleCode().String())
	f.Add("FR1-")
	f.Add("fr1-00000-00000")
	f.Add("FR1-ZZZZZ-ZZZZZ-ZZZZZ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseEnrollCode(s)
		if err != nil {
			return
		}
		again, err := ParseEnrollCode(c.String())
		if err != nil || again != c {
			t.Fatalf("parsed code %+v does not survive String: %+v, %v", c, again, err)
		}
	})
}
