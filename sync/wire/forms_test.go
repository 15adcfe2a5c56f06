package wire

import (
	"errors"
	"slices"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

func sampleFormsAfterRequest() *SyncRequest {
	return &SyncRequest{Version: Version, Device: deviceA, PushFrom: 53, Cursor: 9004, PullMax: 64 << 10, FormsAfter: 3}
}

func samplePublishedResponse() *SyncResponse {
	return &SyncResponse{Version: Version, Acked: 52, Cursor: 9004, Forms: []Form{
		{Ref: "household@2", Kind: "household", Seq: 4, JSON: []byte(`{"kind":"household"}`)},
		{Ref: "wash@1", Kind: "wash", Seq: 5, JSON: []byte(`{"kind":"wash"}`)},
	}}
}

// The forms fields are pinned with the others (testdata/request_formsafter.golden, response_published.golden).
func init() {
	type enc = struct {
		name   string
		encode func() ([]byte, error)
		reenc  func([]byte) ([]byte, error)
	}
	encodings = append(encodings,
		enc{"request_formsafter", func() ([]byte, error) { return EncodeRequest(sampleFormsAfterRequest()) },
			func(b []byte) ([]byte, error) {
				m, err := DecodeRequest(b, DefaultLimits())
				if err != nil {
					return nil, err
				}
				return EncodeRequest(m)
			}},
		enc{"response_published", func() ([]byte, error) { return EncodeResponse(samplePublishedResponse()) },
			func(b []byte) ([]byte, error) {
				m, err := DecodeResponse(b, DefaultLimits())
				if err != nil {
					return nil, err
				}
				return EncodeResponse(m)
			}})
}

func TestFormsRoundTrip(t *testing.T) {
	b, err := EncodeRequest(sampleFormsAfterRequest())
	if err != nil {
		t.Fatal(err)
	}
	req, err := DecodeRequest(b, DefaultLimits())
	if err != nil || req.FormsAfter != 3 {
		t.Fatalf("forms after = %d (%v), want 3", req.FormsAfter, err)
	}
	want := samplePublishedResponse()
	b, err = EncodeResponse(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeResponse(b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got.Forms, want.Forms, func(a, b Form) bool {
		return a.Ref == b.Ref && a.Kind == b.Kind && a.Seq == b.Seq && string(a.JSON) == string(b.JSON)
	}) {
		t.Fatalf("forms = %+v, want %+v", got.Forms, want.Forms)
	}
}

// An older peer's messages carry no forms fields and still decode; an older
// peer ignores the keys it does not know, which the decoder allows.
func TestFormsFieldsAreOptional(t *testing.T) {
	b, _ := EncodeResponse(sampleEvictResponse())
	if got, err := DecodeResponse(b, DefaultLimits()); err != nil || got.Forms != nil {
		t.Fatalf("response without forms: %+v %v", got.Forms, err)
	}
	type oldRequest struct {
		Version int    `cbor:"1,keyasint,omitempty"`
		Device  []byte `cbor:"2,keyasint,omitempty"`
		Cursor  uint64 `cbor:"5,keyasint,omitempty"`
	}
	b, _ = EncodeRequest(sampleFormsAfterRequest())
	var old oldRequest
	if err := cbor.Unmarshal(b, &old); err != nil || old.Cursor != 9004 {
		t.Fatalf("an older decoder reading a request with forms: %+v %v", old, err)
	}
}

func TestFormWithoutRefOrBodyIsRefused(t *testing.T) {
	for _, f := range []Form{
		{Kind: "wash", Seq: 1, JSON: []byte("{}")},
		{Ref: "wash@1", Seq: 1, JSON: []byte("{}")},
		{Ref: "wash@1", Kind: "wash", Seq: 1},
		{Ref: "wash@1", Kind: "wash", JSON: []byte("{}")},
	} {
		r := samplePublishedResponse()
		r.Forms = []Form{f}
		b, _ := EncodeResponse(r)
		if _, err := DecodeResponse(b, DefaultLimits()); !errors.Is(err, ErrMalformed) {
			t.Errorf("form %+v: %v, want ErrMalformed", f, err)
		}
	}
}
