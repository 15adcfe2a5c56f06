package client_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// Forms published at HQ, and the end to end of issue 11: HQ publishes
// version 2 of the assessment; one device syncs and registers under it
// while another, offline, registers under version 1; both sync; HQ accepts
// both, and its export holds both.

func builtins(t testing.TB) *registry.Forms {
	t.Helper()
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// formsHQ is an HQ whose forms follow what it publishes.
func formsHQ(t *testing.T, clock func() time.Time) *hq.Server {
	t.Helper()
	set := store.NewFormSet(builtins(t))
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, Now: clock, KDF: cheapKDF, Forms: set, Validate: set.Validator(clock),
		ValidateChange: set.ChangeValidator(clock), FormRef: set.CurrentRef}
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

// formsDevice is a device workspace whose forms follow what it stores.
func formsDevice(t *testing.T, clock func() time.Time) (*store.Workspace, *store.FormSet) {
	t.Helper()
	set := store.NewFormSet(builtins(t))
	w, err := store.Create(t.TempDir(), "amina", testPass, store.Options{KDF: cheapKDF, Now: clock, Forms: set, Validate: set.Validator(clock),
		ValidateChange: registry.AcceptUnknownVersions(set.ChangeValidator(clock)), FormRef: set.CurrentRef})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, set
}

// assessmentV2 is the built-in assessment with one more question
// (latrines) and one fewer (priority_notes, which only version 1 has).
func assessmentV2(t *testing.T) []byte {
	t.Helper()
	f, _ := builtins(t).Form(registry.KindAssessment)
	data, _ := json.Marshal(f)
	v2, err := registry.ParseForm(data)
	if err != nil {
		t.Fatal(err)
	}
	v2.Version = "2"
	v2.Fields = slices.DeleteFunc(v2.Fields, func(d registry.FieldDef) bool { return d.Name == "priority_notes" })
	v2.Fields = append(v2.Fields, registry.FieldDef{Name: "latrines", Type: registry.TypeInteger, Label: registry.Labels{"en": "Working latrines"}})
	out, err := json.Marshal(v2)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assess(t *testing.T, w *store.Workspace, now time.Time, h string, set map[string]string) error {
	t.Helper()
	set["household_id"], set["date"] = h, now.Format(time.DateOnly)
	_, err := w.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindAssessment, Set: set})
	return err
}

