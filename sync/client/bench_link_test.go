package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/internal/linksim"
	"fieldreg/internal/pgtest"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkSatelliteLink sends 1,000 households of 6 (FIELDREG_BENCH_HOUSEHOLDS)
// through a simulated 64 kbit/s link with 600 ms round trips, cut every 60 s
// of connection life as the brief asks (FIELDREG_BENCH_CUT_SECONDS) and, so
// that cuts really happen within the transfer, every 10 s. The time taken is
// compared with the line-rate bound: the bytes a cut-free transfer of the same
// data needs (measured first, on a sped-up link) ÷ the bandwidth. Resent bytes
// are reported apart, never counted in the bound. The cut runs go in real time
// (about half a minute each); FIELDREG_BENCH_TIMESCALE=N runs them N times
// faster, but then HQ's and the device's own work counts N times too.
func BenchmarkSatelliteLink(b *testing.B) {
	n := envInt("FIELDREG_BENCH_HOUSEHOLDS", 1000)
	scale := float64(envInt("FIELDREG_BENCH_TIMESCALE", 1))
	cuts := []time.Duration{time.Duration(envInt("FIELDREG_BENCH_CUT_SECONDS", 60)) * time.Second, 10 * time.Second}
	if os.Getenv("FIELDREG_BENCH_ONLY_10S") != "" {
		cuts = cuts[1:]
	}
	ref := satelliteRun(b, n, 50, 0)
	bound := float64(ref.up) / satelliteBandwidth
	for _, cutEvery := range cuts {
		b.Run(fmt.Sprintf("cut-every-%s", cutEvery), func(b *testing.B) {
			for b.Loop() {
				r := satelliteRun(b, n, scale, cutEvery)
				b.ReportMetric(r.simulated, "sim-s")
				b.ReportMetric(bound, "bound-s")
				b.ReportMetric(r.simulated/bound, "x-bound")
				b.ReportMetric(float64(r.cuts), "cuts")
				b.ReportMetric(float64(r.falseStalls), "false-stalls")
				b.ReportMetric(float64(r.up-ref.up), "resent-B")
				b.ReportMetric(float64(r.body)/float64(n), "body-B/household")
			}
		})
	}
}

const satelliteBandwidth = 64000 / 8 // bytes per second

type satelliteResult struct {
	simulated float64 // seconds of link time the sync took
	up        int64   // bytes from device to HQ, TLS included
	body      int64   // sync bodies the client sent
	cuts      int64
	// falseStalls counts retries for a stall the link never had.
	falseStalls int
}

// satelliteRun registers n households on a new device and syncs them to a
// new HQ through the simulated link, checking nothing was lost or doubled.
func satelliteRun(b *testing.B, n int, scale float64, cutEvery time.Duration) satelliteResult {
	ctx := context.Background()
	s := newHQ(b, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	serveOn(b, s, ln)
	link, err := linksim.Start(linksim.Config{Target: ln.Addr().String(), Bandwidth: satelliteBandwidth,
		Latency: 300 * time.Millisecond, CutEvery: cutEvery, Seed: 1, TimeScale: scale})
	if err != nil {
		b.Fatal(err)
	}
	defer link.Close()
	w := newDevice(b, "enumerator", nil)
	code, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "bench", Sites: []string{hq.AllSites}, Addr: link.Addr()})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := client.Enroll(ctx, w, code.String()); err != nil {
		b.Fatal(err)
	}
	registerRealistic(b, w, n)
	cfg := client.Config{Workspace: w}
	if scale != 1 {
		// Sped up: the link's time is not the client's, so a fixed wait in
		// link time stands in for the client's own backoff.
		cfg.Backoff = func(int) time.Duration { return time.Duration(float64(time.Second) / scale) }
	}
	c, err := client.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	before := link.Stats()
	start := time.Now()
	// The link never stalls here: a retry for a stall is the watchdog
	// mistaking a slow link for a dead one.
	status := make(chan client.Status, 64)
	falseStalls := make(chan int)
	go func() {
		n := 0
		for st := range status {
			if st.Phase == client.Waiting && errors.Is(st.Err, client.ErrStalled) {
				n++
			}
		}
		falseStalls <- n
	}()
	sum, err := c.Sync(ctx, status)
	close(status)
	stalls := <-falseStalls
	if err != nil {
		b.Fatal(err)
	}
	simulated := time.Since(start).Seconds() * scale
	st := link.Stats()
	if got := s.Workspace().LastLogSeq(); got != uint64(7*n) {
		b.Fatalf("HQ holds %d changes, want %d: lost or duplicated", got, 7*n)
	}
	if p, _ := client.Pending(w); p != 0 {
		b.Fatalf("%d changes still pending", p)
	}
	return satelliteResult{simulated: simulated, up: st.Up - before.Up, body: sum.BytesSent, cuts: st.Cuts - before.Cuts, falseStalls: stalls}
}

