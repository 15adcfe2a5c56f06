package registry_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

func ExampleForms_Validate() {
	forms, err := registry.BuiltinForms()
	if err != nil {
		panic(err)
	}
	person := registry.Record{
		ID:   uuid.MustParse("0190a5e3-0000-7000-8000-000000000001"),
		Kind: registry.KindPerson,
		Fields: map[string]change.Field{
			"household_id": {Versions: []change.Version{{Value: "0190a5e3-0000-7000-8000-000000000009", Stamp: change.Stamp{HLC: 1}}}},
			"relationship": {Versions: []change.Version{{Value: "head", Stamp: change.Stamp{HLC: 1}}}},
			"given_name":   {Versions: []change.Version{{Value: "Amina", Stamp: change.Stamp{HLC: 1}}}},
			"sex":          {Versions: []change.Version{{Value: "female", Stamp: change.Stamp{HLC: 1}}}},
			"birth_date":   {Versions: []change.Version{{Value: "2031-01-01", Stamp: change.Stamp{HLC: 1}}}},
		},
	}
	today := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	err = forms.Validate(person, today)
	fmt.Println(err)

	var ve *registry.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Errors[0].Message("fr"))
		fmt.Println(ve.Errors[0].Message("ar"))
	}
	// Output:
	// person 0190a5e3-0000-7000-8000-000000000001: birth_date: date is in the future
	// la date est dans le futur
	// التاريخ في المستقبل
}
