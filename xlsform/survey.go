package xlsform

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"fieldreg/registry"
)

// building is one form as the survey sheet gives it: the top-level
// questions, or one repeat's.
type building struct {
	kind     string
	repeat   string // the repeat's name; "" for the top level
	title    registry.Labels
	fields   []registry.FieldDef
	rows     []int // the survey row of each field, for errors
	sections map[string]registry.Labels
}

// group is a begin group or begin repeat not yet ended.
type group struct {
	name     string
	row      int
	repeat   *building // the form a repeat opened; nil for a group
	relevant string
}

// exprCell is an expression to check once every name is known: a
// question may refer to one further down.
type exprCell struct {
	r   row
	col int
	src string
}

// memberRepeats are the repeat names that are the household's members:
// in a registration extension, that repeat is the person form.
var memberRepeats = map[string]bool{"members": true, "member": true, "person": true, "persons": true}

// metadataTypes are ODK's automatic questions about the interview. They
// are accepted and not kept: every change Fieldreg stores already records
// who wrote it, on which device and when.
var metadataTypes = map[string]bool{"start": true, "end": true, "today": true, "deviceid": true, "username": true}

var simpleTypes = map[string]registry.FieldType{
	"text": registry.TypeText, "string": registry.TypeText,
	"integer": registry.TypeInteger, "int": registry.TypeInteger,
	"decimal": registry.TypeDecimal, "date": registry.TypeDate,
	"geopoint": registry.TypeGeopoint, "note": registry.TypeNote,
	"calculate": registry.TypeCalculate,
	// acknowledge stores "OK" in ODK; here it is a boolean, "true" once
	// acknowledged, so that exports and rules read it like any yes/no.
	"acknowledge": registry.TypeBoolean,
}

// questionColumns are the survey columns a question may fill in.
var questionColumns = map[string]bool{
	"type": true, "name": true, "label": true, "hint": true, "required": true,
	"required_message": true, "constraint": true, "constraint_message": true,
	"relevant": true, "calculation": true, "choice_filter": true, "default": true,
	"read_only": true, "appearance": true, "hxl": true, "parameters": true,
}

// groupColumns are those a begin group may fill in.
var groupColumns = map[string]bool{"type": true, "name": true, "label": true, "relevant": true, "appearance": true}

