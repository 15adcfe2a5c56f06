package pki_test

import (
	"fmt"
	"strings"

	"fieldreg/sync/pki"
)

func ExampleEnrollCode() {
	code := pki.EnrollCode{
		Addr:        "10.0.0.5:8443",
		Fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Token:       "K7QM3XRP",
	}
	s := code.String()
	// Someone types it in lower case without the dashes.
	typed := strings.ToLower(strings.ReplaceAll(s, "-", ""))
	back, err := pki.ParseEnrollCode(typed)
	fmt.Println(err, back == code)
	// Output: <nil> true
}
