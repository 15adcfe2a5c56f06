package exchange

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"
)

// A million-row beneficiary list streams through CSVReader in the memory of
// one household. Run with FIELDREG_SOAK=1 (about 20 s).
func TestCSVReaderStreamsAMillionRows(t *testing.T) {
	if os.Getenv("FIELDREG_SOAK") != "1" {
		t.Skip("set FIELDREG_SOAK=1 to stream a million rows")
	}
	const rows = 1_000_000
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		fmt.Fprintln(w, "household_id,site,given_name,family_name,sex,age,relationship")
		for i := range rows {
			rel := "child"
			if i%6 == 0 {
				rel = "head"
			}
			fmt.Fprintf(w, "K%d,camp_north,Name%d,Family%d,female,%d,%s\n", i/6, i, i/6, i%90, rel)
		}
		w.Flush()
		pw.Close()
	}()
	cr, err := NewCSVReader(pr, nil, forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	var calls, persons int
	var peak uint64
	cr.Progress = func(int) {
		calls++
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	for {
		h, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		persons += len(h.Members)
	}
	if persons != rows || len(cr.Errors()) > 0 {
		t.Fatalf("read %d persons with %d errors, want %d", persons, len(cr.Errors()), rows)
	}
	if calls < rows/progressEvery {
		t.Errorf("%d progress calls for %d rows", calls, rows)
	}
	if peak > 64<<20 {
		t.Errorf("heap in use reached %d MiB while streaming", peak>>20)
	}
	t.Logf("peak heap in use %d MiB", peak>>20)
}