// readSurvey walks the survey sheet. core are the names an expression may
// read besides the survey's own: a registration extension's core fields.
func (w *workbook) readSurvey(core map[string]bool) ([]*building, error) {
	t := w.survey
	typeCol, nameCol := t.index("type"), t.index("name")
	if typeCol < 0 || nameCol < 0 {
		return nil, fmt.Errorf("%w: the survey sheet needs type and name columns", ErrBadForm)
	}
	top := &building{kind: w.id, title: w.title}
	forms := []*building{top}
	var stack []*group
	names := map[string]int{} // every question, group and repeat name → its row
	var exprs []exprCell
	current := func() *building {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].repeat != nil {
				return stack[i].repeat
			}
		}
		return top
	}
	// Within the current form: the innermost group is the section, and
	// every enclosing group's relevant applies too.
	context := func() (section string, relevant []string) {
		for i := len(stack) - 1; i >= 0 && stack[i].repeat == nil; i-- {
			if section == "" {
				section = stack[i].name
			}
			if stack[i].relevant != "" {
				relevant = append([]string{stack[i].relevant}, relevant...)
			}
		}
		return section, relevant
	}
	for _, r := range t.rows {
		typ, name := r.cells[typeCol], r.cells[nameCol]
		if typ == "" {
			if name != "" || !blank(r) {
				return nil, fmt.Errorf("%w: %s: a row with no type", ErrBadForm, t.where(r, typeCol))
			}
			continue
		}
		word, list, extra := parseType(typ)
		switch word {
		case "end_group", "end_repeat":
			wantRepeat := word == "end_repeat"
			if len(stack) == 0 || (stack[len(stack)-1].repeat != nil) != wantRepeat {
				return nil, fmt.Errorf("%w: %s: %q with nothing of its kind open", ErrBadForm, t.where(r, typeCol), typ)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if name == "" {
			return nil, fmt.Errorf("%w: %s: a %s needs a name", ErrBadForm, t.where(r, nameCol), word)
		}
		if !validName(name) {
			return nil, fmt.Errorf("%w: %s: name %q must be lower-case letters, digits and _, not starting with _", ErrBadForm, t.where(r, nameCol), name)
		}
		if first, dup := names[name]; dup {
			return nil, fmt.Errorf("%w: %s: name %q already used on row %d", ErrBadForm, t.where(r, nameCol), name, first)
		}
		if metadataTypes[word] {
			names[name] = -r.num // not kept: an expression may not read it
			continue
		}
		names[name] = r.num
		switch word {
		case "begin_group", "begin_repeat":
			g, b, err := w.beginGroup(r, word == "begin_repeat", name, current() != top)
			if err != nil {
				return nil, err
			}
			if rel := t.value(r, "relevant"); rel != "" {
				exprs = append(exprs, exprCell{r, t.index("relevant"), rel})
			}
			if b != nil {
				forms = append(forms, b)
			} else {
				cur := current()
				if cur.sections == nil {
					cur.sections = map[string]registry.Labels{}
				}
				if l := w.labels(t, r, "label"); l != nil {
					cur.sections[name] = l
				}
			}
			stack = append(stack, g)
			continue
		}
		d, err := w.question(r, word, list, extra, name)
		if err != nil {
			return nil, err
		}
		for _, e := range []struct{ base, src string }{
			{"relevant", d.Relevant}, {"constraint", d.Constraint}, {"calculation", d.Calculation}, {"choice_filter", d.ChoiceFilter},
		} {
			if e.src != "" {
				exprs = append(exprs, exprCell{r, t.index(e.base), e.src})
			}
		}
		section, relevant := context()
		d.Section = section
		if d.Relevant != "" {
			relevant = append(relevant, d.Relevant)
		}
		d.Relevant = joinAnd(relevant)
		cur := current()
		cur.fields = append(cur.fields, d)
		cur.rows = append(cur.rows, r.num)
	}
	if len(stack) > 0 {
		g := stack[len(stack)-1]
		return nil, fmt.Errorf("%w: survey row %d: %q is never ended", ErrBadForm, g.row, g.name)
	}
	for name := range core {
		if _, ok := names[name]; !ok {
			names[name] = 1 << 30 // a core field: no row of the survey
		}
	}
	for _, e := range exprs {
		if err := checkExpr(t, e, names); err != nil {
			return nil, err
		}
	}
	return forms, nil
}

// beginGroup reads a begin group or begin repeat row. A repeat opens a
// form of its own; repeats inside repeats are not supported.
func (w *workbook) beginGroup(r row, repeat bool, name string, inRepeat bool) (*group, *building, error) {
	t := w.survey
	allowed := groupColumns
	for i, c := range t.cols {
		if r.cells[i] == "" || informative(c) || allowed[c.base] && c.rest == "" && (c.lang == "" || c.base == "label") {
			continue
		}
		what := "group"
		if repeat {
			what = "repeat"
		}
		return nil, nil, fmt.Errorf("%w: %s: not supported on a %s", ErrUnsupported, t.where(r, i), what)
	}
	if err := checkAppearance(t.value(r, "appearance")); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrUnsupported, t.where(r, t.index("appearance")), err)
	}
	g := &group{name: name, row: r.num, relevant: t.value(r, "relevant")}
	if !repeat {
		return g, nil, nil
	}
	if inRepeat {
		return nil, nil, fmt.Errorf("%w: survey row %d: a repeat inside a repeat", ErrUnsupported, r.num)
	}
	if g.relevant != "" {
		return nil, nil, fmt.Errorf("%w: %s: a relevant on a repeat", ErrUnsupported, t.where(r, t.index("relevant")))
	}
	kind := w.id + "_" + name
	if w.id == registry.KindHousehold && memberRepeats[name] {
		kind = registry.KindPerson
	}
	if !validName(kind) {
		return nil, nil, fmt.Errorf("%w: survey row %d: repeat %q: its form's kind %q is too long", ErrBadForm, r.num, name, kind)
	}
	title := w.labels(t, r, "label")
	if title == nil {
		title = w.fill(registry.Labels{w.defaultLang: name})
	}
	g.repeat = &building{kind: kind, repeat: name, title: title}
	return g, g.repeat, nil
}