// BenchmarkHQIngest100Devices has 100 devices, each with 20 households of 6
// waiting, sync with one HQ at the same time (in-process transport: HQ's
// work, not TLS's; the devices' own work runs on the same 2 cores), and
// reports the changes HQ stored per second; then one more device, enrolled
// for every site, pulls the whole log by cursor (pulled/s). It runs with
// HQ's store in its bbolt file and in PostgreSQL, one after the other.
func BenchmarkHQIngest100Devices(b *testing.B) {
	b.Run("bbolt", benchHQIngest)
	b.Run("postgres", func(b *testing.B) {
		pgtest.Need(b, cluster)
		defer onPostgres.On(b)()
		benchHQIngest(b)
	})
}

func benchHQIngest(b *testing.B) {
	devices := envInt("FIELDREG_BENCH_DEVICES", 100)
	per := envInt("FIELDREG_BENCH_DEVICE_HOUSEHOLDS", 20)
	for range b.N {
		b.StopTimer()
		setup := time.Now()
		s := newHQ(b, nil, nil)
		sites := make([]string, devices)
		for i := range devices {
			sites[i] = fmt.Sprintf("site-%d", i)
		}
		publishSites(b, s, sites...)
		ws := make([]*store.Workspace, devices)
		trs := make([]client.Transport, devices)
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range devices {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w, err := store.Create(b.TempDir(), "enumerator", testPass, store.Options{KDF: cheapKDF})
				if err != nil {
					b.Error(err)
					return
				}
				b.Cleanup(func() { w.Close() })
				// A site of its own: the devices push, and pull nothing of
				// each other's, so this measures HQ taking changes in.
				site := fmt.Sprintf("site-%d", i)
				enr := enrollInProcess(b, s, w, fmt.Sprintf("device-%d", i), site)
				var edits []store.Edit
				for j := range per {
					edits = append(edits, realisticHousehold(i*per+j)...)
				}
				for _, e := range edits {
					if e.Kind == registry.KindHousehold {
						e.Set[registry.FieldSite] = site // HQ takes writes only at the device's own sites
					}
				}
				if _, err := w.Commit(edits...); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				ws[i], trs[i] = w, inProcess(s, enr.Device)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if b.Failed() {
			return
		}
		b.Logf("setup of %d devices: %v", devices, time.Since(setup))
		b.StartTimer()
		start := time.Now()
		errs := make(chan error, devices)
		for i := range devices {
			go func() {
				c, err := client.New(client.Config{Workspace: ws[i], Transport: trs[i], MaxBatch: 256 << 10})
				if err == nil {
					_, err = c.Sync(context.Background(), nil)
				}
				errs <- err
			}()
		}
		for range devices {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		elapsed := time.Since(start)
		b.StopTimer()
		total := s.Workspace().LastLogSeq()
		if total != uint64(devices*per*7) {
			b.Fatalf("HQ holds %d changes, want %d", total, devices*per*7)
		}
		st, _ := s.Stats()
		b.ReportMetric(float64(total)/elapsed.Seconds(), "changes/s")
		b.ReportMetric(float64(st.Batches), "commits")
		b.ReportMetric(float64(st.Syncs), "syncs")
		b.ReportMetric(float64(st.Refused), "refused")

		// A supervisor's tablet for every site pulls everything: HQ reads
		// its log by cursor and checks each change against the scope.
		reader := newDevice(b, "supervisor", nil)
		tr := inProcess(s, enrollInProcess(b, s, reader, "supervisor", sites...).Device)
		b.StartTimer()
		start = time.Now()
		c, err := client.New(client.Config{Workspace: reader, Transport: tr})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := c.Sync(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		elapsed = time.Since(start)
		b.StopTimer()
		if sum.Received != int(total) {
			b.Fatalf("the reader received %d changes, want %d", sum.Received, total)
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "pulled/s")
	}
}
