package wire

import (
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"

	"fieldreg/change"
)

// Fixed ids and times so encodings are reproducible.
var (
	deviceA = uuid.MustParse("0190a000-0000-7000-8000-00000000000a")
	deviceB = uuid.MustParse("0190b000-0000-7000-8000-00000000000b")
	t0      = int64(1_790_000_000_000) // 2026-09-21, in Unix milliseconds
)

// recordID returns a UUIDv7 as registry.NewID makes them: 48 bits of
// milliseconds and 74 random bits, here drawn from a generator seeded by n.
func recordID(n int) uuid.UUID {
	var id uuid.UUID
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range id {
		id[i] = byte(rng.Uint32())
	}
	ms := uint64(t0) + uint64(n)*997
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	id[6] = 0x70 | id[6]&0x0f
	id[8] = 0x80 | id[8]&0x3f
	return id
}

func stamp(device uuid.UUID, ms int64, counter uint16) change.Stamp {
	return change.Stamp{HLC: change.MakeHLC(t0+ms, counter), Device: device}
}

// household returns the changes that register a household of persons
// members, as a device makes them: one change per record.
func household(device uuid.UUID, firstSeq uint64, n, persons int) []change.Change {
	hh := recordID(n * 100)
	at := int64(n) * 60_000
	cs := []change.Change{{
		Device: device, DeviceSeq: firstSeq, Record: hh, Kind: "household", Author: "amina",
		Stamp: stamp(device, at, 0),
		Writes: []change.Write{
			{Field: "site", Value: "KAK-03"},
			{Field: "admin1", Value: "Borno"},
			{Field: "admin2", Value: "Maiduguri"},
			{Field: "gps", Value: "11.84692 13.15712"},
			{Field: "shelter_type", Value: "tent"},
			{Field: "phone", Value: fmt.Sprintf("+23480%08d", 31337*n)},
			{Field: "displacement_date", Value: "2026-08-14"},
			{Field: "origin", Value: "Bama"},
			{Field: "consent", Value: "true"},
			{Field: "consent_by", Value: "Hauwa Musa"},
			{Field: "consent_date", Value: "2026-09-21"},
			{Field: "status", Value: "active"},
		},
	}}
	rng := rand.New(rand.NewPCG(uint64(n), 11))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	family := pick("Musa", "Bukar", "Abba", "Kachalla", "Modu", "Goni", "Lawan", "Ali", "Umar", "Zanna")
	cs[0].Writes[9].Value = pick("Hauwa", "Falmata", "Yagana") + " " + family
	cs[0].Writes[3].Value = fmt.Sprintf("11.%05d 13.%05d", rng.IntN(100000), rng.IntN(100000))
	cs[0].Writes[6].Value = fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(9), 1+rng.IntN(28))
	cs[0].Writes[7].Value = pick("Bama", "Gwoza", "Dikwa", "Konduga", "Mafa", "Ngala")
	rels := []string{"head", "spouse", "child", "child", "child", "parent", "sibling", "child"}
	for i := range persons {
		cs = append(cs, change.Change{
			Device: device, DeviceSeq: firstSeq + uint64(i) + 1, Record: recordID(n*100 + i + 1),
			Kind: "person", Author: "amina", Stamp: stamp(device, at+int64(i+1)*20_000+rng.Int64N(20_000), 0),
			Writes: []change.Write{
				{Field: "household_id", Value: hh.String()},
				{Field: "relationship", Value: rels[i%len(rels)]},
				{Field: "given_name", Value: pick("Hauwa", "Musa", "Aisha", "Ibrahim", "Fatima", "Yusuf", "Zainab",
					"Abubakar", "Falmata", "Modu", "Yagana", "Bulama", "Kaltum", "Babagana", "Amina", "Mustapha")},
				{Field: "family_name", Value: family},
				{Field: "sex", Value: pick("female", "male")},
				{Field: "birth_date", Value: fmt.Sprintf("%d-%02d-%02d", 1950+rng.IntN(75), 1+rng.IntN(12), 1+rng.IntN(28))},
				{Field: "birth_date_estimated", Value: pick("true", "false")},
				{Field: "nationality", Value: "NG"},
				{Field: "languages", Value: pick("ha", "kr", "ha kr", "ff")},
				{Field: "specific_needs", Value: pick("", "", "", "PW", "DS-PM", "ER-NF", "SM-CI", "CR-LW")},
			},
		})
	}
	return cs
}

// edit returns a one-field edit of an existing record, based on a value
// another device wrote.
func edit(device uuid.UUID, seq uint64, n int) change.Change {
	return change.Change{
		Device: device, DeviceSeq: seq, Record: recordID(n), Kind: "person", Author: "amina",
		Stamp: stamp(device, 10_000_000+int64(n)*1000, 0),
		Writes: []change.Write{{
			Field: "phone", Value: fmt.Sprintf("+23480%08d", n*7919%100000000),
			Base: stamp(deviceB, int64(n)*1000, 0),
		}},
	}
}