// question reads one question row.
func (w *workbook) question(r row, word, list string, extra []string, name string) (registry.FieldDef, error) {
	t := w.survey
	at := func(base string) string { return t.value(r, base) }
	where := func(base string) string {
		if i := t.index(base); i >= 0 {
			return t.where(r, i)
		}
		return t.where(r, t.index("type"))
	}
	for i, c := range t.cols {
		if r.cells[i] == "" || informative(c) || questionColumns[c.base] && c.rest == "" && (c.lang == "" || translatable[c.base]) {
			continue
		}
		return registry.FieldDef{}, fmt.Errorf("%w: %s", ErrUnsupported, t.where(r, i))
	}
	d := registry.FieldDef{Name: name}
	var l *choiceList
	switch {
	case word == "select_one" || word == "select_multiple":
		d.Type = registry.FieldType(word)
		if len(extra) > 0 {
			return d, fmt.Errorf("%w: %s: %q after the list name (or_other)", ErrUnsupported, where("type"), strings.Join(extra, " "))
		}
		if list == "" {
			return d, fmt.Errorf("%w: %s: %s needs a list name", ErrBadForm, where("type"), word)
		}
		l = w.lists[list]
		if l == nil {
			return d, fmt.Errorf("%w: %s: no list %q on the choices sheet", ErrBadForm, where("type"), list)
		}
		d.Choices, d.ListName = l.choices, l.name
	case simpleTypes[word] != "":
		d.Type = simpleTypes[word]
		if list != "" {
			return d, fmt.Errorf("%w: %s: %q after %s", ErrBadForm, where("type"), list, word)
		}
	default:
		return d, fmt.Errorf("%w: %s: question type %q", ErrUnsupported, where("type"), word)
	}
	d.Label = w.labels(t, r, "label")
	if d.Label == nil && d.Type != registry.TypeCalculate {
		return d, fmt.Errorf("%w: %s: a %s question needs a label", ErrBadForm, where("label"), word)
	}
	d.Hint = w.labels(t, r, "hint")
	d.RequiredMessage = w.labels(t, r, "required_message")
	d.ConstraintMessage = w.labels(t, r, "constraint_message")
	var ok bool
	if d.Required, ok = yesNo(at("required")); !ok {
		return d, fmt.Errorf("%w: %s: required only when %q (say yes or no)", ErrUnsupported, where("required"), at("required"))
	}
	if d.ReadOnly, ok = yesNo(at("read_only")); !ok {
		return d, fmt.Errorf("%w: %s: read only when %q (say yes or no)", ErrUnsupported, where("read_only"), at("read_only"))
	}
	d.Relevant, d.Constraint = at("relevant"), at("constraint")
	d.Calculation, d.ChoiceFilter = at("calculation"), at("choice_filter")
	if d.ChoiceFilter != "" {
		if l == nil {
			return d, fmt.Errorf("%w: %s: a choice_filter on a %s question", ErrBadForm, where("choice_filter"), word)
		}
		var err error
		if d.ChoiceFilter, err = rewriteChoiceFilter(d.ChoiceFilter, l); err != nil {
			return d, fmt.Errorf("%s: %w", where("choice_filter"), err)
		}
	}
	if len(d.ConstraintMessage) > 0 && d.Constraint == "" {
		return d, fmt.Errorf("%w: %s: a constraint message with no constraint", ErrBadForm, where("constraint_message"))
	}
	if d.Type == registry.TypeCalculate && d.Calculation == "" {
		return d, fmt.Errorf("%w: %s: a calculate needs a calculation", ErrBadForm, where("calculation"))
	}
	if d.Type == registry.TypeNote {
		for _, base := range []string{"required", "default", "constraint", "calculation"} {
			if v := at(base); v != "" && !(base == "required" && !d.Required) {
				return d, fmt.Errorf("%w: %s: a note stores nothing", ErrBadForm, where(base))
			}
		}
	}
	if err := w.setDefault(&d, at("default")); err != nil {
		return d, fmt.Errorf("%s: %w", where("default"), err)
	}
	d.Appearance = strings.Join(strings.Fields(at("appearance")), " ")
	if err := checkAppearance(d.Appearance); err != nil {
		return d, fmt.Errorf("%w: %s: %w", ErrUnsupported, where("appearance"), err)
	}
	d.Multiline = d.Type == registry.TypeText && hasToken(d.Appearance, "multiline")
	if h := at("hxl"); h != "" {
		tag, err := hxlTag(h)
		if err != nil {
			return d, fmt.Errorf("%w: %s: %w", ErrBadForm, where("hxl"), err)
		}
		d.HXL = tag
	}
	if err := checkParameters(d.Type, at("parameters")); err != nil {
		return d, fmt.Errorf("%w: %s: %w", ErrUnsupported, where("parameters"), err)
	}
	return d, nil
}

// setDefault checks a default is a value of the question's type: a
// computed default (today(), ${other}) is not supported. A date typed as a
// date in Excel arrives as its serial number.
func (w *workbook) setDefault(d *registry.FieldDef, v string) error {
	if v == "" {
		return nil
	}
	if strings.Contains(v, "${") || strings.Contains(v, "(") {
		return fmt.Errorf("%w: a computed default %q", ErrUnsupported, v)
	}
	if d.Type == registry.TypeDate {
		if serial, err := strconv.ParseFloat(v, 64); err == nil {
			if tm, err := excelize.ExcelDateToTime(serial, false); err == nil {
				v = tm.Format(registry.DateLayout)
			}
		}
	}
	canon, err := registry.CanonicalValue(d.Type, v)
	if err != nil {
		return fmt.Errorf("%w: default: %w", ErrBadForm, err)
	}
	if d.ListName != "" {
		for _, code := range strings.Fields(canon) {
			if _, ok := d.Choice(code); !ok {
				return fmt.Errorf("%w: default %q is not a choice of list %q", ErrBadForm, code, d.ListName)
			}
		}
	}
	d.Default = canon
	return nil
}

