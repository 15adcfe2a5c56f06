// Command fieldreg-demo creates a demo workspace full of synthetic
// households and prints how to unlock it. `make demo` runs it, then opens
// the field app on the workspace.
package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strings"
	"time"

	"fieldreg/internal/demo"
	"fieldreg/registry"
	"fieldreg/store"
)

// words make a passphrase that is easy to type on a tablet.
var words = []string{
	"river", "camel", "lamp", "orange", "window", "garden", "bridge", "cloud", "pepper", "stone",
	"market", "blanket", "kettle", "ladder", "mango", "pencil", "rocket", "saddle", "tiger", "violin",
}

func main() {
	dir := flag.String("workspace", "", "directory of the demo workspace (required; wiped first if it holds one)")
	n := flag.Int("households", 3000, "households to generate")
	seed := flag.Int64("seed", 1, "generator seed")
	flag.Parse()
	if err := run(*dir, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "fieldreg-demo:", err)
		os.Exit(1)
	}
}

func run(dir string, n int, seed int64) error {
	if dir == "" {
		return fmt.Errorf("--workspace is required")
	}
	if store.Exists(dir) {
		if _, err := store.Wipe(dir); err != nil {
			return fmt.Errorf("wipe the previous demo workspace: %w", err)
		}
	}
	forms, err := registry.BuiltinForms()
	if err != nil {
		return err
	}
	pass, err := passphrase(4)
	if err != nil {
		return err
	}
	ws, err := store.Create(dir, "demo", []byte(pass), store.Options{Validate: forms.Validator(time.Now)})
	if err != nil {
		return fmt.Errorf("create demo workspace: %w", err)
	}
	defer ws.Close()
	start := time.Now()
	persons, err := demo.Seed(ws, forms, seed, n)
	if err != nil {
		return err
	}
	fmt.Printf("Demo workspace %s: %d households, %d persons (%v).\n", dir, n, persons, time.Since(start).Round(time.Millisecond))
	fmt.Printf("Unlock with user name: demo\n           passphrase: %s\n", pass)
	return ws.Close()
}

func passphrase(k int) (string, error) {
	var out []string
	for range k {
		i, err := rand.Int(rand.Reader, big.NewInt(int64(len(words))))
		if err != nil {
			return "", err
		}
		out = append(out, words[i.Int64()])
	}
	return strings.Join(out, " "), nil
}
