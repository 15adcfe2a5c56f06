package match_test

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry/match"
)

func ExampleCompare() {
	onRecord := match.Person{
		ID: uuid.New(), Household: uuid.New(),
		GivenName: "Mohammed", FamilyName: "Al-Hassan", Sex: "male", BirthDate: "1985-03-04",
		Site: "camp-a",
	}
	typed := match.Person{
		ID: uuid.New(), Household: uuid.New(),
		GivenName: "محمد", FamilyName: "الحسن", Sex: "male", BirthDate: "1985-03-04",
		Site: "camp-b",
	}
	m := match.Compare(onRecord, typed, match.DefaultConfig())
	fmt.Println(m.Level, m.Score)
	for _, r := range m.Reasons {
		fmt.Printf("%+.1f %s\n", r.Weight, r.Text)
	}
	// Output:
	// likely 10.5
	// +3.5 given name spelled differently
	// +3.0 family name spelled differently
	// -1.0 common given name
	// -0.5 common family name
	// +5.0 same birth date
	// +0.5 same sex
}
