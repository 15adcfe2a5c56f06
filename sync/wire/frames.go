package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// A push stream (PathPush) carries a push as one request whose body is a
// sequence of frames, answered on the same connection, while the body is
// still coming, by a sequence of frames of HQ's acknowledgements. Each
// direction is one zstd stream, flushed at the end of every frame, so that
// a frame can be read as soon as it has arrived and later frames compress
// against the earlier ones (small batches compressed one by one cost 40%
// more bytes). Inside the decompressed stream a frame is a header of five
// bytes, its kind and the big-endian length of its payload, then the
// payload: a length is checked before anything is read or allocated for it.

// FrameKind says what a frame's payload is.
type FrameKind byte

// Frame kinds. Never renumber.
const (
	FramePush  FrameKind = 1 // device → HQ: an encoded SyncRequest carrying one batch of the push
	FrameAck   FrameKind = 2 // HQ → device: an encoded SyncResponse, what HQ has stored so far
	FrameError FrameKind = 3 // HQ → device: an encoded Error; HQ reads no more of the stream
	// FrameAnswer (HQ → device) ends HQ's side once the device has closed
	// the body: an encoded SyncResponse answering the last push frame as a
	// round would (outcomes, forms, the pull), its push stored already.
	FrameAnswer FrameKind = 4
)

func (k FrameKind) String() string {
	switch k {
	case FramePush:
		return "push"
	case FrameAck:
		return "ack"
	case FrameError:
		return "error"
	case FrameAnswer:
		return "answer"
	}
	return fmt.Sprintf("frame kind %d", byte(k))
}

const frameHeader = 5

// streamWindow is the compression history of a frame stream: a few
// hundred households, enough for the frames to compress against each
// other, and what a decoder holds per stream.
const streamWindow = 1 << 20

// FrameWriter writes frames to one compressed stream. It is not safe for
// concurrent use.
type FrameWriter struct {
	zw *zstd.Encoder
}

// FrameCompression is how hard a FrameWriter compresses.
type FrameCompression int

const (
	// CompressSmall is for a device's push: the link is the bottleneck, and
	// frames that are flushed one by one cost a tenth more bytes than one
	// body at zstd's "better" level; at its best they cost what that body
	// does.
	CompressSmall FrameCompression = iota
	// CompressFast is for HQ's acknowledgements: a few bytes each, and HQ
	// holds one encoder per stream.
	CompressFast
)

// NewFrameWriter returns a writer of frames to w.
func NewFrameWriter(w io.Writer, c FrameCompression) *FrameWriter {
	level := zstd.SpeedBestCompression
	if c == CompressFast {
		level = zstd.SpeedFastest
	}
	zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(streamWindow),
		zstd.WithEncoderLevel(level))
	if err != nil {
		panic(err) // constant options: fails always or never
	}
	return &FrameWriter{zw: zw}
}

// Write writes one frame and flushes it through to the underlying writer.
func (f *FrameWriter) Write(kind FrameKind, payload []byte) error {
	var h [frameHeader]byte
	h[0] = byte(kind)
	binary.BigEndian.PutUint32(h[1:], uint32(len(payload)))
	if _, err := f.zw.Write(h[:]); err != nil {
		return fmt.Errorf("write %s frame: %w", kind, err)
	}
	if _, err := f.zw.Write(payload); err != nil {
		return fmt.Errorf("write %s frame: %w", kind, err)
	}
	if err := f.zw.Flush(); err != nil {
		return fmt.Errorf("write %s frame: %w", kind, err)
	}
	return nil
}

// Close ends the compressed stream (the underlying writer stays open).
func (f *FrameWriter) Close() error { return f.zw.Close() }

// FrameReader reads the frames of one compressed stream. It is not safe for
// concurrent use; Close releases its decoder.
type FrameReader struct {
	zr       *zstd.Decoder
	src      *errReader
	maxFrame int
}

// NewFrameReader returns a reader of the frames in r, refusing with
// ErrTooLarge a frame whose payload is over maxFrame bytes before reading it.
func NewFrameReader(r io.Reader, maxFrame int) (*FrameReader, error) {
	src := &errReader{r: r}
	zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(streamWindow), zstd.WithDecoderMaxMemory(uint64(maxFrame)+streamWindow))
	if err != nil {
		return nil, fmt.Errorf("frame stream: %w", err)
	}
	return &FrameReader{zr: zr, src: src, maxFrame: maxFrame}, nil
}

// Next returns the next frame. At the clean end of the stream (after a
// whole frame, or before any) it returns io.EOF; a stream cut inside a
// frame is io.ErrUnexpectedEOF, and the underlying reader's errors come
// through wrapped. A bad stream is ErrMalformed, a frame over the limit
// ErrTooLarge.
func (f *FrameReader) Next() (FrameKind, []byte, error) {
	var h [frameHeader]byte
	n, err := io.ReadFull(f.zr, h[:])
	switch {
	case err == io.EOF && n == 0:
		return 0, nil, io.EOF
	case err != nil:
		return 0, nil, f.streamError("frame header", err)
	}
	kind := FrameKind(h[0])
	size := binary.BigEndian.Uint32(h[1:])
	if kind < FramePush || kind > FrameAnswer {
		return 0, nil, fmt.Errorf("%w: frame stream: unknown %s", ErrMalformed, kind)
	}
	if uint64(size) > uint64(f.maxFrame) {
		return 0, nil, fmt.Errorf("%w: %s frame of %d bytes, limit %d", ErrTooLarge, kind, size, f.maxFrame)
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(f.zr, payload); err != nil {
		return 0, nil, f.streamError(kind.String()+" frame", err)
	}
	return kind, payload, nil
}

// streamError tells the link's errors (passed on, wrapped) from a bad
// stream's (ErrMalformed, or ErrTooLarge for a window over the limit).
func (f *FrameReader) streamError(what string, err error) error {
	switch {
	case f.src.err != nil && (errors.Is(err, f.src.err) || f.src.err == io.EOF && errors.Is(err, io.ErrUnexpectedEOF)):
		if f.src.err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("frame stream: %s: %w", what, err)
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return fmt.Errorf("%w: frame stream: %s: %v", ErrTooLarge, what, err)
	}
	return fmt.Errorf("%w: frame stream: %s: %v", ErrMalformed, what, err)
}

// errReader remembers the first error of the reader under the decoder.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// Close releases the decoder.
func (f *FrameReader) Close() { f.zr.Close() }
