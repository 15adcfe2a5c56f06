package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// maxWindow bounds the history a compressed body may ask its decoder to
// keep. Compress never needs more than the body, and bodies are small.
const maxWindow = 8 << 20

// The encoder is safe for concurrent EncodeAll calls; one serves everyone.
var encoder = func() *zstd.Encoder {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20),
		zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
	if err != nil {
		panic(err) // constant options: fails at init or never
	}
	return e
}()

// Stream decoders are not safe for concurrent use, so each call borrows one.
var decoders = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(maxWindow),
	)
	if err != nil {
		panic(err) // constant options: fails at init or never
	}
	return d
}}

// Compress appends the zstd compression of src to dst.
func Compress(dst, src []byte) []byte {
	return encoder.EncodeAll(src, dst)
}

// Decompress returns the decompression of src, refusing with ErrTooLarge
// anything that would decompress to more than maxSize bytes. A frame that
// declares a larger size is refused before any decoding; one that does not
// declare its size is decoded until it passes maxSize.
func Decompress(src []byte, maxSize int) ([]byte, error) {
	var h zstd.Header
	if err := h.Decode(src); err != nil {
		return nil, fmt.Errorf("%w: compressed body: %v", ErrMalformed, err)
	}
	if h.HasFCS && h.FrameContentSize > uint64(maxSize) {
		return nil, fmt.Errorf("%w: body declares %d bytes, limit %d", ErrTooLarge, h.FrameContentSize, maxSize)
	}
	if !h.SingleSegment && h.WindowSize > maxWindow {
		return nil, fmt.Errorf("%w: body asks for a %d-byte window, limit %d", ErrTooLarge, h.WindowSize, maxWindow)
	}
	d := decoders.Get().(*zstd.Decoder)
	defer func() {
		d.Reset(bytes.NewReader(nil)) // drop the reference to src
		decoders.Put(d)
	}()
	if err := d.Reset(bytes.NewReader(src)); err != nil {
		return nil, fmt.Errorf("%w: compressed body: %v", ErrMalformed, err)
	}
	size := maxSize
	if h.HasFCS {
		size = int(h.FrameContentSize)
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(size, 1<<20)+bytes.MinRead))
	n, err := buf.ReadFrom(io.LimitReader(d, int64(maxSize)+1))
	switch {
	case err != nil && errors.Is(err, zstd.ErrWindowSizeExceeded), err != nil && errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return nil, fmt.Errorf("%w: compressed body: %v", ErrTooLarge, err)
	case err != nil:
		return nil, fmt.Errorf("%w: compressed body: %v", ErrMalformed, err)
	case n > int64(maxSize):
		return nil, fmt.Errorf("%w: body decompresses to more than %d bytes", ErrTooLarge, maxSize)
	}
	return buf.Bytes(), nil
}
