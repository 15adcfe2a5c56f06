package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"fieldreg/registry"
)

// After each member the next one's form suggests the relationship (head,
// spouse, then children) and the family name, and has the keyboard in the
// given name; a suggestion alone is not a member to save at Next.
func TestNextMemberSuggested(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	want := []string{"head", "spouse", "child", "child"}
	members := []map[string]string{testHead, testSpouse, testChild}
	for i, rel := range want {
		if got := u.input(r.person, "relationship").value(); got != rel {
			t.Errorf("member %d: relationship suggested %q, want %q", i+1, got, rel)
		}
		family := u.input(r.person, "family_name").value()
		if i > 0 && family != "Yusuf" {
			t.Errorf("member %d: family name %q, want the one before's", i+1, family)
		}
		if got := u.win.Canvas().Focused(); got != u.input(r.person, "given_name").entry {
			t.Errorf("member %d: the keyboard is in %T, not the given name", i+1, got)
		}
		if i == len(members) {
			break
		}
		u.fill(r.person, members[i])
		if a := members[i]["age"]; a != "" {
			test.Type(u.input(r.person, "birth_date").age, a)
		}
		test.Tap(r.addMember)
		if r.message.Text != "" {
			t.Fatalf("member %d refused: %q %v", i+1, r.message.Text, fieldErrors(r.person))
		}
	}
	test.Tap(r.next)
	if r.reg.Step != stepAssessment || len(r.reg.Members) != 3 {
		t.Fatalf("Next with only suggestions on the form: step %d, %d members, %q", r.reg.Step, len(r.reg.Members), r.message.Text)
	}
}

// A yes/no question tells "no" from "not asked".
func TestYesNoQuestion(t *testing.T) {
	u := newTestUI(t)
	u.create()
	v := u.register.assessment
	in := u.input(v, "water_enough")
	if in.radio == nil || len(in.radio.Options) != 2 {
		t.Fatalf("water_enough is not Yes/No: %+v", in)
	}
	if _, ok := v.values()["water_enough"]; ok {
		t.Error("an unanswered yes/no question has a value")
	}
	in.radio.SetSelected("No")
	if got := v.values()["water_enough"]; got != "false" {
		t.Errorf("No = %q, want false", got)
	}
	in.radio.SetSelected("Yes")
	if got := v.values()["water_enough"]; got != "true" {
		t.Errorf("Yes = %q, want true", got)
	}
	// Consent stays one box to tick.
	if u.input(u.register.household, registry.FieldConsent).check == nil {
		t.Error("consent is not a check box")
	}
}
