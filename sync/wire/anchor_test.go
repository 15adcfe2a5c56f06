package wire

import (
	"bytes"
	"errors"
	"testing"
)

func sampleAnchorRequest() *SyncRequest {
	hash := make([]byte, 32)
	for i := range hash {
		hash[i] = byte(0xa0 + i)
	}
	return &SyncRequest{Version: Version, Device: deviceA, PushFrom: 53, Cursor: 9004, PullMax: 64 << 10,
		Anchor: &AuditAnchor{Seq: 1207, Hash: hash}}
}

// The anchor's encoding is pinned with the others (testdata/request_anchor.golden).
func init() {
	encodings = append(encodings, struct {
		name   string
		encode func() ([]byte, error)
		reenc  func([]byte) ([]byte, error)
	}{"request_anchor", func() ([]byte, error) { return EncodeRequest(sampleAnchorRequest()) },
		func(b []byte) ([]byte, error) {
			m, err := DecodeRequest(b, DefaultLimits())
			if err != nil {
				return nil, err
			}
			return EncodeRequest(m)
		}})
}

func TestAnchorRoundTrip(t *testing.T) {
	want := sampleAnchorRequest()
	b, err := EncodeRequest(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRequest(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if got.Anchor == nil || got.Anchor.Seq != want.Anchor.Seq || !bytes.Equal(got.Anchor.Hash, want.Anchor.Hash) {
		t.Fatalf("anchor %+v, want %+v", got.Anchor, want.Anchor)
	}
	// A request without one (an older device) decodes without one.
	b, _ = EncodeRequest(sampleOutcomesRequest())
	if got, err := DecodeRequest(b, DefaultLimits()); err != nil || got.Anchor != nil {
		t.Fatalf("request without an anchor: %+v %v", got.Anchor, err)
	}
}

func TestAnchorWithABadHashIsRefused(t *testing.T) {
	for _, n := range []int{1, 31, 33, 1000} {
		r := sampleAnchorRequest()
		r.Anchor.Hash = make([]byte, n)
		b, _ := EncodeRequest(r)
		if _, err := DecodeRequest(b, DefaultLimits()); !errors.Is(err, ErrMalformed) {
			t.Errorf("anchor hash of %d bytes: %v, want ErrMalformed", n, err)
		}
	}
}
