// Package formfile reads the form files an operation brings (fieldctl form
// import, fieldreg-hq form publish): one place that knows the file kinds.
package formfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldreg/registry"
	"fieldreg/registry/formrun"
	"fieldreg/xlsform"
)

// MaxBytes bounds a form file read whole.
const MaxBytes = 32 << 20

// ErrUnknownKind is a file whose extension names no form file this build
// reads.
var ErrUnknownKind = errors.New("not a form file this build reads (.xlsx, .json)")

// Read reads the forms of one file, by its extension: .xlsx is an XLSForm
// (package xlsform: a registration extends the built-in household and
// person forms), .json is one form as registry.ParseForm reads it, or an
// array of them (the forms of one workbook: a household form with its
// member roster). Every form must also compile for filling in (formrun: no
// expression that reads itself in a loop). Errors name the file and, for
// an array, which form.
func Read(path string) ([]*registry.Form, error) {
	forms, err := read(path)
	if err != nil {
		return nil, err
	}
	for _, f := range forms {
		if _, err := formrun.New(f, "en", time.Now()); err != nil {
			return nil, fmt.Errorf("%s: form %s: %w", path, f.Ref(), err)
		}
	}
	return forms, nil
}

func read(path string) ([]*registry.Form, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx":
		data, err := readAll(path)
		if err != nil {
			return nil, err
		}
		forms, err := xlsform.Read(bytes.NewReader(data), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return forms, nil
	case ".json":
		data, err := readAll(path)
		if err != nil {
			return nil, err
		}
		forms, err := parseJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return forms, nil
	default:
		return nil, fmt.Errorf("%s: %w", path, ErrUnknownKind)
	}
}

func readAll(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%s: more than %d bytes: not a form", path, MaxBytes)
	}
	return data, nil
}

// parseJSON reads one form, or an array of forms.
func parseJSON(data []byte) ([]*registry.Form, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		f, err := registry.ParseForm(data)
		if err != nil {
			return nil, err
		}
		return []*registry.Form{f}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, fmt.Errorf("%w: %w", registry.ErrBadForm, err)
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("%w: an empty list of forms", registry.ErrBadForm)
	}
	forms := make([]*registry.Form, 0, len(raws))
	for i, raw := range raws {
		f, err := registry.ParseForm(raw)
		if err != nil {
			return nil, fmt.Errorf("form %d of %d: %w", i+1, len(raws), err)
		}
		forms = append(forms, f)
	}
	return forms, nil
}
