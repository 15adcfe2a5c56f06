package main

import (
	"flag"
	"fmt"
	"math"

	"fieldreg/store"
)

// kdfFlags are the Argon2id parameters of a new key slot, as typed. Cheaper
// ones let low-memory tablets and tests unlock faster; each slot keeps the
// parameters it was made with, so changing them later touches no other slot.
type kdfFlags struct {
	time, memoryMiB, threads uint
}

func addKDFFlags(fs *flag.FlagSet, k *kdfFlags) {
	d := store.DefaultKDF
	fs.UintVar(&k.time, "kdf-time", uint(d.Time), "Argon2id passes for the new passphrase")
	fs.UintVar(&k.memoryMiB, "kdf-memory", uint(d.MemoryKiB/1024), "Argon2id memory in `MiB` for the new passphrase")
	fs.UintVar(&k.threads, "kdf-threads", uint(d.Threads), "Argon2id parallelism for the new passphrase")
}

// The bounds keep a typo from making a workspace nobody can unlock on the
// device it is meant for.
const (
	maxKDFTime      = 100
	maxKDFMemoryMiB = 4096
)

// insecureKDFVar, set to 1, lets the flags go below store.MinKDF: the
// CLI tests run the binary and would otherwise spend seconds per unlock.
// It protects nobody's data to set it, and is documented as tests only.
const insecureKDFVar = "FIELDREG_INSECURE_TEST_KDF"

func (k kdfFlags) params(e *env) (store.KDFParams, error) {
	floorTime, floorMiB := uint(store.MinKDF.Time), uint(store.MinKDF.MemoryKiB/1024)
	insecure := e.getenv(insecureKDFVar) == "1"
	if insecure {
		floorTime, floorMiB = 1, 1
	}
	switch {
	case k.time < floorTime || k.time > maxKDFTime:
		return store.KDFParams{}, usagef("--kdf-time must be between %d and %d", floorTime, maxKDFTime)
	case k.memoryMiB < floorMiB || k.memoryMiB > maxKDFMemoryMiB:
		return store.KDFParams{}, usagef("--kdf-memory must be between %d and %d MiB (less makes the passphrases of a stolen tablet cheap to guess)", floorMiB, maxKDFMemoryMiB)
	case k.threads < 1 || k.threads > math.MaxUint8:
		return store.KDFParams{}, usagef("--kdf-threads must be between 1 and %d", math.MaxUint8)
	}
	p := store.KDFParams{Time: uint32(k.time), MemoryKiB: uint32(k.memoryMiB) * 1024, Threads: uint8(k.threads)}
	if insecure {
		p = store.InsecureTestKDF(p)
	}
	return p, nil
}

func (k kdfFlags) String() string {
	return fmt.Sprintf("t=%d, %d MiB, p=%d", k.time, k.memoryMiB, k.threads)
}
