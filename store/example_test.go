package store_test

import (
	"errors"
	"fmt"
	"os"

	"fieldreg/registry"
	"fieldreg/store"
)

func Example() {
	dir, _ := os.MkdirTemp("", "fieldreg-example-")
	defer os.RemoveAll(dir)
	// Tests and examples use a cheap KDF; leave Options.KDF zero in production.
	opts := store.Options{KDF: store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})}

	w, err := store.Create(dir, "admin", []byte("a long passphrase"), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := registry.NewID()
	_, err = w.Commit(
		store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-a"}},
		store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "given_name": "Zoë", "family_name": "Okafor"}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	hits := w.Search("zoe okafr", 5) // no diacritic, one letter missing
	fmt.Println(len(hits), hits[0].Kind, len(w.Members(h)))
	w.Close()

	_, err = store.Open(dir, "admin", []byte("wrong"), opts)
	fmt.Println(err != nil && errors.Is(err, store.ErrWrongPassphrase))
	// Output:
	// 1 person 1
	// true
}
