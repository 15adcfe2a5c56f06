package app

import (
	"testing"

	"github.com/google/uuid"
)

// A draft read back from the workspace is what was saved.
func TestRegistrationDraftRoundTrip(t *testing.T) {
	r := newRegistration(uuid.Nil)
	r.Step = stepMembers
	r.Fields = map[string]string{"site": "camp_north", "consent": "true"}
	r.Members = []member{{ID: newID(uuid.Nil), Fields: map[string]string{"given_name": "Amina"}}}
	r.Typing.Fields = map[string]string{"given_name": "Ibra"}
	data, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeRegistration(data, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != r.Step || got.Household != r.Household || got.Fields["site"] != "camp_north" ||
		len(got.Members) != 1 || got.Members[0].Fields["given_name"] != "Amina" || got.Typing.Fields["given_name"] != "Ibra" {
		t.Errorf("round trip: got %+v, want %+v", got, r)
	}
	if r.empty() {
		t.Error("a registration with a member reported empty")
	}
	if !newRegistration(uuid.Nil).empty() {
		t.Error("a new registration is not empty")
	}
}

// Draft bytes come back from disk: whatever they hold, decoding refuses
// them or returns a registration the screens can show, never a panic.
func FuzzDecodeRegistration(f *testing.F) {
	good, _ := newRegistration(uuid.Nil).encode()
	f.Add(good)
	f.Add([]byte(`{"step":3,"household":"0190a1b2-0000-7000-8000-000000000001","members":[],"editing":-1}`))
	f.Add([]byte(`{"step":9}`))
	f.Add([]byte(`{"editing":5,"members":[{"id":"x"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRegistration(data, uuid.Nil)
		if err != nil {
			return
		}
		if r.Step < 0 || r.Step >= stepCount || r.Editing < -1 || r.Editing >= len(r.Members) || r.Fields == nil || r.Typing.Fields == nil {
			t.Fatalf("accepted an inconsistent draft: %+v", r)
		}
	})
}
