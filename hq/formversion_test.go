package hq_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// personVersions returns the built-in forms and then, for each need, the
// next version of the person form, which has that one more specific need
// (and not the previous versions' ones): version 2 adds needs[0], 3 needs[1].
func personVersions(t *testing.T, needs ...string) *registry.Forms {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := forms.Form(registry.KindPerson)
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for i, need := range needs {
		var g registry.Form
		if err := json.Unmarshal(data, &g); err != nil {
			t.Fatal(err)
		}
		g.Version = strconv.Itoa(i + 2)
		for i := range g.Fields {
			if g.Fields[i].Name == registry.FieldSpecificNeeds {
				g.Fields[i].Choices = append(g.Fields[i].Choices, registry.Choice{Name: need, Label: registry.Labels{"en": need}})
			}
		}
		if forms, err = forms.Add(&g); err != nil {
			t.Fatal(err)
		}
	}
	return forms
}

// formsHQ is an HQ checking pushed changes as fieldreg-hq does, against the
// forms held at each check.
func formsHQ(t *testing.T, forms *atomic.Pointer[registry.Forms]) *hq.Server {
	t.Helper()
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF,
		Validate:       func(r registry.Record) error { return forms.Load().Validate(r, time.Now()) },
		ValidateChange: registry.ChangeValidatorOf(forms.Load, time.Now),
		FormRef:        func(kind string) string { return forms.Load().CurrentRef(kind) }}
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

// formsDevice is a device of a build whose forms are forms, wired as the
// app and fieldctl are.
func formsDevice(t *testing.T, s *hq.Server, forms *registry.Forms) device {
	t.Helper()
	opts := store.Options{KDF: cheapKDF, Validate: forms.Validator(time.Now),
		ValidateChange: registry.AcceptUnknownVersions(forms.ChangeValidator(time.Now)), FormRef: forms.CurrentRef}
	w, err := store.Create(t.TempDir(), "enumerator", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, enr.Device, body) })
	c, err := client.New(client.Config{Workspace: w, Transport: tr, Backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return device{w, c}
}

// registerHead commits a household and its head with the given needs.
func registerHead(t *testing.T, d device, needs string) (h, head uuid.UUID) {
	t.Helper()
	h, head = registry.NewID(), registry.NewID()
	_, err := d.Commit(
		store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true", "status": "active"}},
		store.Edit{Record: head, Kind: registry.KindPerson, Set: map[string]string{"household_id": h.String(), "relationship": "head",
			"given_name": "Amina", "sex": "female", "birth_date": "1990-01-02", registry.FieldSpecificNeeds: needs}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return h, head
}

// The reported case end to end: a newer build adds a specific need of
// version 2, which HQ holds though its newest (3) has another instead; an
// older build then edits another field of the same person. HQ keeps both,
// and the older build applies the newer one's change.
func TestHQKeepsChangesOfEveryVersion(t *testing.T) {
	var forms atomic.Pointer[registry.Forms]
	forms.Store(personVersions(t, "climate_displaced", "stateless"))
	s := formsHQ(t, &forms)
	older := formsDevice(t, s, personVersions(t))
	newer := formsDevice(t, s, personVersions(t, "climate_displaced"))

	_, head := registerHead(t, older, "disability")
	older.mustSync(t)
	newer.mustSync(t)
	rec, err := newer.Get(head)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newer.Commit(store.Edit{Record: head, Kind: registry.KindPerson, Set: map[string]string{registry.FieldSpecificNeeds: "climate_displaced"}}); err != nil {
		t.Fatalf("the newer build's edit: %v (record %v)", err, rec.Values())
	}
	newer.mustSync(t)
	// The older build has not seen that edit when it makes its own.
	if _, err := older.Commit(store.Edit{Record: head, Kind: registry.KindPerson, Set: map[string]string{registry.FieldGivenName: "Aminata"}}); err != nil {
		t.Fatal(err)
	}
	older.mustSync(t)

	if q, err := s.Quarantine(); err != nil || len(q) != 0 {
		t.Fatalf("HQ holds %+v (%v), want nothing", q, err)
	}
	got, err := s.Workspace().Get(head)
	if err != nil || got.Value(registry.FieldSpecificNeeds) != "climate_displaced" || got.Value(registry.FieldGivenName) != "Aminata" {
		t.Errorf("HQ's person: %v, %v; want both edits", got.Values(), err)
	}
	if got, err := older.Get(head); err != nil || got.Value(registry.FieldSpecificNeeds) != "climate_displaced" {
		t.Errorf("the older build's person: %v, %v; want the newer build's need applied", got.Values(), err)
	}
}

// A change of a version HQ does not hold is held, saying which version,
// and released once HQ holds it.
func TestHQHoldsAnUnknownVersionUntilItIsHeld(t *testing.T) {
	var forms atomic.Pointer[registry.Forms]
	forms.Store(personVersions(t))
	s := formsHQ(t, &forms)
	newer := formsDevice(t, s, personVersions(t, "climate_displaced"))
	_, head := registerHead(t, newer, "climate_displaced")
	newer.mustSync(t)

	q, err := s.Quarantine()
	if err != nil {
		t.Fatal(err)
	}
	var held *hq.HeldChange
	for i := range q {
		if q[i].Record == head {
			held = &q[i]
		}
	}
	if held == nil || !strings.Contains(held.Reason, "unknown form version person@2") {
		t.Fatalf("HQ holds %+v, want the head held for its unknown form version person@2", q)
	}
	if _, err := s.ReleaseQuarantine(context.Background(), held.ID); !errors.Is(err, store.ErrStillRefused) {
		t.Fatalf("release before HQ holds person@2: %v, want still refused", err)
	}
	forms.Store(personVersions(t, "climate_displaced"))
	if _, err := s.ReleaseQuarantine(context.Background(), held.ID); err != nil {
		t.Fatalf("release once HQ holds person@2: %v", err)
	}
	if got, err := s.Workspace().Get(head); err != nil || got.Value(registry.FieldSpecificNeeds) != "climate_displaced" {
		t.Errorf("released person: %v, %v", got.Values(), err)
	}
}
