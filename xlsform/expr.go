package xlsform

import (
	"errors"
	"fmt"
	"slices"

	"fieldreg/registry/xpath"
)

// exprRefs parses an expression of a relevant, constraint or calculation
// cell with package xpath and returns the ${names} it reads.
func exprRefs(src string) ([]string, error) {
	e, err := xpath.Parse(src)
	if err != nil {
		return nil, err
	}
	return e.Refs(), nil
}

// filterRefs parses a choice_filter, where a bare name (admin1 in
// `admin1=${admin1}`) is a column of the choice tested: each must be the
// choice's name or one of the list's columns on the choices sheet.
func filterRefs(src string, l *choiceList) ([]string, error) {
	e, err := xpath.ParseFilter(src)
	if err != nil {
		return nil, err
	}
	for _, col := range e.Columns() {
		if col != "name" && !slices.Contains(l.filters, col) {
			return nil, fmt.Errorf("%w: %q is no column of list %q on the choices sheet", ErrBadForm, col, l.name)
		}
	}
	return e.Refs(), nil
}

// exprErrorKind classes an expression's error: what xpath does not
// evaluate (pulldata, paths) is ErrUnsupported; anything else ErrBadForm.
func exprErrorKind(err error) error {
	if errors.Is(err, xpath.ErrUnsupported) || errors.Is(err, ErrUnsupported) {
		return ErrUnsupported
	}
	return ErrBadForm
}
