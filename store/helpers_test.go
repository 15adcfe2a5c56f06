package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// cheapKDF keeps tests fast; production uses DefaultKDF.
var cheapKDF = InsecureTestKDF(KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})

func testOptions() Options {
	return Options{KDF: cheapKDF, Validate: testValidate, Timeout: 200 * time.Millisecond}
}

var testPass = []byte("correct horse battery staple")

// testValidate is a small stand-in for the registry's form validation.
func testValidate(r registry.Record) error {
	switch r.Kind {
	case registry.KindPerson:
		if r.Value("given_name") == "" {
			return errors.New("given_name: required")
		}
		if s := r.Value("sex"); s != "" && s != "female" && s != "male" && s != "other" && s != "unknown" {
			return fmt.Errorf("sex: %q is not one of the choices", s)
		}
	case registry.KindHousehold:
		if r.Value("site") == "" {
			return errors.New("site: required")
		}
	}
	return nil
}

// newTestWorkspace creates a workspace in a temp dir and, on cleanup, checks
// that it verifies and closes.
func newTestWorkspace(t testing.TB) *Workspace {
	t.Helper()
	w, err := Create(t.TempDir(), "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.db != nil {
			if rep, err := w.Verify(); err != nil {
				t.Errorf("verify on cleanup: %v (%v)", err, rep.Problems)
			}
		}
		w.Close()
	})
	return w
}

// household returns the edits registering a household with n members.
func household(site string, names ...string) (uuid.UUID, []Edit) {
	h := registry.NewID()
	edits := []Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": site, "phone": "+000"}}}
	for _, n := range names {
		edits = append(edits, Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "given_name": n, "family_name": "Testfamily", "sex": "female",
		}})
	}
	return h, edits
}

func parseID(s string) (uuid.UUID, error) { return uuid.Parse(s) }
