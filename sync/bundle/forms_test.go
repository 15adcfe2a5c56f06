package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"testing"

	"filippo.io/age"
	"github.com/google/uuid"

	"fieldreg/sync/wire"
)

// hqPayload is a return bundle from HQ carrying a published form.
func hqPayload() Payload {
	return Payload{Version: Version, From: uuid.Nil, To: device, Pull: &wire.SyncResponse{Version: wire.Version, Acked: 3, Cursor: 9,
		Forms: []wire.Form{{Ref: "household@2", Kind: "household", Seq: 1, JSON: []byte(`{"kind":"household","site":["camp_east"]}`)}}}}
}

func TestReturnBundleCarriesForms(t *testing.T) {
	id := hqIdentity(t)
	want := hqPayload()
	got, err := Open(bytes.NewReader(seal(t, want, signer, id.Recipient())), id, trustHQ, wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Pull.Forms) != 1 || got.Pull.Forms[0].Ref != "household@2" || string(got.Pull.Forms[0].JSON) != string(want.Pull.Forms[0].JSON) {
		t.Fatalf("forms of the bundle: %+v", got.Pull.Forms)
	}
}

// TestFormChangedAfterSigningIsRefused: someone who can encrypt to the
// device (its recipient is no secret) takes a bundle HQ signed and changes
// the form in it, keeping HQ's signature: the signature no longer holds.
func TestFormChangedAfterSigningIsRefused(t *testing.T) {
	id := hqIdentity(t)
	p := hqPayload()
	sealed := seal(t, p, signer, id.Recipient())
	env := openEnvelope(t, sealed, id)

	p.Pull.Forms[0].JSON = []byte(`{"kind":"household","site":["camp_mallory"]}`)
	other := openEnvelope(t, seal(t, p, signer, id.Recipient()), id)
	env.Body = other.Body // the changed form, with the signature of the original

	b, err := encMode.Marshal(&env)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	tampered := append(binary.BigEndian.AppendUint64(nil, uint64(buf.Len())), buf.Bytes()...)
	if _, err := Open(bytes.NewReader(tampered), id, trustHQ, wire.DefaultLimits()); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("a bundle whose form was changed after HQ signed it: %v, want ErrBadSignature", err)
	}
}

// trustHQ trusts the test signer as HQ (sender uuid.Nil), as a device does
// HQ's CA key.
func trustHQ(from uuid.UUID, pub ed25519.PublicKey) bool {
	return from == uuid.Nil && pub.Equal(signer.Public())
}

func openEnvelope(t *testing.T, sealed []byte, id age.Identity) envelope {
	t.Helper()
	n := binary.BigEndian.Uint64(sealed[:8])
	r, err := age.Decrypt(bytes.NewReader(sealed[8:8+n]), id)
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	plain.ReadFrom(r)
	var env envelope
	if err := decMode.Unmarshal(plain.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	return env
}
