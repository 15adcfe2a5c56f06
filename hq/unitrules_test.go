package hq_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/registry/formrun"
	"fieldreg/store"
)

// rulesHQ is an HQ wired as fieldreg-hq is: each pushed change checked
// against its form version, and a pushed household by its author's
// record-level rules.
func rulesHQ(t *testing.T) *hq.Server {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	set := func() *registry.Forms { return forms }
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF,
		Validate: forms.Validator(time.Now), ValidateChange: forms.ChangeValidator(time.Now), FormRef: forms.CurrentRef,
		ValidateUnit: formrun.NewUnitRules(set, time.Now).Check}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOldClientsBrokenHouseholdHeldAtHQ: a device of an old or buggy build,
// which never ran the forms' record-level rules, registers a household
// without consent and another with two heads. HQ holds each whole in
// quarantine, with a reason that names the rule, and accepts the good
// household pushed with them.
func TestOldClientsBrokenHouseholdHeldAtHQ(t *testing.T) {
	s := rulesHQ(t)
	d := newDeviceAt(t, s, nil, false) // no Validate: the old client's checks
	person := func(h uuid.UUID, rel, name string) store.Edit {
		return store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": rel, "given_name": name, "sex": "female", "birth_date": "1990-01-02"}}
	}
	noConsent := registry.NewID()
	if _, err := d.Commit(store.Edit{Record: noConsent, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "status": "active"}},
		person(noConsent, "head", "Amina")); err != nil {
		t.Fatal(err)
	}
	twoHeads := registry.NewID()
	if _, err := d.Commit(store.Edit{Record: twoHeads, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true", "status": "active"}},
		person(twoHeads, "head", "Halime"), person(twoHeads, "head", "Achta")); err != nil {
		t.Fatal(err)
	}
	good, _ := household(t, d.Workspace, "camp_north", 2)

	sum := d.mustSync(t)
	if sum.Sent != 8 || sum.Quarantined != 5 {
		t.Errorf("summary %+v: want 8 sent, the 5 changes of the two broken households held", sum)
	}
	out := exportJSON(t, s)
	if strings.Contains(out, noConsent.String()) || strings.Contains(out, twoHeads.String()) {
		t.Errorf("HQ's export holds a household that breaks its form's rules")
	}
	if !strings.Contains(out, good.ID.String()) {
		t.Errorf("HQ's export lacks the good household")
	}
	held, err := s.Quarantine()
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[uuid.UUID]string{}
	for _, c := range held {
		if c.Record == noConsent || c.Record == twoHeads {
			reasons[c.Record] = c.Reason
		}
	}
	for id, want := range map[uuid.UUID]string{noConsent: "consent", twoHeads: "head"} {
		r := reasons[id]
		if !strings.Contains(r, want) || !strings.Contains(r, "form's rules") {
			t.Errorf("household %s held with reason %q: want it to say the form's rules and %q", id, r, want)
		}
	}

	// The supervisor confirmed consent with the family: released, it is in.
	var unit uint64
	for _, c := range held {
		if c.Record == noConsent {
			unit = c.ID
		}
	}
	if _, err := s.ReleaseQuarantine(context.Background(), unit); err != nil {
		t.Fatalf("release the household without consent: %v", err)
	}
	if out := exportJSON(t, s); !strings.Contains(out, noConsent.String()) {
		t.Errorf("the released household is not in HQ's export")
	}
}
