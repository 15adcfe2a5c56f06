package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// pushTo enrolls a new workspace with the HQ in c's data directory (opened
// in-process, no server running), commits edits there and syncs them.
func pushTo(t *testing.T, c *hqCLI, deviceNow func() time.Time, edits ...store.Edit) client.Summary {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(hq.Config{Dir: c.dir, Passphrase: []byte(c.pass), KDF: cheapKDF, Validate: forms.Validator(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w, err := store.Create(t.TempDir(), "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF, Now: deviceNow})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet-7", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, enr.Device, body) })
	sc, err := client.New(client.Config{Workspace: w, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := sc.Sync(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func householdEdits(h uuid.UUID, headName string) []store.Edit {
	return []store.Edit{
		{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true", "status": "active"}},
		{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{"household_id": h.String(), "relationship": "head",
			"given_name": headName, "sex": "female", "birth_date": "1990-01-02"}},
		{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{"household_id": h.String(), "relationship": "child",
			"given_name": "Musa", "sex": "male", "birth_date": "2019-03-04"}},
	}
}

// TestQuarantineCommands: an operator lists what HQ holds and why, releases
// what was held only for a device's clock once HQ's clock has passed it,
// and drops a household whose head HQ refuses; each act is audited.
func TestQuarantineCommands(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	if out := c.must("quarantine"); !strings.Contains(out, "no changes held") {
		t.Fatalf("quarantine of a new HQ: %q", out)
	}
	headless, late := registry.NewID(), registry.NewID()
	if sum := pushTo(t, c, nil, householdEdits(headless, "")...); sum.Quarantined != 3 {
		t.Fatalf("the headless household: %+v, want its 3 changes held", sum)
	}
	ahead := func() time.Time { return time.Now().Add(2 * time.Hour) }
	if sum := pushTo(t, c, ahead, householdEdits(late, "Aisha")...); sum.Quarantined != 3 {
		t.Fatalf("the household from a tablet 2 h ahead: %+v, want its 3 changes held", sum)
	}

	out := c.must("quarantine")
	rows := regexp.MustCompile(`(?m)^(\d+)\s+(-|\d+)\s.*$`).FindAllStringSubmatch(out, -1)
	if len(rows) != 6 || !strings.Contains(out, "given_name") || strings.Count(out, "device clock ahead") != 3 || !strings.Contains(out, "tablet-7") {
		t.Fatalf("quarantine lists:\n%s\nwant 6 rows, the head's reason, and why, the clock's 3", out)
	}
	headlessID, lateID := rows[0][1], rows[5][1]
	var first hq.HeldChange
	if err := json.Unmarshal([]byte(strings.SplitN(c.must("quarantine", "--json"), "\n", 2)[0]), &first); err != nil ||
		first.Record != headless || first.Device != "tablet-7" || first.Reason == "" {
		t.Errorf("quarantine --json, first line: %+v (%v), want the headless household with its reason", first, err)
	}
	if rows[1][2] != headlessID || rows[4][2] != rows[3][1] {
		t.Errorf("the WITH column does not tie each household's changes together:\n%s", out)
	}

	// Released before HQ's clock passed the stamps: refused, and said why.
	if code, _, errs := c.run("quarantine", "release", lateID); code != exitFailure || !strings.Contains(errs, "still refused") || !strings.Contains(errs, "ahead") {
		t.Fatalf("early release: exit %d, %q; want 1 saying it is still refused for the clock", code, errs)
	}
	c.now = func() time.Time { return time.Now().Add(3 * time.Hour) }
	if out := c.must("quarantine", "release", lateID); !strings.Contains(out, "released 3 changes; 3 now stored") {
		t.Fatalf("release: %q", out)
	}
	if out := c.must("quarantine", "drop", headlessID); !strings.Contains(out, "dropped 3 changes") {
		t.Fatalf("drop: %q", out)
	}
	if out := c.must("quarantine"); !strings.Contains(out, "no changes held") {
		t.Errorf("quarantine after release and drop:\n%s", out)
	}
	if code, _, errs := c.run("quarantine", "drop", headlessID); code != exitFailure || !strings.Contains(errs, "no such change is held") {
		t.Errorf("second drop: exit %d, %q", code, errs)
	}
	exp := filepath.Join(t.TempDir(), "all.json")
	c.must("export", "--format", "json", "--out", exp)
	b, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), late.String()) || strings.Contains(string(b), headless.String()) {
		t.Errorf("the export after release and drop: want the released household only:\n%s", b)
	}

	w, err := store.Open(filepath.Join(c.dir, hq.WorkspaceDir), "hq", []byte(c.pass), store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	acts := map[string]int{}
	if err := w.Audit(func(e store.AuditEntry) error { acts[e.Action]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if acts["quarantine release"] != 3 || acts["quarantine drop"] != 3 {
		t.Errorf("audit holds %d releases and %d drops, want 3 each", acts["quarantine release"], acts["quarantine drop"])
	}
}
