package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestImportForeignLayout imports another agency's list, in French with its
// own columns, through a mapping: bad rows are reported by line and field,
// good households are imported.
func TestImportForeignLayout(t *testing.T) {
	w := newWorkspace(t)
	list := strings.Join([]string{
		"Nom;Prénom;Sexe;Age;Ménage;Lien;Site;Consentement;Remarques",
		"Ouedraogo;Aminata;female;38;M-001;head;camp_north;oui;",
		"Ouedraogo;Issa;male;9;M-001;child;camp_north;oui;vu le 3 mars",
		"Sawadogo;Rasmata;female;quarante;M-002;head;camp_north;oui;",
		"Kaboré;Paul;robot;40;M-003;head;camp_south;oui;",
		"Traoré;Awa;female;25;M-004;head;camp_south;oui;",
		"Traoré;;female;3;M-004;child;camp_south;oui;",
		"Traoré;Moussa;male;1;M-004;child;camp_south;oui;",
		"",
		"Ouedraogo;Mariam;female;2;M-001;child;camp_north;oui;rejoint plus tard",
	}, "\n") + "\n"
	mapping := `{"Nom": "family_name", "Prénom": "given_name", "Sexe": "sex", "Age": "age", "Ménage": "household_id",
		"Lien": "relationship", "Site": "site", "Consentement": "consent", "Remarques": "-"}`
	res := w.run("import", "--csv", writeFile(t, "liste.csv", list), "--mapping", writeFile(t, "mapping.json", mapping))
	if res.code != exitFailure {
		t.Fatalf("import with bad rows: exit %d, want 1\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"line 4: age", "line 5: sex", "line 7: given_name"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	for _, value := range []string{"quarante", "robot"} {
		if strings.Contains(res.stderr, value) {
			t.Errorf("stderr quotes the refused value %q:\n%s", value, res.stderr)
		}
	}
	// M-001 is whole, its late row included; M-004 lost only its bad row.
	if !strings.Contains(res.stdout, "imported 5 persons in 2 households; 3 rows refused") {
		t.Errorf("summary: %q", res.stdout)
	}
	households := lines(w.ok("list", "--kind", "household", "--names"))
	if len(households) != 2 || !strings.Contains(households[0], "3 members") || !strings.Contains(households[0], "Aminata Ouedraogo") {
		t.Errorf("households:\n%s", strings.Join(households, "\n"))
	}
	if hits := lines(w.ok("search", "Aminata Ouedraogo")); len(hits) == 0 {
		t.Error("an imported person is not found by name")
	}
	if n := w.count("person"); n != 5 {
		t.Errorf("%d persons stored, want 5", n)
	}
}

// TestImportLines: problems are reported at the line the user sees in an
// editor, through an HXL row, a cell spanning two lines and blank lines; the
// same person twice is refused at the second line; and none of it quotes a
// value.
func TestImportLines(t *testing.T) {
	w := newWorkspace(t)
	const id = "0190c8a4-0000-7000-8000-0000000000a1"
	list := strings.Join([]string{
		// The last column has no name, so it is skipped: a newline is not
		// allowed in a name (registry's value rule), but the cell still
		// spans two lines of the file.
		"person_id,given_name,sex,birth_date,site,consent,relationship,", // 1
		"#meta+id+ind,,#indicator+sex,#date+birth,#loc+name,,,",          // 2
		id + ",Amina,female,1990-01-01,camp_north,true,head,\"Mina",      // 3
		"Aminata\"", // 4
		"",          // 5
		",,,,,,,",   // 6
		",Idriss,male,Zqx1990-99-99,camp_north,true,head,",             // 7
		id + ",Zqxamina again,female,1990-01-01,camp_north,true,head,", // 8
		",Halime,Zqxsex,1990-01-01,camp_north,true,head,",              // 9
		",Achta,female,1961-01-01,camp_south,true,head,",               // 10
	}, "\n") + "\n"
	res := w.run("import", "--csv", writeFile(t, "list.csv", list))
	if res.code != exitFailure {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"line 7: birth_date: bad value: not a date", "line 8: person_id: the same person as on line 3", "line 9: sex: not one of the choices"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if strings.Contains(strings.ToLower(res.stderr), "zqx") {
		t.Errorf("stderr quotes a refused value:\n%s", res.stderr)
	}
	if !strings.Contains(res.stdout, "imported 2 persons in 2 households; 3 rows refused") {
		t.Errorf("summary: %q", res.stdout)
	}
	if got := w.ok("show", id); !strings.Contains(got, "Amina") || strings.Contains(got, "again") {
		t.Errorf("the person's first row is not the one stored:\n%s", got)
	}
}

// A long list shows progress on stderr and keeps stdout for the summary.
func TestImportProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 6,000 rows")
	}
	w := newWorkspace(t)
	var b strings.Builder
	b.WriteString("given_name,sex,birth_date,site,consent,relationship\n")
	const rows = progressEvery + 1000 // the test clock stands still: progress by count
	for i := range rows {
		fmt.Fprintf(&b, "P%d,female,1990-01-01,camp_north,true,head\n", i)
	}
	res := w.run("import", "--csv", writeFile(t, "long.csv", b.String()))
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "read 6,000 rows") {
		t.Errorf("no final progress line:\n%s", res.stderr)
	}
	if !strings.Contains(res.stdout, "imported 6,000 persons in 6,000 households; 0 rows refused") {
		t.Errorf("summary: %q", res.stdout)
	}
}