func sampleRequest() *SyncRequest {
	push := household(deviceA, 41, 1, 2)
	push = append(push, edit(deviceA, 44, 7))
	push[3].Writes[0].Resolves = []change.Stamp{stamp(deviceA, 5, 1), stamp(deviceB, 6, 0)}
	return &SyncRequest{Version: Version, Device: deviceA, Push: push, PushFrom: 41, Cursor: 9000, PullMax: 64 << 10}
}

func sampleResponse() *SyncResponse {
	var pull []PulledChange
	for i, c := range append(household(deviceB, 7, 2, 1), household(deviceA, 3, 3, 1)...) {
		pull = append(pull, PulledChange{LogSeq: 9001 + uint64(i), Change: c})
	}
	return &SyncResponse{
		Version: Version, Acked: 43, Cursor: 9004, More: true, Order: OrderNone,
		Results: []PushResult{{DeviceSeq: 42, Code: CodeClockAhead, Reason: "stamp 2027-01-01 is ahead"}},
		Pull:    pull,
	}
}

// sampleOutcomesResponse tells a device what became of its held changes:
// one held for its clock, one held with it, one released, one dropped.
func sampleOutcomesResponse() *SyncResponse {
	return &SyncResponse{
		Version: Version, Acked: 52, Cursor: 9004, OutcomeSeq: 6,
		Results: []PushResult{
			{DeviceSeq: 51, Code: CodeClockAhead, Reason: "stamp 2027-01-01 is more than 5m0s ahead"},
			{DeviceSeq: 52, Code: CodeInvalid, Reason: "held with its household"},
			{DeviceSeq: 12, Code: CodeReleased},
			{DeviceSeq: 13, Code: CodeDropped, Reason: "dropped by a supervisor"},
		},
	}
}

// sampleRefusedResponse tells a device HQ refused two of its changes: they
// write a record outside its sites.
func sampleRefusedResponse() *SyncResponse {
	return &SyncResponse{
		Version: Version, Acked: 62, Cursor: 9004, OutcomeSeq: 7,
		Results: []PushResult{
			{DeviceSeq: 61, Code: CodeForbidden, Reason: "the record is not at this device's sites"},
			{DeviceSeq: 62, Code: CodeForbidden, Reason: "the record is not at this device's sites"},
		},
	}
}

// sampleOutcomesRequest says the device stored HQ's outcomes up to 6.
func sampleOutcomesRequest() *SyncRequest {
	return &SyncRequest{Version: Version, Device: deviceA, PushFrom: 53, Cursor: 9004, PullMax: 64 << 10, Outcomes: 6}
}

func sampleEnrollRequest() *EnrollRequest {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	return &EnrollRequest{Version: Version, Token: "K7QM-3XRP-9WTD", Name: "tablet-07", PublicKey: key,
		BundleRecipient: "age1sc7x0u5x9km3rkh307ars9fzkx5fck4vszu9nlg6rtgp8fdx9vsqhsesvz"}
}

func sampleEnrollResponse() *EnrollResponse {
	return &EnrollResponse{
		Version: Version, Cert: []byte{0x30, 0x82, 0x01, 0x0a}, CA: []byte{0x30, 0x82, 0x01, 0x0b},
		Device: deviceA, Team: "borno-north", Sites: []string{"KAK-03", "KAK-04"}, HQAddr: "hq.example.org:8443",
		BundleRecipient: "age1sc7x0u5x9km3rkh307ars9fzkx5fck4vszu9nlg6rtgp8fdx9vsqhsesvz",
	}
}

// sampleEvictResponse re-scopes a device: two households left its sites
// and one that entered arrives whole, its changes older than the cursor.
func sampleEvictResponse() *SyncResponse {
	var pull []PulledChange
	for i, c := range household(deviceB, 7, 2, 1) {
		pull = append(pull, PulledChange{LogSeq: 12 + uint64(i), Change: c})
	}
	return &SyncResponse{
		Version: Version, Acked: 52, Cursor: 9004, Scope: 3,
		Evict: []uuid.UUID{uuid.MustParse("0190a1b2-0000-7000-8000-000000000011"), uuid.MustParse("0190a1b2-0000-7000-8000-000000000012")},
		Pull:  pull,
	}
}

// sampleScopeRequest says the device applied its third site list.
func sampleScopeRequest() *SyncRequest {
	return &SyncRequest{Version: Version, Device: deviceA, PushFrom: 53, Cursor: 9004, PullMax: 64 << 10, Scope: 3}
}

// sampleFormsResponse pulls changes that name the form versions they were
// written with: a household under its second version, its members under
// the first, then a change from before forms were versioned (no ref).
func sampleFormsResponse() *SyncResponse {
	cs := household(deviceB, 7, 4, 2)
	cs[0].Form = "household@2"
	for i := 1; i < len(cs); i++ {
		cs[i].Form = "person@1"
	}
	cs = append(cs, edit(deviceA, 3, 9))
	var pull []PulledChange
	for i, c := range cs {
		pull = append(pull, PulledChange{LogSeq: 9101 + uint64(i), Change: c})
	}
	return &SyncResponse{Version: Version, Acked: 2, Cursor: 9104, Pull: pull}
}
