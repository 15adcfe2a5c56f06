package store

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/internal/pgtest"

	"fieldreg/registry"
)

// The crash and lock tests re-run the test binary as a child process:
// bbolt's file lock is per process, and only a real process can be killed
// mid-write.
const childEnv = "FIELDREG_STORE_CHILD"

// PGCluster is the one PostgreSQL cluster of this package's tests on that
// engine (postgres_test.go).
var PGCluster *pgtest.Cluster

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "crash":
		crashChild(os.Getenv("FIELDREG_STORE_DIR"))
		os.Exit(0)
	case "open":
		openChild(os.Getenv("FIELDREG_STORE_DIR"))
		os.Exit(0)
	case "unlock":
		unlockChild(os.Getenv("FIELDREG_STORE_DIR"))
		os.Exit(0)
	case "migrate":
		migrateChild(os.Getenv("FIELDREG_STORE_DIR"))
		os.Exit(0)
	}
	code := pgtest.Main(m, &PGCluster)
	for _, dir := range fixtureCleanup {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func childCmd(t testing.TB, mode, dir string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "FIELDREG_STORE_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

// crashChild commits households until killed, printing each household's
// and members' ids once Commit has returned.
func crashChild(dir string) {
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		fmt.Println("error", err)
		return
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		h, edits := household(fmt.Sprintf("camp-%d", i), "Amina", "Yusuf", "Omar")
		if _, err := w.Commit(edits...); err != nil {
			fmt.Println("error", err)
			return
		}
		ids := []string{h.String()}
		for _, e := range edits[1:] {
			ids = append(ids, e.Record.String())
		}
		fmt.Printf("ack %s;\n", strings.Join(ids, " "))
	}
}

func openChild(dir string) {
	start := time.Now()
	w, err := Open(dir, "admin", testPass, testOptions())
	switch {
	case err == nil:
		w.Close()
		fmt.Println("opened")
	case errors.Is(err, ErrInUse):
		fmt.Printf("in-use %d\n", time.Since(start).Milliseconds())
	default:
		fmt.Println("error", err)
	}
}

// unlockChild opens a workspace in a fresh process and prints the resident
// memory, so the figure holds nothing but the unlocked workspace.
func unlockChild(dir string) {
	opts := testOptions()
	opts.Validate = nil
	w, err := Open(dir, "admin", testPass, opts)
	if err != nil {
		fmt.Println("error", err)
		return
	}
	runtime.GC()
	anon, file := rssMB()
	fmt.Printf("rss-anon %.1f rss-file %.1f heap %.1f\n", anon, file, memoryMB())
	w.Close()
}

func TestSecondOpenerGetsInUse(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	start := time.Now()
	out, err := childCmd(t, "open", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "in-use") {
		t.Fatalf("second opener: %q, want in-use", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second opener took %v", d)
	}
}

// TestCrash kills a committing child at random moments and checks that every
// household it acknowledged survives and the workspace verifies.
func TestCrash(t *testing.T) {
	cycles, perWorkspace := 200, 25
	if os.Getenv("FIELDREG_SOAK") == "1" {
		cycles = 2000
	}
	if testing.Short() {
		cycles = 20
	}
	deadline := time.Now().Add(90 * time.Second)
	var dir string
	total := 0
	for cycle := 0; cycle < cycles; cycle++ {
		if cycle%perWorkspace == 0 {
			dir = filepath.Join(t.TempDir(), "ws")
			w, err := Create(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			w.Close()
		}
		acked := runCrashChild(t, dir, time.Duration(rand.IntN(40))*time.Millisecond)
		total += len(acked)
		w, err := Open(dir, "admin", testPass, testOptions())
		if err != nil {
			t.Fatalf("cycle %d: open after kill: %v", cycle, err)
		}
		if rep, err := w.Verify(); err != nil {
			t.Fatalf("cycle %d: verify after kill: %v %v", cycle, err, rep.Problems)
		}
		for _, id := range acked {
			if _, err := w.Get(id); err != nil {
				t.Fatalf("cycle %d: acknowledged record %s: %v", cycle, id, err)
			}
		}
		w.Close()
		if time.Now().After(deadline) && os.Getenv("FIELDREG_SOAK") != "1" {
			t.Logf("stopping after %d cycles to stay within the time budget", cycle+1)
			break
		}
	}
	if total == 0 {
		t.Error("no commit was ever acknowledged: the kill came too early every time")
	}
	t.Logf("%d acknowledged records checked", total)
}

func runCrashChild(t *testing.T, dir string, after time.Duration) []uuid.UUID {
	t.Helper()
	cmd := childCmd(t, "crash", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		acked []uuid.UUID
		ready = make(chan struct{})
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		once := sync.OnceFunc(func() { close(ready) })
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "ready":
				once()
			case strings.HasPrefix(line, "ack ") && strings.HasSuffix(line, ";"):
				for _, s := range strings.Fields(strings.TrimSuffix(line[4:], ";")) {
					mu.Lock()
					acked = append(acked, uuid.MustParse(s))
					mu.Unlock()
				}
			default:
				t.Errorf("child: %s", line)
				once()
			}
		}
		once()
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("child never got ready")
	}
	time.Sleep(after)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	<-done
	return acked
}

func TestWipe(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "copy.db")
	b, _ := os.ReadFile(filepath.Join(dir, DBFile))
	os.WriteFile(saved, b, 0o600)

	took, err := w.Wipe()
	if err != nil {
		t.Fatal(err)
	}
	if took > time.Second {
		t.Errorf("wipe took %v", took)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after wipe: %v", entries)
	}
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrNoWorkspace) {
		t.Errorf("open after wipe: %v", err)
	}
	if _, err := w.Get(edits[0].Record); !errors.Is(err, ErrLocked) {
		t.Errorf("get after wipe: %v", err)
	}
	// The old database, given a key file with the same user and passphrase
	// (but, necessarily, another master key), yields nothing.
	w2, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	w2.Close()
	os.WriteFile(filepath.Join(dir, DBFile), b, 0o600)
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrKeyRotated) {
		t.Errorf("old database with a new key file: %v, want ErrCorrupt or ErrKeyRotated", err)
	}
	// Wipe without unlocking.
	if _, err := Wipe(dir); err != nil {
		t.Fatal(err)
	}
	if Exists(dir) {
		t.Error("workspace exists after Wipe(dir)")
	}
}

func TestSizeLimit(t *testing.T) {
	if defaultMaxSize(32) != 800<<20 {
		t.Errorf("32-bit default limit %d", defaultMaxSize(32))
	}
	opts := testOptions()
	opts.MaxSize = 512 << 10
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.SaveDraft("big", make([]byte, 32<<10)); err != nil {
		t.Fatal(err)
	}
	var stored []uuid.UUID
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("never hit the size limit")
		}
		h, edits := household("camp-a", "Amina", "Yusuf", "Omar", "Leila", "Sami")
		_, err := w.Commit(edits...)
		if errors.Is(err, ErrTooLarge) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, h)
	}
	if len(stored) < 10 {
		t.Errorf("only %d households fit in %d bytes", len(stored), opts.MaxSize)
	}
	if fs := w.FileSize(); fs > opts.MaxSize {
		t.Errorf("file is %d bytes, limit %d", fs, opts.MaxSize)
	}
	if w.Count(registry.KindHousehold) != len(stored) {
		t.Errorf("%d households indexed, %d stored", w.Count(registry.KindHousehold), len(stored))
	}
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify at the limit: %v %v", err, rep.Problems)
	}
	if err := w.DeleteDraft("big"); err != nil {
		t.Errorf("deleting a draft at the limit: %v", err)
	}
}