// headList is a list of one-person households, one per line from line 2,
// with a bad birth date on the lines in bad.
func headList(rows int, bad ...int) string {
	var b strings.Builder
	b.WriteString("given_name,sex,birth_date,site,consent,relationship\n")
	for i := range rows {
		date := "1990-01-01"
		if slices.Contains(bad, i+2) {
			date = "Zqx"
		}
		fmt.Fprintf(&b, "P%d,female,%s,camp_north,true,head\n", i, date)
	}
	return b.String()
}

// Problems found while reading (a bad value) and while planning (a
// household with two heads) come out in the order of the lines, however far
// ahead the file is read.
func TestImportProblemsInLineOrder(t *testing.T) {
	w := newWorkspace(t)
	var b strings.Builder
	b.WriteString("given_name,sex,birth_date,site,consent,relationship,household_key\n")
	line := 1
	var want []int
	for i := range 3 * readAhead {
		switch {
		case i%7 == 3: // a value the reader refuses
			line++
			want = append(want, line)
			fmt.Fprintf(&b, "P%d,female,Zqx,camp_north,true,head,K%d\n", i, i)
		case i%11 == 5: // two heads: refused once the household is planned
			line += 2
			want = append(want, line-1)
			fmt.Fprintf(&b, "P%d,female,1990-01-01,camp_north,true,head,K%d\n", i, i)
			fmt.Fprintf(&b, "Q%d,male,1990-01-01,camp_north,true,head,K%d\n", i, i)
		default:
			line++
			fmt.Fprintf(&b, "P%d,female,1990-01-01,camp_north,true,head,K%d\n", i, i)
		}
	}
	mapping := `{"household_key": "household_id"}`
	res := w.run("import", "--csv", writeFile(t, "list.csv", b.String()), "--mapping", writeFile(t, "mapping.json", mapping))
	if res.code != exitFailure {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	var got []int
	for _, l := range lines(res.stderr) {
		var n int
		if _, err := fmt.Sscanf(l, "fieldctl: line %d:", &n); err == nil {
			got = append(got, n)
		} else if _, err := fmt.Sscanf(l, "fieldctl: lines %d,", &n); err == nil {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems at lines %v, want %v\nstderr:\n%s", got, want, res.stderr)
	}
}

// stopAtFirstProblem is a stderr that presses Ctrl-C when the first problem
// is printed.
type stopAtFirstProblem struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (s *stopAtFirstProblem) Write(p []byte) (int, error) {
	s.cancel()
	return s.Buffer.Write(p)
}

// Ctrl-C in the middle of a list stops at a household boundary even though
// the file was read ahead: what was handled up to the line it names is
// stored, nothing after it is stored or reported.
func TestImportInterruptedMidway(t *testing.T) {
	w := newWorkspace(t)
	csvPath := writeFile(t, "list.csv", headList(4*readAhead, 40, 3*readAhead))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout bytes.Buffer
	stderr := &stopAtFirstProblem{cancel: cancel}
	vars := map[string]string{"FIELDREG_WORKSPACE": w.dir, "HOME": w.home}
	for k, v := range w.env {
		vars[k] = v
	}
	e := &env{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: stderr,
		getenv:    func(k string) string { return vars[k] },
		now:       time.Now,
		interrupt: func() (context.Context, context.CancelFunc) { return ctx, cancel },
	}
	if code := run(e, []string{"import", "--csv", csvPath}); code != exitFailure {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
	}
	var last int
	for _, l := range lines(stderr.String()) {
		if _, err := fmt.Sscanf(l, "fieldctl: interrupted: the rows up to line %d", &last); err == nil {
			break
		}
	}
	if last < 40 || last >= 3*readAhead {
		t.Fatalf("stopped after line %d, want from 40 on, before the second problem\nstderr: %s", last, stderr.String())
	}
	if strings.Contains(stderr.String(), fmt.Sprintf("line %d:", 3*readAhead)) {
		t.Errorf("a problem after the stop is reported:\n%s", stderr.String())
	}
	// Lines 2 to last, but for the refused line 40.
	if n := w.count("person"); n != last-2 {
		t.Errorf("%d persons stored after stopping at line %d, want %d", n, last, last-2)
	}
	if n := strings.Count(stdout.String(), fmt.Sprintf("imported %d persons", last-2)); n != 1 {
		t.Errorf("stdout: %q, want %d persons imported", stdout.String(), last-2)
	}
	if out := w.ok("verify"); !strings.Contains(out, "ok") {
		t.Errorf("verify after an interrupted import: %s", out)
	}
	// Run again, the list is imported whole, what went in the first time once.
	res := w.fails(exitFailure, []string{"2 rows refused"}, "import", "--csv", csvPath)
	all := 4*readAhead - 2
	if n := w.count("person"); n != all {
		t.Errorf("%d persons after the list again, want %d", n, all)
	}
	want := fmt.Sprintf("new: %d households, %d persons; already there, unchanged: %d households, %d persons", all-(last-2), all-(last-2), last-2, last-2)
	if !strings.Contains(res.stdout, want) {
		t.Errorf("the list again after the interruption: %q, want %q", res.stdout, want)
	}
}
