package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"fieldreg/registry"
	"fieldreg/store"
)

// registerDuplicates registers a family, then two households that repeat
// two of its members: Aminah Yousef, heading a household with a child, and
// Ibrahem Yousef, alone, who also gave a nationality.
func registerDuplicates(u *testUI) {
	u.registerHousehold(testHousehold, testHead, testSpouse)
	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_south"},
		map[string]string{"relationship": "head", "given_name": "Aminah", "family_name": "Yousef", "sex": "female", "birth_date": "1985-03-02"},
		map[string]string{"relationship": "child", "given_name": "Musa", "family_name": "Yousef", "sex": "male", "age": "4"})
	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_south"},
		map[string]string{"relationship": "head", "given_name": "Ibrahem", "family_name": "Yousef", "sex": "male", "birth_date": "1980-07-15", "nationality": "SDN"})
}

// person finds a stored person by given name.
func (u *testUI) person(given string) registry.Record {
	u.t.Helper()
	for _, id := range u.ws.IDs(registry.KindPerson) {
		rec, err := u.ws.Get(id)
		if err == nil && rec.Value("given_name") == given {
			return rec
		}
	}
	u.t.Fatalf("no person %q", given)
	return registry.Record{}
}

// card finds the pair on the review screen whose first person has this
// given name.
func (r *dupReview) card(t *testing.T, given string) *pairCard {
	t.Helper()
	for _, c := range r.cards {
		if c.keep.Value("given_name") == given || c.gone.Value("given_name") == given {
			return c
		}
	}
	t.Fatalf("no pair with %s on screen:\n%s", given, texts(r.content))
	return nil
}

func TestDuplicateReviewNotSameAndMerge(t *testing.T) {
	u := newTestUI(t)
	u.create()
	registerDuplicates(u)
	u.showTab(tabHome)
	u.home.refresh()
	u.wait()
	if got := u.home.duplicates.Text; got != "Possible duplicates to review: 2" {
		t.Fatalf("home shows %q", got)
	}

	test.Tap(u.home.reviewDups)
	u.wait()
	r := u.home.review
	if r == nil || u.home.content.Objects[0] != r.content {
		t.Fatal("the review screen is not shown")
	}
	shown := texts(r.content)
	for _, want := range []string{"Pairs to review: 2", "Amina Yusuf", "Aminah Yousef", "Ibrahim Yusuf", "Ibrahem Yousef",
		"Sex: Female", "Birth date: 1985-03-02", "Site: North camp", "Household: 2 people", "Household: 1 person",
		"same birth date", "Not the same person", "Merge", "Kept when merged"} {
		if !strings.Contains(shown, want) {
			t.Errorf("review does not show %q:\n%s", want, shown)
		}
	}

	// Both Aminas head a household with other members: no merge.
	amina := r.card(t, "Amina")
	if amina.keep.Value("given_name") != "Amina" {
		t.Errorf("the first registered should be kept, got %s first", amina.keep.Value("given_name"))
	}
	test.Tap(amina.merge)
	u.wait()
	if got := amina.message.Text; !strings.Contains(got, "Aminah Yousef heads a household with other members") {
		t.Errorf("refused merge says %q", got)
	}
	if u.person("Aminah").Deleted() {
		t.Fatal("a head of household with members was merged away")
	}

	test.Tap(amina.notSame)
	u.wait()
	aminaID, aminahID := u.person("Amina").ID, u.person("Aminah").ID
	if got := u.person("Amina").Value(registry.FieldNotDuplicate); got != aminahID.String() {
		t.Errorf("%s = %q, want Aminah's id", registry.FieldNotDuplicate, got)
	}
	shown = texts(r.content)
	if strings.Contains(shown, "Aminah Yousef") || !strings.Contains(shown, "Pairs to review: 1") {
		t.Errorf("the dismissed pair is still listed:\n%s", shown)
	}
	if !strings.Contains(shown, "Marked as different persons") {
		t.Errorf("no confirmation:\n%s", shown)
	}
	for _, m := range u.dups.Pairs() {
		if samePair(m, aminaID, aminahID) {
			t.Error("the matcher still pairs persons judged different")
		}
	}

	// Ibrahem, alone in his household, merges into Ibrahim.
	ibrahim := r.card(t, "Ibrahim")
	if ibrahim.keep.Value("given_name") != "Ibrahim" {
		t.Fatalf("kept %s", ibrahim.keep.Value("given_name"))
	}
	ibrahemID := u.person("Ibrahem").ID
	test.Tap(ibrahim.merge)
	u.wait()
	if msg := ibrahim.message.Text; ibrahim.message.Visible() && msg != "" {
		t.Fatalf("merge refused: %q", msg)
	}
	gone, err := u.ws.Get(ibrahemID)
	if err != nil {
		t.Fatal(err)
	}
	kept := u.person("Ibrahim")
	if !gone.Deleted() || gone.Value(registry.FieldMergedInto) != kept.ID.String() {
		t.Errorf("merged person: deleted %v, merged into %q", gone.Deleted(), gone.Value(registry.FieldMergedInto))
	}
	if kept.Value("nationality") != "SDN" {
		t.Error("the kept person did not gain the field only the other had")
	}
	if kept.Value("relationship") != "spouse" || kept.Value("family_name") != "Yusuf" {
		t.Errorf("the kept person's own answers changed: %v", kept.Values())
	}
	shown = texts(r.content)
	if strings.Contains(shown, "Ibrahem") || !strings.Contains(shown, "No possible duplicates left to review.") {
		t.Errorf("after the merge the review shows:\n%s", shown)
	}
	if n := len(u.dups.Pairs()); n != 0 {
		t.Errorf("%d pairs left after both decisions", n)
	}

	test.Tap(findButton(r.content, "Back to home"))
	if u.home.review != nil || u.home.duplicates.Text != "Possible duplicates to review: 0" {
		t.Errorf("back home: review open %v, %q", u.home.review != nil, u.home.duplicates.Text)
	}
}

