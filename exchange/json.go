package exchange

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/registry/formrun"
)

// Doc is one record in the JSON exchange shape. ID is empty for a record not
// yet registered.
type Doc struct {
	ID     string            `json:"id,omitempty"`
	Fields map[string]string `json:"fields"`
	// Version is the version token of an exported record (see Version):
	// what its values were when they were written out. Empty in input that
	// was not exported by us.
	Version string `json:"version,omitempty"`
	// Form is the ref ("id@version") of the form version an exported record
	// was last written under (registry.Record.Form). An import reads it
	// back but writes under the form it validates against: it says where
	// the values came from, not how to check them.
	Form string `json:"form,omitempty"`

	// Line is the CSV line the record was read from (a household: its first
	// line), so a record refused later can be reported where it was typed.
	// It is not part of the JSON.
	Line int `json:"-"`
}

// Household is a household with its members and assessments, as `fieldctl
// register` reads it and `export json` writes it:
//
//	{"id": "…", "fields": {"site": "…"}, "members": [{"id": "…", "fields": {…}}], "assessments": […]}
type Household struct {
	Doc
	Members     []Doc `json:"members"`
	Assessments []Doc `json:"assessments,omitempty"`

	// Key is the other agency's household key of a household read from CSV,
	// when it is not one of our ids. It is not part of the JSON.
	Key string `json:"-"`

	// Origin is the input's own text of a household that has neither id nor
	// key: its JSON object compacted, or its CSV row. Reading the same input
	// again gives the same Origin, so a re-run can recognise what it stored
	// before (registry.FieldExternalKey). It is not part of the JSON.
	Origin string `json:"-"`
}

// Limits on JSON input: beyond them DecodeHouseholds refuses the whole input
// rather than exhaust a tablet's memory.
const (
	MaxJSONBytes = 64 << 20
	MaxMembers   = 100
)

// ErrInput is wrapped by every error about the content of input: bad JSON,
// a field the form does not have, a value of the wrong type, a limit passed.
var ErrInput = errors.New("bad input")

// maxReported bounds how many field errors one decode reports: enough to fix
// a file in one go, not so many that the message is unreadable.
const maxReported = 20

// DecodeHouseholds reads one household object or an array of them, as
// DecodeHouseholdsAt with today's date.
func DecodeHouseholds(r io.Reader, forms *registry.Forms) ([]Household, error) {
	return DecodeHouseholdsAt(r, forms, time.Now())
}

