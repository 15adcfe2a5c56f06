package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/sync/wire"
)

// A fixed test identity (HQ's bundle key in these tests), so the fuzz corpus
// stays meaningful between runs. Never used outside tests.
const testIdentity = "AGE-SECRET-KEY-1WY4FW3Z7UGLVPTW8Q5U7Z4X53XDK9Y9N4SKX29E5KA3WN0WL77RQUXP0CM"

var (
	device = uuid.MustParse("0190a000-0000-7000-8000-00000000000a")
	hq     = uuid.MustParse("0190f000-0000-7000-8000-00000000000f")
	seed   = bytes.Repeat([]byte{7}, ed25519.SeedSize)
	signer = ed25519.NewKeyFromSeed(seed)
)

func hqIdentity(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.ParseX25519Identity(testIdentity)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func samplePayload() Payload {
	stamp := change.Stamp{HLC: change.MakeHLC(1_790_000_000_000, 0), Device: device}
	var push []change.Change
	for i := range 3 {
		stamp.HLC += 1 << 16
		push = append(push, change.Change{
			Device: device, DeviceSeq: uint64(10 + i), Record: uuid.MustParse("0190c000-0000-7000-8000-000000000001"),
			Kind: "person", Author: "amina", Stamp: stamp,
			Writes: []change.Write{{Field: "given_name", Value: []string{"Hauwa", "Aisha", "Falmata"}[i]}},
		})
	}
	return Payload{
		Version: Version, From: device, To: hq,
		Created: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC),
		Push:    &wire.SyncRequest{Version: wire.Version, Device: device, Push: push, PushFrom: 10, Cursor: 77},
	}
}

// trustDevice trusts exactly the test device's key, for the test device.
func trustDevice(from uuid.UUID, pub ed25519.PublicKey) bool {
	return from == device && pub.Equal(signer.Public())
}

func seal(t testing.TB, p Payload, key ed25519.PrivateKey, to age.Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Seal(&buf, p, key, to); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	id := hqIdentity(t)
	want := samplePayload()
	want.Push.Push[1].Form = "person@2" // the form version travels with its change
	want.Pull = &wire.SyncResponse{Version: wire.Version, Acked: 12, Cursor: 80, Pull: []wire.PulledChange{{LogSeq: 80, Change: want.Push.Push[0]}}}
	sealed := seal(t, want, signer, id.Recipient())
	got, err := Open(bytes.NewReader(sealed), id, trustDevice, wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	if n := len(got.Changes()); n != 4 {
		t.Errorf("Changes() gives %d changes, want 4", n)
	}
	// What is carried is opaque: no field value shows in the file.
	if bytes.Contains(sealed, []byte("Falmata")) || bytes.Contains(sealed, []byte("amina")) {
		t.Error("a field value is readable in the sealed bundle")
	}
}

func TestOpenRefuses(t *testing.T) {
	id := hqIdentity(t)
	sealed := seal(t, samplePayload(), signer, id.Recipient())
	other, _ := age.GenerateX25519Identity()
	_, strangerKey, _ := ed25519.GenerateKey(nil)
	fromStranger := seal(t, samplePayload(), strangerKey, id.Recipient())
	claimsOther := samplePayload()
	claimsOther.From = uuid.MustParse("0190a000-0000-7000-8000-0000000000ee")
	small := wire.DefaultLimits()
	small.MaxBody = 64

	tests := []struct {
		name   string
		data   []byte
		id     age.Identity
		limits wire.Limits
		want   error
	}{
		{"wrong recipient", sealed, other, wire.DefaultLimits(), ErrNotForUs},
		{"unknown signer", fromStranger, id, wire.DefaultLimits(), ErrUnknownSender},
		{"known key claiming another device", seal(t, claimsOther, signer, id.Recipient()), id, wire.DefaultLimits(), ErrUnknownSender},
		{"bad signature", forged(t, id.Recipient()), id, wire.DefaultLimits(), ErrBadSignature},
		{"truncated", sealed[:len(sealed)-20], id, wire.DefaultLimits(), ErrTruncated},
		{"truncated in the header", sealed[:40], id, wire.DefaultLimits(), ErrTruncated},
		{"empty", nil, id, wire.DefaultLimits(), ErrTruncated},
		{"not a bundle", []byte("PK\x03\x04 a zip file"), id, wire.DefaultLimits(), ErrMalformed},
		{"length claims 4 GiB", append([]byte{0, 0, 0, 1, 0, 0, 0, 0}, ageMagic...), id, wire.DefaultLimits(), ErrTooLarge},
		{"old layout, length claims 4 GiB", append(append([]byte(legacyMagic), 0, 0, 0, 1, 0, 0, 0, 0), ageMagic...), id, wire.DefaultLimits(), ErrTooLarge},
		{"old layout, cut in its magic line", []byte(legacyMagic[:7]), id, wire.DefaultLimits(), ErrTruncated},
		{"over the limits", sealed, id, small, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tt.data), tt.id, trustDevice, tt.limits)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestTamperedRefused flips every byte of a bundle in turn: none may open.
func TestTamperedRefused(t *testing.T) {
	id := hqIdentity(t)
	sealed := seal(t, samplePayload(), signer, id.Recipient())
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x20
		if _, err := Open(bytes.NewReader(bad), id, trustDevice, wire.DefaultLimits()); err == nil {
			t.Fatalf("bundle with byte %d flipped opened", i)
		}
	}
}

// forged is a bundle whose signature is not over its body: what someone who
// knows HQ's public age key, but not the device's signing key, can make.
func forged(t *testing.T, to age.Recipient) []byte {
	t.Helper()
	env := envelope{Version: Version, Signer: signer.Public().(ed25519.PublicKey),
		Body: wire.Compress(nil, []byte{0xa0}), Signature: make([]byte, ed25519.SignatureSize)}
	b, err := encMode.Marshal(&env)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, to)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return append(binary.BigEndian.AppendUint64(nil, uint64(buf.Len())), buf.Bytes()...)
}