func TestDuplicateReviewNotForEnumerators(t *testing.T) {
	u := newTestUI(t)
	u.create()
	registerDuplicates(u)
	if err := u.ws.AddUser("omar", store.RoleEnumerator, []byte("green tea in the morning")); err != nil {
		t.Fatal(err)
	}
	u.lock()
	u.unlockWith("omar", "green tea in the morning")
	if u.ws == nil {
		t.Fatal(u.unlock.message.Text)
	}
	u.home.refresh()
	u.wait()
	if u.home.reviewDups != nil || findButton(u.home.content, "Review") != nil {
		t.Error("an enumerator is offered the duplicate review")
	}
	if got := u.home.duplicates.Text; got != "Possible duplicates to review: 2" {
		t.Errorf("enumerator's home shows %q", got)
	}
	u.showTab(tabSettings)
	if !u.settings.syncLock.Disabled() {
		t.Error("an enumerator can change the days allowed without sync")
	}
}

// The review says it is counting until the pairs arrive, and lists them
// then; counting does not hold the screen.
func TestDuplicateReviewShowsCountingFirst(t *testing.T) {
	u := newTestUI(t)
	u.create()
	registerDuplicates(u)
	u.showTab(tabHome)
	h := u.home
	h.review = newDupReview(u.UI, h.closeReview)
	h.review.setPairs(nil)
	if got := h.review.status.Text; !strings.HasPrefix(got, "Counting possible duplicates…") || !h.review.reading.Visible() {
		t.Errorf("while counting: %q, progress shown %v", got, h.review.reading.Visible())
	}
	h.review.showProgress(40, 100)
	if h.review.reading.Value != 0.4 {
		t.Errorf("progress after reading 40 of 100 records: %v", h.review.reading.Value)
	}
	h.review.showProgress(100, 100)
	if h.review.reading.Visible() || !h.review.working.Visible() {
		t.Error("no endless bar while the records read are paired")
	}
	h.dupCounted = false
	h.countDuplicates()
	u.wait()
	if got := h.review.status.Text; got != "Pairs to review: 2. Check with the families before deciding." || h.review.working.Visible() || h.review.reading.Visible() {
		t.Errorf("after counting: %q, progress shown %v %v", got, h.review.working.Visible(), h.review.reading.Visible())
	}
	if len(h.review.cards) != 2 {
		t.Errorf("%d pairs on screen", len(h.review.cards))
	}
}
