package client_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/internal/pgtest"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// cluster is this package's throwaway PostgreSQL (nil with FIELDREG_NO_PG=1).
var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// onPostgres runs tests again with their HQ on PostgreSQL (newHQAt asks
// it for the database).
var onPostgres pgtest.Rerun

// hqDatabase is onPostgres's database for t; a rapid.T (no testing.TB)
// gets the bbolt file.
func hqDatabase(f fataler) string {
	t, ok := f.(testing.TB)
	if !ok {
		return ""
	}
	return onPostgres.Database(t, cluster)
}

// Devices and HQ end to end with HQ on PostgreSQL: convergence with a
// conflict, many devices at once, a restart, scope moves, quarantined
// changes.
func TestSyncWithHQOnPostgres(t *testing.T) {
	onPostgres.Run(t, cluster, map[string]func(*testing.T){
		"TwoDevicesConvergeAndSeeTheConflict":    TestTwoDevicesConvergeAndSeeTheConflict,
		"ManyDevicesAtOnce":                      TestManyDevicesAtOnce,
		"MoveSurvivesHQRestart":                  TestMoveSurvivesHQRestart,
		"RescopedDeviceFollowsItsSites":          TestRescopedDeviceFollowsItsSites,
		"JunkForADeletedRecordIsQuarantinedAtHQ": TestJunkForADeletedRecordIsQuarantinedAtHQ,
	})
}

// recordingTransport is an in-process transport that notes every change
// HQ hands the device in a pull.
type recordingTransport struct {
	next client.Transport
	mu   sync.Mutex
	got  map[changeKey]int // times each change was pulled
	seqs []uint64          // log seqs in the order pulled
}

type changeKey struct {
	device uuid.UUID
	seq    uint64
}

func (r *recordingTransport) RoundTrip(ctx context.Context, body []byte) ([]byte, error) {
	out, err := r.next.RoundTrip(ctx, body)
	if err != nil {
		return out, err
	}
	plain, err := wire.Decompress(out, 64<<20)
	if err != nil {
		return nil, fmt.Errorf("test transport: %w", err)
	}
	resp, err := wire.DecodeResponse(plain, wire.DefaultLimits())
	if err != nil {
		return nil, fmt.Errorf("test transport: %w", err)
	}
	r.mu.Lock()
	for _, p := range resp.Pull {
		r.got[changeKey{p.Change.Device, p.Change.DeviceSeq}]++
		r.seqs = append(r.seqs, p.LogSeq)
	}
	r.mu.Unlock()
	return out, nil
}

// TestHundredDevicesPullEveryChangeOnce: 100 devices at 10 sites push at
// once, three times each, to HQ on PostgreSQL, pulling as they go; readers
// follow HQ's log by cursor meanwhile. Transactions commit out of order at
// a server with many connections; HQ's log must still never show a later
// cursor a change with a lower seq than one it already gave, so every
// device receives every change of its site from the others exactly once,
// and nothing of another site.
func TestHundredDevicesPullEveryChangeOnce(t *testing.T) {
	pgtest.Need(t, cluster)
	defer onPostgres.On(t)()
	const devices, sites, rounds, members = 100, 10, 3, 2
	s := newHQ(t, nil, nil)
	ws := make([]*store.Workspace, devices)
	trs := make([]*recordingTransport, devices)
	site := func(i int) string { return fmt.Sprintf("site-%d", i%sites) }
	var names []string
	for i := range sites {
		names = append(names, site(i))
	}
	publishSites(t, s, names...)
	for i := range devices {
		ws[i] = newDevice(t, "enumerator", nil)
		enr := enrollInProcess(t, s, ws[i], fmt.Sprintf("tablet-%d", i), site(i))
		trs[i] = &recordingTransport{next: inProcess(s, enr.Device), got: map[changeKey]int{}}
	}
	sync1 := func(i int) error {
		c, err := client.New(client.Config{Workspace: ws[i], Transport: trs[i], Backoff: busyBackoff, MinBatch: 2 << 10, StartBatch: 8 << 10, MaxBatch: 8 << 10})
		if err != nil {
			return err
		}
		_, err = c.Sync(context.Background(), nil)
		return err
	}

	// Readers follow the log as devices pull it, and check it grows only
	// at its end: each read starts right after the last seq it saw.
	stop := make(chan struct{})
	readerErrs := make(chan error, 2)
	for range 2 {
		go func() {
			var cursor uint64
			for {
				select {
				case <-stop:
					readerErrs <- nil
					return
				default:
				}
				got, err := s.Workspace().ChangesAfter(cursor, 37)
				if err != nil {
					readerErrs <- err
					return
				}
				for _, l := range got {
					if l.LogSeq != cursor+1 {
						readerErrs <- fmt.Errorf("after log seq %d the log gave %d: a change was skipped", cursor, l.LogSeq)
						return
					}
					cursor = l.LogSeq
				}
			}
		}()
	}

	errs := make(chan error, devices)
	var wg sync.WaitGroup
	for i := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				if _, err := ws[i].Commit(householdEdits(site(i), members)...); err != nil {
					errs <- err
					return
				}
				if err := sync1(i); err != nil {
					errs <- fmt.Errorf("device %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	for range 2 {
		if err := <-readerErrs; err != nil {
			t.Error(err)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Once more each, after everyone has pushed: what was committed after a
	// device's last pull reaches it now.
	for i := range devices {
		if err := sync1(i); err != nil {
			t.Fatal(err)
		}
	}

	perDevice := rounds * (1 + members)
	if got := s.Workspace().LastLogSeq(); got != uint64(devices*perDevice) {
		t.Fatalf("HQ holds %d changes, want %d", got, devices*perDevice)
	}
	for i := range devices {
		want := map[changeKey]int{}
		for j := range devices {
			if j != i && site(j) == site(i) {
				for seq := range uint64(perDevice) {
					want[changeKey{ws[j].Device(), seq + 1}] = 1
				}
			}
		}
		tr := trs[i]
		for k, n := range tr.got {
			if want[k] != n && !(k.device == ws[i].Device() && n == 1) {
				t.Errorf("device %d was given change %s#%d %d times, want %d", i, k.device, k.seq, n, want[k])
			}
		}
		for k := range want {
			if tr.got[k] == 0 {
				t.Errorf("device %d never received change %s#%d of its site", i, k.device, k.seq)
			}
		}
		if !slices.IsSorted(tr.seqs) {
			t.Errorf("device %d pulled log seqs out of order", i)
		}
		if n := ws[i].Count(registry.KindPerson); n != devices/sites*rounds*members {
			t.Errorf("device %d holds %d persons, want %d", i, n, devices/sites*rounds*members)
		}
	}
}

// householdEdits is a valid household of n members at site, as
// registerHousehold commits it.
func householdEdits(site string, n int) []store.Edit {
	h := registry.NewID()
	edits := []store.Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
		"site": site, "consent": "true", "status": "active"}}}
	for i := range n {
		rel := "child"
		if i == 0 {
			rel = "head"
		}
		edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": rel, "given_name": fmt.Sprintf("Amina%d", i),
			"sex": "female", "birth_date": "1990-01-01"}})
	}
	return edits
}

// busyBackoff is how long a device refused by a busy HQ (eight syncs run
// at once, 100 devices ask) waits: long enough not to spin.
func busyBackoff(int) time.Duration { return 20 * time.Millisecond }
