package wire

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

// emptyMaps is a sync request whose push batch has columns of empty maps:
// one byte each on the wire, a write struct each once decoded.
func emptyMaps(columns, perColumn int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xa3, 0x01, 0x01, 0x02, 0x50}) // {1: 1, 2: h'<16 bytes>', 3: {4: [...]}}
	b.Write(make([]byte, 16))
	b.Write([]byte{0x03, 0xa1, 0x04})
	head := func(major byte, n int) {
		b.Write([]byte{major<<5 | 26, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	}
	head(4, columns)
	for range columns {
		head(4, perColumn)
		b.Write(bytes.Repeat([]byte{0xa0}, perColumn))
	}
	return b.Bytes()
}

// TestManyItemsAreRefusedBeforeDecoding: a message of a million empty
// maps (1 MB) is refused as too large without decoding it, where decoding
// it allocated 136 MB.
func TestManyItemsAreRefusedBeforeDecoding(t *testing.T) {
	msg := emptyMaps(50, 20000)
	l := DefaultLimits()
	l.MaxItems = 100_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := DecodeRequest(msg, l)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a million empty maps: %v, want ErrTooLarge", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Fatalf("refusing a million empty maps allocated %d KB", alloc>>10)
	}
	// Within the limit, the same shape is decoded (and refused for what it
	// holds, not its size).
	if _, err := DecodeRequest(emptyMaps(2, 1000), l); errors.Is(err, ErrTooLarge) || err == nil {
		t.Fatalf("a small batch of empty maps: %v, want malformed", err)
	}
}

func TestScan(t *testing.T) {
	nest := func(n int) []byte { return append(bytes.Repeat([]byte{0x81}, n), 0x00) }
	for _, tc := range []struct {
		name  string
		data  []byte
		items int
		want  error
	}{
		{"one integer", []byte{0x01}, 1, nil},
		{"a map of two pairs is five items", []byte{0xa2, 0x01, 0x02, 0x03, 0x04}, 5, nil},
		{"one item over", []byte{0xa2, 0x01, 0x02, 0x03, 0x04}, 4, ErrTooLarge},
		{"nothing", []byte{}, 10, ErrMalformed},
		{"cut short", []byte{0x82, 0x01}, 10, ErrMalformed},
		{"a length cut short", []byte{0x9a, 0x00, 0x01}, 10, ErrMalformed},
		{"an array longer than the bytes left", []byte{0x9a, 0x7f, 0xff, 0xff, 0xff, 0x00}, 1 << 30, ErrMalformed},
		{"a map longer than the bytes left", []byte{0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, 1 << 30, ErrMalformed},
		{"a string longer than the bytes left", []byte{0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'a'}, 10, ErrMalformed},
		{"indefinite length", []byte{0x9f, 0x01, 0xff}, 10, ErrMalformed},
		{"a tag", []byte{0xc1, 0x01}, 10, ErrMalformed},
		{"bytes after the message", []byte{0x01, 0x02}, 10, ErrMalformed},
		{"nested as deep as allowed", nest(maxDepth), 100, nil},
		{"nested deeper", nest(maxDepth + 1), 100, ErrTooLarge},
		{"a float", []byte{0xfb, 0, 0, 0, 0, 0, 0, 0, 0}, 1, nil},
	} {
		err := scan(tc.data, tc.items)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	for _, e := range encodings {
		b, err := e.encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := scan(b, DefaultLimits().MaxItems); err != nil {
			t.Errorf("%s: %v", e.name, err)
		}
	}
}