func TestVersionsPublishedAtHQSyncAndBothAreAccepted(t *testing.T) {
	clock := newFakeClock()
	s := formsHQ(t, clock.Now)
	ctx := context.Background()
	online, onlineForms := formsDevice(t, clock.Now)
	offline, offlineForms := formsDevice(t, clock.Now)
	tA := inProcess(s, enrollInProcess(t, s, online, "tablet-a", "camp_north").Device)
	tB := inProcess(s, enrollInProcess(t, s, offline, "tablet-b", "camp_north").Device)
	h := registerHousehold(t, online, "camp_north", 2)
	syncOnce(t, online, tA)
	syncOnce(t, offline, tB) // both hold the household now

	if _, err := s.PublishForms(ctx, [][]byte{assessmentV2(t)}); err != nil {
		t.Fatal(err)
	}
	// Published twice is no error and no second version.
	if _, err := s.PublishForms(ctx, [][]byte{assessmentV2(t)}); err != nil {
		t.Fatalf("publishing the same version again: %v", err)
	}
	if err := assess(t, online, clock.Now(), h.String(), map[string]string{"latrines": "3"}); err == nil || !strings.Contains(err.Error(), "latrines") {
		t.Fatalf("a question of version 2 before the device received it: %v", err)
	}
	sum := syncOnce(t, online, tA)
	if sum.Forms != 1 {
		t.Fatalf("the sync stored %d forms, want the one published", sum.Forms)
	}
	if f, _ := onlineForms.Forms().Form(registry.KindAssessment); f.Ref() != "assessment@2" {
		t.Fatalf("the synced device's current assessment is %s", f.Ref())
	}
	if err := assess(t, online, clock.Now(), h.String(), map[string]string{"latrines": "3"}); err != nil {
		t.Fatalf("registering under version 2: %v", err)
	}
	if err := assess(t, offline, clock.Now(), h.String(), map[string]string{"meals_per_day": "2", "priority_notes": "roof leaks"}); err != nil {
		t.Fatalf("registering under version 1, offline: %v", err)
	}
	syncOnce(t, online, tA)
	sum = syncOnce(t, offline, tB)
	if sum.Forms != 1 || sum.Received == 0 {
		t.Fatalf("the offline device's sync: %+v", sum)
	}
	// It stored the form before the other device's v2 assessment, which
	// it therefore accepted.
	if q, _ := offline.Quarantined(); len(q) != 0 {
		t.Fatalf("the offline device quarantined %+v", q)
	}
	if f, _ := offlineForms.Forms().Form(registry.KindAssessment); f.Ref() != "assessment@2" {
		t.Fatalf("the offline device's current assessment is %s", f.Ref())
	}
	if q, _ := s.Workspace().Quarantined(); len(q) != 0 {
		t.Fatalf("HQ quarantined %+v", q)
	}
	if n := s.Workspace().Count(registry.KindAssessment); n != 2 {
		t.Fatalf("HQ holds %d assessments, want both", n)
	}
	logged, err := s.Workspace().ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	for _, l := range logged {
		if l.Change.Kind == registry.KindAssessment {
			versions = append(versions, l.Change.Form)
		}
	}
	if slices.Sort(versions); !slices.Equal(versions, []string{"assessment@1", "assessment@2"}) {
		t.Errorf("HQ's assessments were written under %v, want one under each version", versions)
	}
	out := filepath.Join(t.TempDir(), "export.json")
	if _, err := s.ExportFile(ctx, hq.FormatJSON, out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"latrines"`)) || !bytes.Contains(data, []byte(`"meals_per_day"`)) {
		t.Errorf("the export lacks one of the assessments:\n%s", data)
	}
	for _, ref := range []string{`"form":"assessment@1"`, `"form":"assessment@2"`} {
		if !bytes.Contains(data, []byte(ref)) {
			t.Errorf("the JSON export lacks %s:\n%s", ref, data)
		}
	}
	// The CSV table of assessments and the XLSX sheet hold both, each with
	// its version, and the question only version 1 has keeps its answer.
	for _, format := range []string{hq.FormatCSV, hq.FormatXLSX} {
		rows := assessmentTable(t, s, format)
		if len(rows) != 2 {
			t.Fatalf("%s export: %d assessments, want 2: %v", format, len(rows), rows)
		}
		byForm := map[string]map[string]string{}
		for _, r := range rows {
			byForm[r["_form"]] = r
		}
		v1, v2 := byForm["assessment@1"], byForm["assessment@2"]
		if v1 == nil || v2 == nil {
			t.Fatalf("%s export: _form of the assessments %v, want assessment@1 and assessment@2", format, rows)
		}
		if v1["priority_notes"] != "roof leaks" || v1["meals_per_day"] != "2" || v1["latrines"] != "" {
			t.Errorf("%s export: the version 1 assessment reads %v", format, v1)
		}
		if v2["latrines"] != "3" || v2["priority_notes"] != "" {
			t.Errorf("%s export: the version 2 assessment reads %v", format, v2)
		}
	}
	// A third sync brings no form again: the cursor moved past it.
	if sum := syncOnce(t, offline, tB); sum.Forms != 0 {
		t.Errorf("a later sync stored %d forms again", sum.Forms)
	}
	list, err := s.Forms()
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, f := range list {
		if f.Kind == registry.KindAssessment {
			refs = append(refs, f.Ref)
		}
	}
	if !slices.Equal(refs, []string{"assessment@1", "assessment@2"}) {
		t.Errorf("HQ's assessment versions: %v", refs)
	}
}

// assessmentTable exports HQ's assessments in format (csv: the table of
// kind assessment; xlsx: its assessment sheet) and returns the rows, each
// by its header.
func assessmentTable(t *testing.T, s *hq.Server, format string) []map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "assessments."+format)
	opt := hq.ExportOptions{Format: format}
	if format == hq.FormatCSV {
		opt.Kind = registry.KindAssessment
	}
	if _, err := s.ExportFileWith(context.Background(), out, opt); err != nil {
		t.Fatal(err)
	}
	var table [][]string
	if format == hq.FormatCSV {
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if table, err = csv.NewReader(f).ReadAll(); err != nil {
			t.Fatal(err)
		}
	} else {
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if table, err = f.GetRows(registry.KindAssessment); err != nil {
			t.Fatal(err)
		}
	}
	if len(table) == 0 {
		t.Fatalf("%s export has no header", format)
	}
	for _, col := range []string{"_form", "latrines", "priority_notes"} {
		if !slices.Contains(table[0], col) {
			t.Errorf("%s export: no %s column in %v", format, col, table[0])
		}
	}
	var rows []map[string]string
	for _, cells := range table[1:] {
		r := map[string]string{}
		for i, h := range table[0] {
			if i < len(cells) {
				r[h] = cells[i]
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func TestReturnBundleBringsForms(t *testing.T) {
	clock := newFakeClock()
	s := formsHQ(t, clock.Now)
	ctx := context.Background()
	w, set := formsDevice(t, clock.Now)
	enrollInProcess(t, s, w, "tablet-a", "camp_north")
	if _, err := s.PublishForms(ctx, [][]byte{assessmentV2(t)}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := s.ExportBundle(ctx, "tablet-a", &buf); err != nil {
		t.Fatal(err)
	}
	again := bytes.Clone(buf.Bytes())
	if _, err := client.ImportBundle(w, &buf); err != nil {
		t.Fatal(err)
	}
	if f, _ := set.Forms().Form(registry.KindAssessment); f.Ref() != "assessment@2" {
		t.Fatalf("after the bundle the current assessment is %s", f.Ref())
	}
	if _, err := client.ImportBundle(w, bytes.NewReader(again)); err != nil {
		t.Fatalf("the same bundle again: %v", err)
	}
	if docs, _ := w.FormDocs(); len(docs) != 1 {
		t.Errorf("the device holds %d forms after the bundle twice", len(docs))
	}
}

func TestEnrollmentAndScopeRefuseUnknownSites(t *testing.T) {
	s := formsHQ(t, time.Now)
	ctx := context.Background()
	_, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "tablet", Sites: []string{"camp_north", "Camp A", "camp_x"}})
	if err == nil || !strings.Contains(err.Error(), `"Camp A", "camp_x"`) || strings.Contains(err.Error(), `"camp_north"`) {
		t.Fatalf("enrolling for unknown sites: %v", err)
	}
	w, _ := formsDevice(t, time.Now)
	enrollInProcess(t, s, w, "tablet", "camp_north")
	if _, err := s.SetSites(ctx, "tablet", []string{"camp_south", "camp_nowhere"}); err == nil || !strings.Contains(err.Error(), "camp_nowhere") {
		t.Fatalf("re-scoping to an unknown site: %v", err)
	}
	if _, err := s.SetSites(ctx, "tablet", []string{hq.AllSites}); err != nil {
		t.Fatalf("re-scoping to every site: %v", err)
	}
}

// TestPublishReleasesChangesHeldForTheirVersion: a device whose admin
// imported assessment@2 registers under it before HQ holds it; HQ holds the
// change, and stores it once the version is published.
func TestPublishReleasesChangesHeldForTheirVersion(t *testing.T) {
	clock := newFakeClock()
	s := formsHQ(t, clock.Now)
	w, _ := formsDevice(t, clock.Now)
	tr := inProcess(s, enrollInProcess(t, s, w, "tablet-a", "camp_north").Device)
	h := registerHousehold(t, w, "camp_north", 1)
	if err := w.PutForms([]store.FormDoc{{Ref: "assessment@2", Kind: registry.KindAssessment, JSON: assessmentV2(t)}}); err != nil {
		t.Fatal(err)
	}
	if err := assess(t, w, clock.Now(), h.String(), map[string]string{"latrines": "2"}); err != nil {
		t.Fatal(err)
	}
	syncOnce(t, w, tr)
	// Held with its household, pushed in the same unit.
	if q, _ := s.Workspace().Quarantined(); len(q) != 3 || !strings.Contains(q[2].Reason, "unknown form version assessment@2") {
		t.Fatalf("HQ holds %+v, want the household with its assessment of a version HQ lacks", q)
	}
	if _, err := s.PublishForms(context.Background(), [][]byte{assessmentV2(t)}); err != nil {
		t.Fatal(err)
	}
	if q, _ := s.Workspace().Quarantined(); len(q) != 0 {
		t.Fatalf("after publishing assessment@2 HQ still holds %+v", q)
	}
	if n, m := s.Workspace().Count(registry.KindAssessment), s.Workspace().Count(registry.KindHousehold); n != 1 || m != 1 {
		t.Fatalf("HQ holds %d assessments and %d households after the publish, want 1 and 1", n, m)
	}
	// The device's next sync brings the form it already holds: no error.
	if sum := syncOnce(t, w, tr); len(sum.FormsRefused) != 0 {
		t.Errorf("the device refused %v", sum.FormsRefused)
	}
}

// TestFormsComeWithinTheBatchBudget: on a link that takes small batches,
// forms come one answer at a time, and the changes after them.
func TestFormsComeWithinTheBatchBudget(t *testing.T) {
	clock := newFakeClock()
	s := formsHQ(t, clock.Now)
	ctx := context.Background()
	a, _ := formsDevice(t, clock.Now)
	b, set := formsDevice(t, clock.Now)
	tA := inProcess(s, enrollInProcess(t, s, a, "tablet-a", "camp_north").Device)
	tB := inProcess(s, enrollInProcess(t, s, b, "tablet-b", "camp_north").Device)
	registerHousehold(t, a, "camp_north", 2)
	syncOnce(t, a, tA)
	v2 := assessmentV2(t)
	var docs [][]byte
	for _, v := range []string{"2", "3", "4"} {
		docs = append(docs, bytes.Replace(v2, []byte(`"version":"2"`), []byte(`"version":"`+v+`"`), 1))
	}
	if len(v2) <= 4<<10 {
		t.Fatalf("the test needs forms over the 4 KiB batch, this one is %d bytes", len(v2))
	}
	if _, err := s.PublishForms(ctx, docs); err != nil {
		t.Fatal(err)
	}
	var answers int
	counting := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		answers++
		return tB.RoundTrip(ctx, body)
	})
	c, err := client.New(client.Config{Workspace: b, Transport: counting, Backoff: noBackoff, MinBatch: 4 << 10, StartBatch: 4 << 10, MaxBatch: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := c.Sync(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Forms != 3 || sum.Received != 3 || answers < 3 {
		t.Fatalf("a small-batch sync: %d forms, %d changes in %d answers; want 3 forms, one an answer, the last with the 3 changes", sum.Forms, sum.Received, answers)
	}
	if f, _ := set.Forms().Form(registry.KindAssessment); f.Ref() != "assessment@4" {
		t.Errorf("current assessment after the sync: %s", f.Ref())
	}
}
