package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// smallDisk mounts a tmpfs of size bytes for the test (as root only; the
// test is skipped elsewhere) and returns its directory.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fillDisk writes a file that leaves about free bytes on dir's file system
// and returns its path.
func fillDisk(t *testing.T, dir string, free int64) string {
	t.Helper()
	out, err := exec.Command("df", "-B1", "--output=avail", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	var avail int64
	fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(out)), "Avail")), &avail)
	path := filepath.Join(dir, "filler")
	if err := os.WriteFile(path, make([]byte, avail-free), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportOnAFullDisk: the disk fills up in the middle of a long list.
// The error says how far the import got, that those households are saved,
// and what to do; once space is freed, the same import run again completes
// the list, and no household or person is there twice.
func TestImportOnAFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 2,000 households on a small tmpfs")
	}
	for _, keyed := range []bool{true, false} {
		t.Run(fmt.Sprintf("keyed=%v", keyed), func(t *testing.T) {
			disk := smallDisk(t, "32m")
			w := emptyWorkspace(t)
			w.dir = filepath.Join(disk, "ws")
			w.withEnv("FIELDREG_NEW_PASSPHRASE", adminPass).ok(append([]string{"init"}, cheapKDF...)...)
			const households = 2000
			var b strings.Builder
			b.WriteString("given_name,sex,birth_date,site,consent,relationship,household_key\n")
			for i := range households {
				key := ""
				if keyed {
					key = fmt.Sprintf("K%d", i)
				}
				fmt.Fprintf(&b, "P%d,female,1990-01-01,camp_north,true,head,%s\n", i, key)
				if keyed {
					fmt.Fprintf(&b, "C%d,male,2020-01-01,camp_north,,child,%s\n", i, key)
				}
			}
			list := writeFile(t, "list.csv", b.String())
			args := []string{"import", "--csv", list, "--mapping", writeFile(t, "mapping.json", `{"household_key": "household_id"}`)}
			filler := fillDisk(t, disk, 2<<20)

			res := w.run(args...)
			if res.code == 0 {
				t.Fatalf("the import fitted on the disk: make it fuller\n%s", res.stdout)
			}
			stored := w.count("household")
			t.Logf("%d households stored before the disk was full", stored)
			if stored == 0 || stored >= households {
				t.Fatalf("%d households stored before the disk was full; want some, not all", stored)
			}
			for _, want := range []string{
				"the disk is full after " + thousands(stored) + " households",
				"those " + thousands(stored) + " are saved",
				"free some space and run the same import again",
				"continue",
			} {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("the error lacks %q:\n%s", want, res.stderr)
				}
			}

			if err := os.Remove(filler); err != nil {
				t.Fatal(err)
			}
			out := w.ok(args...)
			if !strings.Contains(out, "already there, unchanged: "+thousands(stored)+" households") {
				t.Errorf("the second run does not find the %d households stored:\n%s", stored, out)
			}
			persons := households
			if keyed {
				persons *= 2
			}
			if got := w.count("household"); got != households {
				t.Errorf("%d households after the second run, want %d", got, households)
			}
			if got := w.count("person"); got != persons {
				t.Errorf("%d persons after the second run, want %d", got, persons)
			}
			w.ok("verify")
		})
	}
}
