package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// inProcess runs fieldctl in this process with Ctrl-C already pressed.
func inProcess(w *testWorkspace, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	vars := map[string]string{"FIELDREG_WORKSPACE": w.dir, "HOME": w.home}
	for k, v := range w.env {
		vars[k] = v
	}
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		getenv: func(k string) string { return vars[k] },
		now:    time.Now,
		interrupt: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		},
	}
	code = run(e, args)
	return code, out.String(), errOut.String()
}

// TestInterrupted: Ctrl-C stops a bulk command cleanly: an import says how
// far it got, an export leaves no file behind.
func TestInterrupted(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	csvPath := filepath.Join(t.TempDir(), "persons.csv")
	w.ok("export", "--format", "csv", "--out", csvPath)

	out := filepath.Join(t.TempDir(), "again.csv")
	code, _, stderr := inProcess(w, "export", "--format", "csv", "--out", out)
	if code != exitFailure || !strings.Contains(stderr, "interrupted") {
		t.Errorf("interrupted export: exit %d, %q", code, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("an interrupted export left %v", entries)
	}

	w2 := newWorkspace(t)
	code, _, stderr = inProcess(w2, "import", "--csv", csvPath)
	if code != exitFailure || !strings.Contains(stderr, "interrupted") || !strings.Contains(stderr, "line") {
		t.Errorf("interrupted import: exit %d, %q", code, stderr)
	}
	if out := w2.ok("verify"); !strings.Contains(out, "ok") {
		t.Errorf("verify after an interrupted import: %s", out)
	}
}
