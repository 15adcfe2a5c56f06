// Command fieldreg is the field app: register displaced households offline,
// in an encrypted workspace, and sync with HQ when a link appears.
package main

import (
	"os"
	"path/filepath"

	fyneapp "fyne.io/fyne/v2/app"

	"fieldreg/app"
)

func main() {
	a := fyneapp.NewWithID("org.fieldreg.app")
	// The app's own storage is the one place Android lets us write; on a
	// desktop it is under the user's config directory. FIELDREG_WORKSPACE
	// points elsewhere (make demo).
	dir := os.Getenv("FIELDREG_WORKSPACE")
	if dir == "" {
		dir = filepath.Join(a.Storage().RootURI().Path(), "workspace")
	}
	app.New(a, app.Config{Dir: dir}).ShowAndRun()
}