func FuzzOpen(f *testing.F) {
	id := hqIdentity(f)
	sealed := seal(f, samplePayload(), signer, id.Recipient())
	f.Add(sealed)
	f.Add(sealed[:len(sealed)/2])
	f.Add([]byte("age-encryption.org/v1\n-> X25519 AAAA\n--- AAAA\n"))
	f.Add([]byte{})
	limits := wire.Limits{MaxBody: 1 << 20, MaxChanges: 1000, MaxWrites: 100, MaxString: 4096}
	trustAll := func(uuid.UUID, ed25519.PublicKey) bool { return true }
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Open(bytes.NewReader(data), id, trustAll, limits)
		if err == nil && p.Version != Version {
			t.Fatalf("opened a bundle of version %d", p.Version)
		}
	})
}

// TestNothingIdentifiesInClear: a sealed bundle starts with its length and
// age's own header, and nowhere in clear names Fieldreg, the sending
// device or HQ; a bundle of the old layout, which started with a
// "fieldreg-bundle-v1" line, still opens.
func TestNothingIdentifiesInClear(t *testing.T) {
	id := hqIdentity(t)
	p := samplePayload()
	sealed := seal(t, p, signer, id.Recipient())
	for _, clue := range [][]byte{[]byte("fieldreg"), []byte("Fieldreg"), p.From[:], p.To[:], []byte(p.From.String()), []byte(p.To.String()),
		signer.Public().(ed25519.PublicKey)} {
		if bytes.Contains(sealed, clue) {
			t.Errorf("the sealed bundle holds %q in clear", clue)
		}
	}
	if !bytes.HasPrefix(sealed[8:], []byte(ageMagic)) {
		t.Errorf("the bundle does not start with its length and age's header: %q", sealed[:min(len(sealed), 40)])
	}
	old := append([]byte(legacyMagic), sealed...)
	got, err := Open(bytes.NewReader(old), id, trustDevice, wire.DefaultLimits())
	if err != nil {
		t.Fatalf("a bundle of the old layout: %v", err)
	}
	if got.From != p.From {
		t.Errorf("old layout opened as from %s", got.From)
	}
}
