package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"fieldreg/registry"
)

// An age typed in place of a birth date is held to the person form's bound,
// as in every other way in, and the refusal is shown beside the birth date.
func TestRegisterRefusesAnAgeAboveTheForms(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	tests := []struct {
		age  string
		want string // the message beside the birth date; "" when accepted
	}{
		{"121", "age must be between 0 and 120 years"},
		{"-3", "age must be between 0 and 120 years"},
		{"120", ""},
	}
	for _, tt := range tests {
		u.fill(r.person, map[string]string{"relationship": "head", "given_name": "Amina", "family_name": "Yusuf", "sex": "female"})
		birth := u.input(r.person, registry.FieldBirthDate)
		birth.age.SetText("")
		test.Type(birth.age, tt.age)
		members := len(r.reg.Members)
		test.Tap(r.addMember)
		got := fieldErrors(r.person)[registry.FieldBirthDate]
		if got != tt.want {
			t.Errorf("age %s: beside the birth date %q, want %q", tt.age, got, tt.want)
		}
		if added := len(r.reg.Members) - members; (tt.want == "") != (added == 1) {
			t.Errorf("age %s: %d members added", tt.age, added)
		}
	}
}

// The household screen's edit keeps the household's one head: making the
// spouse head too is refused, beside the relationship, and nothing is
// stored.
func TestDetailEditKeepsOneHead(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead, testSpouse)
	u.showTab(tabFind)
	f := u.find
	u.wait()
	f.list.Select(0)
	d := f.detail
	if d == nil {
		t.Fatal("tapping a row did not open the household")
	}
	var spouse registry.Record
	for _, m := range d.members {
		if !registry.IsHead(m) {
			spouse = m
		}
	}
	test.Tap(d.editButtons[spouse.ID])
	u.fill(d.editing, map[string]string{registry.FieldRelationship: registry.RelationshipHead})
	test.Tap(d.saveEdit)
	u.wait()
	if msg := fieldErrors(d.editing)[registry.FieldRelationship]; msg == "" {
		t.Errorf("no message beside the relationship; errors %v, message %q", fieldErrors(d.editing), d.message.Text)
	}
	stored, err := u.ws.Get(spouse.ID)
	if err != nil {
		t.Fatal(err)
	}
	if registry.IsHead(stored) {
		t.Error("a second head was stored")
	}
}