// DecodeHouseholdsAt reads one household object or an array of them. Field
// values of any JSON type are canonicalized per the schema (7 → "7",
// true → "true", ["a","b"] → "a b"); a person's "age" in years becomes an
// estimated birth_date on now's date; fields the form gives a default and
// the input leaves empty get it (status "active"). Fields the forms do not have, system
// fields ("_…"), more than MaxMembers members or more than MaxJSONBytes of
// input are refused. Errors name the household's index in the input, the
// record and the field, and the rule broken, never a value. A member's household_id may be left out; when given
// it must be the household's id.
//
// It checks the shape and the types of values, not the forms' rules
// (required fields, choices, bounds): Household.Validate does that.
func DecodeHouseholdsAt(r io.Reader, forms *registry.Forms, now time.Time) ([]Household, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxJSONBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read households: %w", err)
	}
	if len(data) > MaxJSONBytes {
		return nil, fmt.Errorf("%w: more than %d MiB of JSON", ErrInput, MaxJSONBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := checkDuplicateKeys(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var raws []rawHousehold
	if len(trimmed) > 0 && trimmed[0] == '{' {
		raws = make([]rawHousehold, 1)
		err = strictUnmarshal(data, &raws[0])
	} else {
		err = strictUnmarshal(data, &raws)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, jsonProblem(err))
	}
	d := decoder{forms: forms, now: now, ids: make(map[string]string)}
	out := make([]Household, 0, len(raws))
	for i, raw := range raws {
		h := d.household(i, raw)
		if h.ID == "" {
			// Marshal sorts the fields and compacts the values: the same
			// household however the file is laid out.
			origin, err := json.Marshal(raw)
			if err != nil {
				return nil, fmt.Errorf("household %d: %w", i, err)
			}
			h.Origin = string(origin)
		}
		out = append(out, h)
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return out, nil
}

type rawDoc struct {
	ID      string                     `json:"id"`
	Fields  map[string]json.RawMessage `json:"fields"`
	Version string                     `json:"version,omitempty"`
	Form    string                     `json:"form,omitempty"`
}

type rawHousehold struct {
	rawDoc
	Members     []rawDoc `json:"members"`
	Assessments []rawDoc `json:"assessments"`
}

// jsonProblem words a JSON error without the value at fault: encoding/json
// puts the digits of a number where a string belongs into its message.
// Field names stay; they say where to look.
func jsonProblem(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		kind, _, _ := strings.Cut(typ.Value, " ") // "number 791148231" → "number"
		where := "the input"
		if typ.Field != "" {
			where = strconv.Quote(typ.Field)
		}
		return fmt.Errorf("a JSON %s where %s needs a %s (at byte %d)", kind, where, jsonKind(typ.Type.Kind()), typ.Offset)
	}
	return err
}

// jsonKind names a Go kind as JSON does.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return "number"
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// decoder collects the errors of one DecodeHouseholds call.
type decoder struct {
	forms *registry.Forms
	now   time.Time
	errs  []error
	ids   map[string]string // id → where it was first seen
}

func (d *decoder) fail(format string, args ...any) {
	switch {
	case len(d.errs) < maxReported:
		d.errs = append(d.errs, fmt.Errorf("%w: "+format, append([]any{ErrInput}, args...)...))
	case len(d.errs) == maxReported:
		d.errs = append(d.errs, fmt.Errorf("%w: more errors not shown", ErrInput))
	}
}

func (d *decoder) household(i int, raw rawHousehold) Household {
	where := "household " + strconv.Itoa(i)
	h := Household{Doc: d.doc(where, registry.KindHousehold, raw.rawDoc)}
	if len(raw.Members) > MaxMembers {
		d.fail("%s: %d members, more than %d", where, len(raw.Members), MaxMembers)
		return h
	}
	h.Members = make([]Doc, 0, len(raw.Members))
	for j, m := range raw.Members {
		mw := fmt.Sprintf("%s: member %d", where, j)
		doc := d.doc(mw, registry.KindPerson, m)
		d.checkHouseholdRef(mw, h.ID, doc)
		h.Members = append(h.Members, doc)
	}
	if len(raw.Assessments) > MaxMembers {
		d.fail("%s: %d assessments, more than %d", where, len(raw.Assessments), MaxMembers)
		return h
	}
	for j, a := range raw.Assessments {
		aw := fmt.Sprintf("%s: assessment %d", where, j)
		doc := d.doc(aw, registry.KindAssessment, a)
		d.checkHouseholdRef(aw, h.ID, doc)
		h.Assessments = append(h.Assessments, doc)
	}
	return h
}

func (d *decoder) checkHouseholdRef(where, householdID string, doc Doc) {
	if ref, ok := doc.Fields[registry.FieldHouseholdID]; ok && householdID != "" && ref != householdID {
		d.fail("%s: field \"household_id\": not the household's id", where)
	}
}

func (d *decoder) doc(where, kind string, raw rawDoc) Doc {
	doc := Doc{Fields: make(map[string]string, len(raw.Fields))}
	if raw.Version != "" {
		if err := checkVersion(raw.Version); err != nil {
			d.fail("%s: %v", where, err)
		}
		doc.Version = raw.Version
	}
	if raw.Form != "" {
		if err := checkFormRef(raw.Form); err != nil {
			d.fail("%s: form: %v", where, err)
		}
		doc.Form = raw.Form
	}
	if raw.ID != "" {
		id, err := uuid.Parse(raw.ID)
		if err != nil || id == uuid.Nil {
			d.fail("%s: id: not a record id (UUID)", where)
		} else {
			doc.ID = id.String()
			if first, dup := d.ids[doc.ID]; dup {
				d.fail("%s: id %s is also %s", where, doc.ID, first)
			}
			d.ids[doc.ID] = where
			where += " (" + doc.ID + ")"
		}
	}
	form, ok := d.forms.Form(kind)
	if !ok {
		d.fail("%s: no form for kind %q", where, kind)
		return doc
	}
	var age string
	for name, rawValue := range raw.Fields {
		var v any
		dec := json.NewDecoder(bytes.NewReader(rawValue))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			d.fail("%s: field %q: not a JSON value", where, name)
			continue
		}
		if kind == registry.KindPerson && name == registry.FieldAge {
			s, err := registry.CanonicalValue(registry.TypeInteger, v)
			if err != nil {
				d.fail("%s: field %q: %v", where, name, err)
			}
			age = s
			continue
		}
		def, ok := fieldDef(d.forms, kind, name) // any version's: an export holds them all
		if !ok {
			d.fail("%s: field %q: the %s form has no such field", where, name, kind)
			continue
		}
		s, err := registry.CanonicalValue(def.Type, v)
		if err != nil {
			d.fail("%s: field %q: %v", where, name, err)
			continue
		}
		if s != "" {
			doc.Fields[name] = s
		}
	}
	if age != "" && doc.Fields[registry.FieldBirthDate] == "" {
		if err := form.SetAge(doc.Fields, age, d.now); err != nil {
			d.fail("%s: field %q: %v", where, registry.FieldAge, err)
		}
	}
	applyDefaults(d.forms, kind, doc.Fields)
	return doc
}

