package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The binary is built once per test process, the first time a test runs
// fieldctl as a user would: a child process with its own environment and
// exit code. Built lazily rather than in TestMain so that fuzz workers, which
// run TestMain too and never need it, start at once.
var (
	binDir    string
	buildOnce sync.Once
	bin       string
	buildErr  error
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "fieldctl-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	return m.Run()
}

// fieldctlBin returns the path of the fieldctl binary built for the tests.
func fieldctlBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		bin = filepath.Join(binDir, "fieldctl")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build fieldctl: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// Cheap Argon2id for tests: the cost is a parameter, never a global switch.
var cheapKDF = []string{"--kdf-time", "1", "--kdf-memory", "1", "--kdf-threads", "1"}

const adminPass = "correct horse battery"

// result is what one run of fieldctl left behind.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// testWorkspace is a workspace directory and the environment fieldctl runs
// with in it.
type testWorkspace struct {
	t    *testing.T
	dir  string
	home string
	env  map[string]string
}

// newWorkspace initializes a workspace with an admin, using cheap key
// derivation.
func newWorkspace(t *testing.T) *testWorkspace {
	t.Helper()
	w := emptyWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", adminPass).ok(append([]string{"init"}, cheapKDF...)...)
	return w
}

// emptyWorkspace is a directory where no workspace exists yet.
func emptyWorkspace(t *testing.T) *testWorkspace {
	t.Helper()
	root := t.TempDir()
	return &testWorkspace{
		t:    t,
		dir:  filepath.Join(root, "ws"),
		home: filepath.Join(root, "home"),
		env:  map[string]string{"FIELDREG_PASSPHRASE": adminPass, insecureKDFVar: "1"},
	}
}

// withEnv returns a copy of w that runs fieldctl with one more variable set
// ("" to unset it).
func (w *testWorkspace) withEnv(name, value string) *testWorkspace {
	c := *w
	c.env = make(map[string]string, len(w.env)+1)
	for k, v := range w.env {
		c.env[k] = v
	}
	c.env[name] = value
	return &c
}

// as returns a copy of w that runs fieldctl as another user.
func (w *testWorkspace) as(user, pass string) *testWorkspace {
	return w.withEnv("FIELDREG_USER", user).withEnv("FIELDREG_PASSPHRASE", pass)
}

func (w *testWorkspace) run(args ...string) result {
	return w.runStdin("", args...)
}

func (w *testWorkspace) runStdin(stdin string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, fieldctlBin(w.t), args...)
	cmd.Env = []string{"HOME=" + w.home, "FIELDREG_WORKSPACE=" + w.dir}
	if p := os.Getenv("PATH"); p != "" {
		cmd.Env = append(cmd.Env, "PATH="+p)
	}
	for k, v := range w.env {
		if v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	if err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			w.t.Fatalf("fieldctl %s: %v", strings.Join(args, " "), err)
		}
		res.code = exit.ExitCode()
	}
	return res
}

// ok runs fieldctl and fails the test unless it succeeds; it returns stdout.
func (w *testWorkspace) ok(args ...string) string {
	w.t.Helper()
	res := w.run(args...)
	if res.code != 0 {
		w.t.Fatalf("fieldctl %s: exit %d\nstderr: %s", strings.Join(args, " "), res.code, res.stderr)
	}
	return res.stdout
}

// fails runs fieldctl, expects exit code want and one error line on stderr
// (after any per-record lines) holding every substring of wants.
func (w *testWorkspace) fails(want int, wants []string, args ...string) result {
	w.t.Helper()
	res := w.run(args...)
	checkFailure(w.t, res, want, wants, args)
	return res
}

func checkFailure(t *testing.T, res result, want int, wants []string, args []string) {
	t.Helper()
	if res.code != want {
		t.Fatalf("fieldctl %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.code, want, res.stdout, res.stderr)
	}
	if !strings.HasPrefix(res.stderr, "fieldctl: ") {
		t.Errorf("fieldctl %s: stderr does not start with \"fieldctl: \": %q", strings.Join(args, " "), res.stderr)
	}
	for _, s := range wants {
		if !strings.Contains(res.stderr, s) {
			t.Errorf("fieldctl %s: stderr lacks %q:\n%s", strings.Join(args, " "), s, res.stderr)
		}
	}
}

// lines splits output into its non-empty lines.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// count returns how many records of kind the workspace lists.
func (w *testWorkspace) count(kind string) int {
	w.t.Helper()
	return len(lines(w.ok("list", "--kind", kind)))
}

// fileHashes returns the SHA-256 of every file under dir.
func fileHashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := make(map[string][32]byte)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[path] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// writeFile writes a file in a test's temp directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
