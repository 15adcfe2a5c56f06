package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// errDuplicateKey is what checkDuplicateKeys reports: encoding/json keeps
// the last of two equal keys without a word, so {"site":"camp_north",
// "site":"camp_south"} would store camp_south and nobody would know.
var errDuplicateKey = errors.New("duplicate key")

// objectShape says which keys of an input object are objects checked in turn.
type objectShape int

const (
	shapeHousehold objectShape = iota // "fields", "members", "assessments"
	shapeDoc                          // a member or assessment: "fields"
	shapeFields                       // field name → value; no deeper check
)

// checkDuplicateKeys refuses a key given twice in a household, member or
// assessment object or in one of their "fields" objects, naming the key and
// where it is. Input that is not well-formed JSON passes: strictUnmarshal
// refuses it with the decoder's own words.
func checkDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	switch tok {
	case json.Delim('{'):
		return onlyDuplicates(walkObject(dec, "household 0", shapeHousehold))
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
				return nil
			}
			if err := walkObject(dec, "household "+strconv.Itoa(i), shapeHousehold); err != nil {
				return onlyDuplicates(err)
			}
		}
	}
	return nil
}

func onlyDuplicates(err error) error {
	if errors.Is(err, errDuplicateKey) {
		return err
	}
	return nil
}

// walkObject reads the rest of an object whose '{' has been read. The keys
// of a household or record object are compared as encoding/json matches
// them to struct fields, ignoring case ("ID" is "id"); field names exactly,
// as the map keeps them.
func walkObject(dec *json.Decoder, where string, shape objectShape) error {
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		folded := key
		if shape != shapeFields {
			folded = strings.ToLower(strings.ToUpper(key))
		}
		if seen[folded] {
			return fmt.Errorf("%s: %w %q", where, errDuplicateKey, key)
		}
		seen[folded] = true
		switch {
		case shape != shapeFields && folded == "fields":
			err = walkChild(dec, where+": fields", shapeFields)
		case shape == shapeHousehold && folded == "members":
			err = walkArray(dec, where+": member ", shapeDoc)
		case shape == shapeHousehold && folded == "assessments":
			err = walkArray(dec, where+": assessment ", shapeDoc)
		default:
			err = skipValue(dec)
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// walkChild checks the next value when it is an object, and passes over it
// when it is not (strictUnmarshal says what is wrong with it).
func walkChild(dec *json.Decoder, where string, shape objectShape) error {
	raw, err := nextValue(dec)
	if err != nil || raw[0] != '{' {
		return err
	}
	inner := json.NewDecoder(bytes.NewReader(raw))
	if _, err := inner.Token(); err != nil {
		return err
	}
	return walkObject(inner, where, shape)
}

// walkArray checks each object of the array that is the next value, naming
// them prefix + index.
func walkArray(dec *json.Decoder, prefix string, shape objectShape) error {
	raw, err := nextValue(dec)
	if err != nil || raw[0] != '[' {
		return err
	}
	inner := json.NewDecoder(bytes.NewReader(raw))
	if _, err := inner.Token(); err != nil {
		return err
	}
	for i := 0; inner.More(); i++ {
		if err := walkChild(inner, prefix+strconv.Itoa(i), shape); err != nil {
			return err
		}
	}
	return nil
}

// nextValue reads the next value whole, never empty; Decode bounds how deep
// it nests.
func nextValue(dec *json.Decoder) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	return bytes.TrimLeft(raw, " \t\r\n"), nil
}

// skipValue reads the next value whole.
func skipValue(dec *json.Decoder) error {
	_, err := nextValue(dec)
	return err
}
