package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// A frame is readable as soon as it is written, before the stream goes on
// or ends: HQ stores a batch while the next is still on its way, and a
// device reads an acknowledgement while it still sends.
func TestFrameIsReadableBeforeTheStreamEnds(t *testing.T) {
	pr, pw := io.Pipe()
	fw := NewFrameWriter(pw, CompressSmall)
	got := make(chan []byte)
	errs := make(chan error, 1)
	go func() {
		fr, err := NewFrameReader(pr, 1<<20)
		if err != nil {
			errs <- err
			return
		}
		defer fr.Close()
		for {
			kind, p, err := fr.Next()
			if err != nil {
				errs <- err
				return
			}
			if kind != FramePush {
				errs <- errors.New("wrong kind " + kind.String())
				return
			}
			got <- p
		}
	}()
	for i, payload := range [][]byte{[]byte("first batch"), bytes.Repeat([]byte("second "), 3000), {}} {
		if err := fw.Write(FramePush, payload); err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-got:
			if !bytes.Equal(p, payload) {
				t.Fatalf("frame %d: got %d bytes, want %d", i, len(p), len(payload))
			}
		case err := <-errs:
			t.Fatalf("frame %d: %v", i, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("frame %d not readable until more is written", i)
		}
	}
	fw.Close()
	pw.Close()
	if err := <-errs; err != io.EOF {
		t.Fatalf("at the end of the stream: %v, want io.EOF", err)
	}
}

func frameStream(t testing.TB, frames ...[]byte) []byte {
	var buf bytes.Buffer
	fw := NewFrameWriter(&buf, CompressFast)
	for _, f := range frames {
		if err := fw.Write(FrameAck, f); err != nil {
			t.Fatal(err)
		}
	}
	fw.Close()
	return buf.Bytes()
}

// What a reader refuses, and how: a frame over the limit before its bytes
// are read, a stream cut inside a frame as the link's (not the sender's)
// fault, bytes that are no stream as malformed.
func TestFrameReaderRefuses(t *testing.T) {
	whole := frameStream(t, []byte("small"), bytes.Repeat([]byte{7}, 5000))
	tests := []struct {
		name     string
		stream   []byte
		maxFrame int
		frames   int // read before the error
		want     error
	}{
		{"a clean end", whole, 1 << 20, 2, io.EOF},
		{"a frame over the limit", whole, 4096, 1, ErrTooLarge},
		{"cut inside the second frame", whole[:len(whole)-12], 1 << 20, 1, io.ErrUnexpectedEOF},
		{"not a stream", []byte("GET / HTTP/1.1\r\n\r\n"), 1 << 20, 0, ErrMalformed},
		{"an unknown kind", frameStreamRaw(t, []byte{9, 0, 0, 0, 0}), 1 << 20, 0, ErrMalformed},
		{"a header cut short", frameStreamRaw(t, []byte{1, 0, 0}), 1 << 20, 0, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fr, err := NewFrameReader(bytes.NewReader(tt.stream), tt.maxFrame)
			if err != nil {
				t.Fatal(err)
			}
			defer fr.Close()
			n := 0
			for {
				_, _, err = fr.Next()
				if err != nil {
					break
				}
				n++
			}
			if n != tt.frames || !errors.Is(err, tt.want) {
				t.Fatalf("read %d frames, then %v; want %d, then %v", n, err, tt.frames, tt.want)
			}
		})
	}
}

// frameStreamRaw compresses plain as a frame stream's bytes, whatever they hold.
func frameStreamRaw(t testing.TB, plain []byte) []byte {
	return Compress(nil, plain)
}
