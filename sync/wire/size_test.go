package wire

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"testing"

	"fieldreg/change"
)

// pushBytes is what a push of cs costs on the wire: the compressed request.
func pushBytes(t *testing.T, cs []change.Change) int {
	t.Helper()
	b, err := EncodeRequest(&SyncRequest{Version: Version, Device: cs[0].Device, Push: cs, PushFrom: cs[0].DeviceSeq})
	if err != nil {
		t.Fatal(err)
	}
	return len(Compress(nil, b))
}

// TestOneFieldEditIsSmall checks the design target: a one-field edit costs at
// most 100 bytes on the wire, amortized over a batch.
func TestOneFieldEditIsSmall(t *testing.T) {
	var edits []change.Change
	for i := range 200 {
		edits = append(edits, edit(deviceA, uint64(100+i), 1000+i*7))
	}
	per := pushBytes(t, edits) / len(edits)
	t.Logf("one-field edit: %d bytes each in a batch of %d", per, len(edits))
	if per > 100 {
		t.Errorf("one-field edit costs %d bytes, target ≤ 100", per)
	}
}

// TestHouseholdIsSmall compares households of 6 persons with the same data as
// JSON+gzip, the strong baseline. The design target is ≤ 70% of it; the JSON
// carries no stamps, sequence numbers or authors, so today we are at about
// 0.88×: random record ids (13 bytes a record) and stamps (4) are most of
// what is left. The bound below keeps us from sliding back.
func TestHouseholdIsSmall(t *testing.T) {
	var cs []change.Change
	for n := range 20 {
		cs = append(cs, household(deviceA, uint64(1+n*7), n+1, 6)...)
	}
	ours := pushBytes(t, cs)

	type jsonRecord struct {
		ID     string            `json:"id"`
		Fields map[string]string `json:"fields"`
	}
	var recs []jsonRecord
	for _, c := range cs {
		fields := map[string]string{}
		for _, w := range c.Writes {
			fields[w.Field] = w.Value
		}
		recs = append(recs, jsonRecord{ID: c.Record.String(), Fields: fields})
	}
	js, err := json.Marshal(recs)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(js)
	zw.Close()
	t.Logf("20 households of 6: ours %d bytes (%d per household), JSON+gzip %d bytes, ratio %.2f",
		ours, ours/20, gz.Len(), float64(ours)/float64(gz.Len()))
	if float64(ours) > 0.95*float64(gz.Len()) {
		t.Errorf("households cost %d bytes, more than 0.95× JSON+gzip's %d", ours, gz.Len())
	}
}
