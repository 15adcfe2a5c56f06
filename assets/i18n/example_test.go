package i18n_test

import (
	"fmt"

	"fieldreg/assets/i18n"
)

// A package returns a code; the front end turns it into words.
func ExampleCatalogue_Lookup() {
	c := i18n.Builtin()
	fmt.Println(c.Lookup("fr", "rule.max", "7"))
	fmt.Println(c.Lookup("sw", "rule.max", "7")) // not spoken: English
	fmt.Println(c.Lookup("es", "sync_error.version"))
	// Output:
	// doit être au plus 7
	// must be at most 7
	// Esta aplicación y la sede usan versiones distintas. Actualice la aplicación.
}

// A command-line tool speaks its user's locale.
func ExampleCatalogue_LanguageFromEnv() {
	c := i18n.Builtin()
	env := map[string]string{"LANG": "fr_FR.UTF-8"}
	fmt.Println(c.LanguageFromEnv(func(k string) string { return env[k] }))
	env["LC_ALL"] = "C"
	fmt.Println(c.LanguageFromEnv(func(k string) string { return env[k] }))
	// Output:
	// fr
	// en
}
