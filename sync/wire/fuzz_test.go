package wire

import (
	"bytes"
	"testing"
)

// Every decoder of outside bytes is fuzzed: no panic, bounded memory, and a
// message that decodes re-encodes to bytes that decode to the same encoding.

func fuzzSeeds(f *testing.F) {
	for _, e := range encodings {
		b, err := e.encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0xa1, 0x02, 0x5a, 0xff, 0xff, 0xff, 0xff, 0x00})
	f.Add([]byte{0x9f, 0x9f, 0x9f, 0x9f})
}

func fuzzSmallLimits() Limits {
	return Limits{MaxBody: 1 << 20, MaxChanges: 1000, MaxWrites: 100, MaxString: 4096}
}

// reencodeStable checks that encode(decode(encode(decode(x)))) == encode(decode(x)).
func reencodeStable[M any](t *testing.T, data []byte, dec func([]byte, Limits) (M, error), enc func(M) ([]byte, error)) {
	m, err := dec(data, fuzzSmallLimits())
	if err != nil {
		return
	}
	b1, err := enc(m)
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	m2, err := dec(b1, fuzzSmallLimits())
	if err != nil {
		t.Fatalf("decode of re-encoded message: %v", err)
	}
	b2, err := enc(m2)
	if err != nil {
		t.Fatalf("re-encode twice: %v", err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("encoding not stable:\n%x\n%x", b1, b2)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { reencodeStable(t, data, DecodeRequest, EncodeRequest) })
}

func FuzzDecodeResponse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { reencodeStable(t, data, DecodeResponse, EncodeResponse) })
}

func FuzzDecodeError(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { reencodeStable(t, data, DecodeError, EncodeError) })
}

func FuzzDecodeEnrollRequest(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { reencodeStable(t, data, DecodeEnrollRequest, EncodeEnrollRequest) })
}

func FuzzDecodeEnrollResponse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { reencodeStable(t, data, DecodeEnrollResponse, EncodeEnrollResponse) })
}

func FuzzDecompress(f *testing.F) {
	for _, e := range encodings {
		b, err := e.encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(Compress(nil, b))
	}
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00})
	f.Add(Compress(nil, make([]byte, 1<<20)))
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 64 << 10
		out, err := Decompress(data, limit)
		if err == nil && len(out) > limit {
			t.Fatalf("decompressed %d bytes past the %d limit", len(out), limit)
		}
	})
}

// FuzzScan: the count before decoding never refuses what the decoder
// would take as well formed (so no valid message is refused for it), and
// what it lets through is within its item limit.
func FuzzScan(f *testing.F) {
	fuzzSeeds(f)
	f.Add(emptyMaps(3, 5))
	f.Add(append(bytes.Repeat([]byte{0x81}, maxDepth), 0x00))
	l := fuzzSmallLimits()
	dm, err := decMode(l)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > l.MaxBody {
			return
		}
		if dm.Wellformed(data) == nil {
			if err := scan(data, len(data)); err != nil {
				t.Fatalf("well formed for the decoder, refused by scan: %v", err)
			}
		}
		for _, n := range []int{1, 2, 8} {
			if scan(data, n) == nil && n < len(data) && scan(data, len(data)) != nil {
				t.Fatalf("accepted within %d items, refused within %d", n, len(data))
			}
		}
	})
}

// FuzzFrameStream feeds a push stream's bytes, as HQ reads them, to the
// frame reader and each frame's payload to its decoder: no panic, no frame
// over the limit, and a stream of the frames read, written again, reads
// back the same.
func FuzzFrameStream(f *testing.F) {
	for _, e := range encodings {
		b, err := e.encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(frameStream(f, b))
	}
	f.Add(frameStream(f, []byte("a"), []byte{}))
	f.Add(frameStreamRaw(f, []byte{1, 0xff, 0xff, 0xff, 0xff}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := fuzzSmallLimits()
		fr, err := NewFrameReader(bytes.NewReader(data), 64<<10)
		if err != nil {
			t.Fatal(err)
		}
		defer fr.Close()
		var kinds []FrameKind
		var payloads [][]byte
		for len(kinds) < 100 {
			kind, p, err := fr.Next()
			if err != nil {
				break
			}
			if len(p) > 64<<10 {
				t.Fatalf("a frame of %d bytes passed a limit of %d", len(p), 64<<10)
			}
			switch kind {
			case FramePush:
				DecodeRequest(p, limits)
			case FrameAck, FrameAnswer:
				DecodeResponse(p, limits)
			case FrameError:
				DecodeError(p, limits)
			}
			kinds, payloads = append(kinds, kind), append(payloads, p)
		}
		var buf bytes.Buffer
		fw := NewFrameWriter(&buf, CompressFast)
		for i := range kinds {
			fw.Write(kinds[i], payloads[i])
		}
		fw.Close()
		again, err := NewFrameReader(&buf, 64<<10)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		for i := range kinds {
			kind, p, err := again.Next()
			if err != nil || kind != kinds[i] || !bytes.Equal(p, payloads[i]) {
				t.Fatalf("frame %d written again reads back as %s (%v)", i, kind, err)
			}
		}
	})
}