// parseType splits a type cell: "select_one site" is ("select_one",
// "site"); "begin group" is "begin_group"; "select one yes_no" is
// "select_one".
func parseType(s string) (word, list string, extra []string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return "", "", nil
	}
	word = strings.ToLower(f[0])
	f = f[1:]
	if (word == "begin" || word == "end" || word == "select") && len(f) > 0 {
		word += "_" + strings.ToLower(f[0])
		f = f[1:]
	}
	if len(f) > 0 {
		list, extra = f[0], f[1:]
	}
	return word, list, extra
}

// yesNo reads required and read_only: yes, true, TRUE(), 1, y and their
// opposites. Anything else is an expression, which is not supported there.
func yesNo(s string) (v, ok bool) {
	switch strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "()") {
	case "yes", "true", "1", "y":
		return true, true
	case "no", "false", "0", "n", "":
		return false, true
	}
	return false, false
}

// lookAppearances change how a question is shown, never what it stores:
// accepted and kept for the app, which shows what it can. Appearances that
// need what Fieldreg does not have (search() and pulldata's CSV files,
// another app, a printer, a map image) are refused.
var lookAppearances = map[string]bool{
	"minimal": true, "multiline": true, "numbers": true, "likert": true, "compact": true,
	"quick": true, "quickcompact": true, "field-list": true, "table-list": true, "label": true,
	"list": true, "list-nolabel": true, "horizontal": true, "horizontal-compact": true,
	"columns": true, "columns-pack": true, "no-buttons": true, "autocomplete": true,
	"no-calendar": true, "month-year": true, "year": true, "thousands-sep": true,
	"hidden-answer": true, "masked": true, "counter": true, "maps": true, "placement-map": true,
	"ethiopian": true, "coptic": true, "islamic": true, "bikram-sambat": true, "myanmar": true, "persian": true,
}

var sizedAppearance = regexp.MustCompile(`^(w[0-9]{1,2}|columns-[0-9]{1,2}|compact-[0-9]{1,2})$`)

func checkAppearance(a string) error {
	for _, tok := range strings.Fields(a) {
		if !lookAppearances[strings.ToLower(tok)] && !sizedAppearance.MatchString(strings.ToLower(tok)) {
			return fmt.Errorf("appearance %q", tok)
		}
	}
	return nil
}

func hasToken(s, tok string) bool {
	for _, t := range strings.Fields(s) {
		if strings.EqualFold(t, tok) {
			return true
		}
	}
	return false
}

// hxlTag checks an hxl cell is a hashtag with attributes and returns it in
// lower case without spaces: "#affected +f" is "#affected+f".
var hxlSyntax = regexp.MustCompile(`^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$`)

func hxlTag(s string) (string, error) {
	tag := strings.ToLower(strings.Join(strings.Fields(s), ""))
	if !hxlSyntax.MatchString(tag) {
		return "", fmt.Errorf("%q is not an HXL hashtag (#sector+attribute)", s)
	}
	return tag, nil
}

// checkParameters accepts only the parameters that change nothing stored:
// a geopoint's accuracy thresholds (the GPS button takes the fix the
// platform gives) and randomize=false.
func checkParameters(typ registry.FieldType, s string) error {
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(strings.ToLower(p), "=")
		switch {
		case typ == registry.TypeGeopoint && (k == "capture-accuracy" || k == "warning-accuracy" || k == "allow-mock-accuracy"):
		case k == "randomize" && v == "false":
		default:
			return fmt.Errorf("parameter %q", p)
		}
	}
	return nil
}

// checkExpr parses an expression and checks the ${names} it reads are
// questions of the workbook.
func checkExpr(t *table, e exprCell, names map[string]int) error {
	refs, err := exprRefs(e.src)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", exprErrorKind(err), t.where(e.r, e.col), err)
	}
	for _, ref := range refs {
		if strings.HasPrefix(ref, ChoiceColumn) {
			continue // a choice's column: rewriteChoiceFilter checked it
		}
		row, ok := names[ref]
		if ok && row > 0 {
			continue
		}
		if ok {
			return fmt.Errorf("%w: %s: ${%s} is interview metadata, which Fieldreg does not keep", ErrUnsupported, t.where(e.r, e.col), ref)
		}
		return fmt.Errorf("%w: %s: ${%s} is no question of this form", ErrBadForm, t.where(e.r, e.col), ref)
	}
	return nil
}

func joinAnd(exprs []string) string {
	if len(exprs) <= 1 {
		return strings.Join(exprs, "")
	}
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		parts[i] = "(" + e + ")"
	}
	return strings.Join(parts, " and ")
}

func blank(r row) bool {
	for _, c := range r.cells {
		if c != "" {
			return false
		}
	}
	return true
}
