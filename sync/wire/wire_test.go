package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// encodings lists every message with its encoder and a decoder that
// re-encodes what it decoded, for the tests that treat all messages alike.
var encodings = []struct {
	name   string
	encode func() ([]byte, error)
	reenc  func([]byte) ([]byte, error)
}{
	{"request", func() ([]byte, error) { return EncodeRequest(sampleRequest()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeRequest(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeRequest(m)
		}},
	{"response", func() ([]byte, error) { return EncodeResponse(sampleResponse()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeResponse(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeResponse(m)
		}},
	{"response_outcomes", func() ([]byte, error) { return EncodeResponse(sampleOutcomesResponse()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeResponse(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeResponse(m)
		}},
	{"response_evict", func() ([]byte, error) { return EncodeResponse(sampleEvictResponse()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeResponse(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeResponse(m)
		}},
	{"request_scope", func() ([]byte, error) { return EncodeRequest(sampleScopeRequest()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeRequest(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeRequest(m)
		}},
	{"request_outcomes", func() ([]byte, error) { return EncodeRequest(sampleOutcomesRequest()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeRequest(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeRequest(m)
		}},
	{"response_forms", func() ([]byte, error) { return EncodeResponse(sampleFormsResponse()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeResponse(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeResponse(m)
		}},
	{"error", func() ([]byte, error) { return EncodeError(&Error{Code: CodeRevoked, Message: "revoked by admin"}) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeError(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeError(m)
		}},
	{"response_refused", func() ([]byte, error) { return EncodeResponse(sampleRefusedResponse()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeResponse(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeResponse(m)
		}},
	{"enroll_request", func() ([]byte, error) { return EncodeEnrollRequest(sampleEnrollRequest()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeEnrollRequest(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeEnrollRequest(m)
		}},
	{"enroll_response", func() ([]byte, error) { return EncodeEnrollResponse(sampleEnrollResponse()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeEnrollResponse(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeEnrollResponse(m)
		}},
}

// TestGolden pins every encoding: a change here breaks devices in the field.
func TestGolden(t *testing.T) {
	for _, e := range encodings {
		t.Run(e.name, func(t *testing.T) {
			got, err := e.encode()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", e.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(hex.EncodeToString(got)+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := hex.DecodeString(strings.TrimSpace(string(text)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("encoding changed:\n got %x\nwant %x", got, want)
			}
			again, err := e.reenc(want)
			if err != nil {
				t.Fatalf("decode golden: %v", err)
			}
			if !bytes.Equal(again, want) {
				t.Errorf("re-encoding the decoded golden message gives other bytes:\n got %x\nwant %x", again, want)
			}
		})
	}
}

func TestRequestRoundTrip(t *testing.T) {
	want := sampleRequest()
	b, err := EncodeRequest(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRequest(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

// Each change keeps the form ref it was written with, though the wire
// writes a ref only where it differs from the change before; a change with
// no ref after one with a ref keeps none.
func TestFormRefsRoundTrip(t *testing.T) {
	want := sampleFormsResponse()
	b, err := EncodeResponse(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeResponse(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, p := range got.Pull {
		refs = append(refs, p.Change.Form)
	}
	if wantRefs := []string{"household@2", "person@1", "person@1", ""}; !reflect.DeepEqual(refs, wantRefs) {
		t.Errorf("form refs = %q, want %q", refs, wantRefs)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestResponseRoundTrip(t *testing.T) {
	for _, order := range []Order{OrderNone, OrderWipe, OrderRevoked} {
		want := sampleResponse()
		want.Order = order
		b, err := EncodeResponse(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeResponse(b, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

// TestOddChangesSurvive covers the corners of the compact form: stamps of
// other devices, a zero base, a nil device, sequence numbers going
// backwards, an empty author, and an invalid change HQ must quarantine as
// received.
func TestOddChangesSurvive(t *testing.T) {
	odd := []change.Change{
		{Device: deviceA, DeviceSeq: 5, Record: recordID(1), Kind: "person", Author: "",
			Stamp: stamp(deviceA, 0, 3), Writes: []change.Write{
				{Field: "a", Base: change.Stamp{HLC: 0, Device: deviceA}},
				{Field: "b", Base: change.Stamp{HLC: 7}},
				{Field: "c", Value: "x", Base: stamp(deviceB, -5, 0), Resolves: []change.Stamp{{}, stamp(deviceA, -1, 0)}},
			}},
		{Device: deviceA, DeviceSeq: 2, Record: recordID(2), Kind: "", Author: "bello",
			Stamp: stamp(deviceB, -100, 0)},
		{Device: uuid.Nil, DeviceSeq: 0, Record: uuid.Nil, Kind: "person", Author: "bello"},
		{Device: deviceB, DeviceSeq: ^uint64(0), Record: recordID(3), Kind: "household", Author: "",
			Stamp: change.Stamp{HLC: ^uint64(0), Device: deviceB}, Writes: []change.Write{{Field: "x"}}},
		{Device: deviceB, DeviceSeq: 1, Record: recordID(3), Kind: "household", Author: "",
			Stamp: change.Stamp{HLC: 1, Device: deviceB}},
		// Values that look typed but are not in the canonical form stay strings.
		{Device: deviceB, DeviceSeq: 2, Record: recordID(4), Kind: "person", Author: "",
			Stamp: change.Stamp{HLC: 2, Device: deviceB}, Writes: []change.Write{
				{Field: "d1", Value: "2026-09-21"}, {Field: "d2", Value: "2026-9-21"}, {Field: "d3", Value: "2026-02-30"},
				{Field: "d4", Value: "0999-12-31"}, {Field: "d5", Value: "1000-01-01"}, {Field: "d6", Value: "9999-12-31"},
				{Field: "b1", Value: "true"}, {Field: "b2", Value: "false"}, {Field: "b3", Value: "True"},
				{Field: "u1", Value: recordID(9).String()}, {Field: "u2", Value: strings.ToUpper(recordID(9).String())},
				{Field: "i1", Value: "0"}, {Field: "i2", Value: "-17"}, {Field: "i3", Value: "007"}, {Field: "i4", Value: "+5"},
				{Field: "i5", Value: "-0"}, {Field: "i6", Value: "123456789012345678"}, {Field: "i7", Value: "1234567890123456789"},
				{Field: "e", Value: ""},
			}},
	}
	for _, device := range []uuid.UUID{deviceA, uuid.Nil} {
		want := &SyncRequest{Version: Version, Device: device, Push: odd}
		b, err := EncodeRequest(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeRequest(b, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	good, err := EncodeRequest(sampleRequest())
	if err != nil {
		t.Fatal(err)
	}
	otherVersion := sampleRequest()
	otherVersion.Version = 2
	v2, err := EncodeRequest(otherVersion)
	if err != nil {
		t.Fatal(err)
	}
	small := DefaultLimits()
	small.MaxChanges = 2
	tight := DefaultLimits()
	tight.MaxString = 8
	tiny := DefaultLimits()
	tiny.MaxBody = 100
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		want   error
		code   Code
	}{
		{"empty", nil, DefaultLimits(), ErrMalformed, CodeBadRequest},
		{"truncated", good[:len(good)-3], DefaultLimits(), ErrMalformed, CodeBadRequest},
		{"trailing bytes", append(append([]byte{}, good...), 0), DefaultLimits(), ErrMalformed, CodeBadRequest},
		{"not a map", []byte{0x83, 1, 2, 3}, DefaultLimits(), ErrMalformed, CodeBadRequest},
		{"other version", v2, DefaultLimits(), ErrVersion, CodeVersion},
		{"too many changes", good, small, ErrTooLarge, CodeTooLarge},
		{"long string", good, tight, ErrTooLarge, CodeTooLarge},
		{"body too large", good, tiny, ErrTooLarge, CodeTooLarge},
		// A map claiming 2^32 pairs, and a byte string claiming 4 GiB, in a few bytes.
		{"huge map claim", []byte{0xba, 0xff, 0xff, 0xff, 0xff, 0x01}, DefaultLimits(), ErrMalformed, CodeBadRequest},
		{"huge string claim", []byte{0xa1, 0x02, 0x5a, 0xff, 0xff, 0xff, 0xff, 0x00}, DefaultLimits(), ErrMalformed, CodeBadRequest},
		{"short device id", []byte{0xa2, 0x01, 0x01, 0x02, 0x43, 1, 2, 3}, DefaultLimits(), ErrMalformed, CodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRequest(tt.data, tt.limits)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if code := ErrorFor(err).Code; code != tt.code {
				t.Errorf("code %v, want %v", code, tt.code)
			}
		})
	}
}

func TestErrorIs(t *testing.T) {
	var err error = &Error{Code: CodeRevoked, Message: "by admin"}
	if !errors.Is(err, &Error{Code: CodeRevoked}) {
		t.Error("errors.Is does not match on code")
	}
	if errors.Is(err, &Error{Code: CodeWipe}) {
		t.Error("errors.Is matches another code")
	}
	if got := ErrorFor(errors.New("disk on fire at /secret/path")); got.Code != CodeInternal || got.Message != "" {
		t.Errorf("internal error leaks detail: %+v", got)
	}
}

func TestCompressRoundTrip(t *testing.T) {
	body, err := EncodeResponse(sampleResponse())
	if err != nil {
		t.Fatal(err)
	}
	z := Compress(nil, body)
	if len(z) >= len(body) {
		t.Errorf("compressed %d bytes to %d", len(body), len(z))
	}
	got, err := Decompress(z, len(body))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Error("decompressed body differs")
	}
	if _, err := Decompress(z, len(body)-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("body over the limit: got %v, want ErrTooLarge", err)
	}
}

// TestDecompressRefusesBombs feeds frames that claim or produce more than
// the limit. None may allocate what it claims.
func TestDecompressRefusesBombs(t *testing.T) {
	// A frame header (magic, descriptor with an 8-byte content size) claiming 4 GiB.
	claim := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00}
	if _, err := Decompress(claim, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Errorf("4 GiB claim: got %v, want ErrTooLarge", err)
	}
	// A real bomb: 64 MiB of zeros compresses to a few KB.
	bomb := Compress(nil, make([]byte, 64<<20))
	if _, err := Decompress(bomb, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Errorf("bomb: got %v, want ErrTooLarge", err)
	}
	for _, junk := range [][]byte{nil, {1, 2, 3}, []byte("not zstd at all, just text")} {
		if _, err := Decompress(junk, 1<<20); !errors.Is(err, ErrMalformed) {
			t.Errorf("junk %q: got %v, want ErrMalformed", junk, err)
		}
	}
}

func TestBatcher(t *testing.T) {
	b := NewBatcher(1<<10, 8<<10, 64<<10)
	steps := []struct {
		op   func()
		want int
	}{
		{func() {}, 8 << 10},
		{b.Success, 16 << 10},
		{b.Success, 32 << 10},
		{b.Success, 64 << 10},
		{b.Success, 64 << 10}, // held at max
		{b.Cut, 32 << 10},
		{b.Cut, 16 << 10},
		{b.Cut, 8 << 10},
		{b.Cut, 4 << 10},
		{b.Cut, 2 << 10},
		{b.Cut, 1 << 10},
		{b.Cut, 1 << 10}, // held at min
		{b.Success, 2 << 10},
	}
	for i, s := range steps {
		s.op()
		if got := b.Size(); got != s.want {
			t.Fatalf("step %d: size %d, want %d", i, got, s.want)
		}
	}
	if got := NewBatcher(0, 100, -5).Size(); got != 1 {
		t.Errorf("nonsense bounds give size %d, want 1", got)
	}
}

func TestChangeSizeBoundsBatch(t *testing.T) {
	req := sampleRequest()
	total := 0
	for _, c := range req.Push {
		total += ChangeSize(c)
	}
	b, err := EncodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if total < len(b)-64 { // 64: the request's own fields
		t.Errorf("sum of ChangeSize %d is well below the batch size %d: not a bound", total, len(b))
	}
}

func TestEnrollRoundTrip(t *testing.T) {
	req := sampleEnrollRequest()
	b, err := EncodeEnrollRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	gotReq, err := DecodeEnrollRequest(b, DefaultLimits())
	if err != nil || !reflect.DeepEqual(gotReq, req) {
		t.Errorf("enroll request: got %+v, %v; want %+v", gotReq, err, req)
	}
	resp := sampleEnrollResponse()
	b, err = EncodeEnrollResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	gotResp, err := DecodeEnrollResponse(b, DefaultLimits())
	if err != nil || !reflect.DeepEqual(gotResp, resp) {
		t.Errorf("enroll response: got %+v, %v; want %+v", gotResp, err, resp)
	}
	req.PublicKey = req.PublicKey[:31]
	b, _ = EncodeEnrollRequest(req)
	if _, err := DecodeEnrollRequest(b, DefaultLimits()); !errors.Is(err, ErrMalformed) {
		t.Errorf("31-byte public key: got %v, want ErrMalformed", err)
	}
}