// Validate checks every record of the household against its form, by the
// rules the app fills it in with (package formrun: relevance, constraints,
// required only when asked; a member's expressions read its household),
// and the household as a whole (exactly one head): a caller can refuse a
// file before writing any of it.
func (h Household) Validate(forms *registry.Forms, now time.Time) error {
	hh, members, assessments := h.Records()
	rules := formrun.NewValidator(forms)
	var errs []error
	if err := rules.Validate(hh, nil, now); err != nil {
		errs = append(errs, err)
	}
	for _, m := range members {
		if err := rules.Validate(m, &hh, now); err != nil {
			errs = append(errs, err)
		}
	}
	for _, a := range assessments {
		if err := rules.Validate(a, &hh, now); err != nil {
			errs = append(errs, err)
		}
	}
	if err := registry.ValidateHousehold(hh, members); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Records returns the household as records, for validation and display: ids
// are parsed (a fresh id for a record without one), members and assessments
// point at the household, and every value carries the same placeholder
// stamp. They are not changes: the store makes those when it registers.
func (h Household) Records() (household registry.Record, members, assessments []registry.Record) {
	household = recordOf(registry.KindHousehold, h.Doc)
	ref := household.ID.String()
	for _, m := range h.Members {
		members = append(members, withRef(recordOf(registry.KindPerson, m), ref))
	}
	for _, a := range h.Assessments {
		assessments = append(assessments, withRef(recordOf(registry.KindAssessment, a), ref))
	}
	return household, members, assessments
}

// EncodeJSON writes households as one JSON array.
func EncodeJSON(w io.Writer, hh []Household) error {
	jw := NewJSONWriter(w)
	for _, h := range hh {
		if err := jw.Write(h); err != nil {
			return err
		}
	}
	return jw.Close()
}

// JSONWriter writes a JSON array one household at a time, so an export of a
// whole workspace never holds it all in memory. One household per line keeps
// the file readable and diffable.
type JSONWriter struct {
	w     *bufio.Writer
	count int
	err   error
}

// NewJSONWriter starts an array on w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: bufio.NewWriter(w)} }

// Write appends one household.
func (jw *JSONWriter) Write(h Household) error {
	if jw.err != nil {
		return jw.err
	}
	if h.Fields == nil {
		h.Fields = map[string]string{}
	}
	if h.Members == nil {
		h.Members = []Doc{}
	}
	data, err := json.Marshal(h)
	if err != nil {
		jw.err = fmt.Errorf("encode household %s: %w", h.ID, err)
		return jw.err
	}
	sep := ",\n"
	if jw.count == 0 {
		sep = "[\n"
	}
	jw.count++
	jw.w.WriteString(sep)
	if _, err := jw.w.Write(data); err != nil {
		jw.err = fmt.Errorf("write JSON: %w", err)
	}
	return jw.err
}

// Close ends the array and flushes it. It does not close the underlying
// writer.
func (jw *JSONWriter) Close() error {
	if jw.err != nil {
		return jw.err
	}
	end := "\n]\n"
	if jw.count == 0 {
		end = "[]\n"
	}
	jw.w.WriteString(end)
	if err := jw.w.Flush(); err != nil {
		jw.err = fmt.Errorf("write JSON: %w", err)
		return jw.err
	}
	jw.err = errors.New("JSON writer closed")
	return nil
}

// FromRecords makes the exchange form of a household and its records.
// Deleted members and assessments are left out, and so are empty fields.
func FromRecords(household registry.Record, members, assessments []registry.Record) Household {
	h := Household{Doc: docOf(household), Members: make([]Doc, 0, len(members))}
	for _, m := range members {
		if !m.Deleted() {
			h.Members = append(h.Members, docOf(m))
		}
	}
	for _, a := range assessments {
		if !a.Deleted() {
			h.Assessments = append(h.Assessments, docOf(a))
		}
	}
	return h
}

// docOf leaves out the fields the system keeps ("_…"): no import takes them,
// and the version says what the values were.
func docOf(r registry.Record) Doc {
	doc := Doc{Fields: r.Values(), Version: VersionOf(r).String(), Form: r.Form}
	for name := range doc.Fields {
		if strings.HasPrefix(name, "_") {
			delete(doc.Fields, name)
		}
	}
	if r.ID != uuid.Nil {
		doc.ID = r.ID.String()
	}
	return doc
}

func withRef(r registry.Record, householdID string) registry.Record {
	if r.Value(registry.FieldHouseholdID) == "" {
		setValue(r.Fields, registry.FieldHouseholdID, householdID)
	}
	return r
}
