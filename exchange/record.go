package exchange

import (
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// placeholder is the stamp of values in records made from exchange data for
// validation: any non-zero stamp would do, none of them is ever stored.
var placeholder = change.Stamp{HLC: 1}

// recordOf makes a record of kind from doc, with a fresh id when doc has none.
func recordOf(kind string, doc Doc) registry.Record {
	id, err := uuid.Parse(doc.ID)
	if err != nil || id == uuid.Nil {
		id = registry.NewID()
	}
	r := registry.Record{ID: id, Kind: kind, Fields: make(map[string]change.Field, len(doc.Fields))}
	for name, v := range doc.Fields {
		setValue(r.Fields, name, v)
	}
	return r
}

func setValue(fields map[string]change.Field, name, value string) {
	fields[name] = change.Field{Versions: []change.Version{{Value: value, Stamp: placeholder}}}
}

// applyDefaults fills the fields a form gives a default (a household's
// status starts "active") and the input left empty: imports and
// registrations start records as the app's form screen does.
func applyDefaults(forms *registry.Forms, kind string, fields map[string]string) {
	f, ok := forms.Form(kind)
	if !ok {
		return
	}
	for _, d := range f.Fields {
		if d.Default != "" && fields[d.Name] == "" {
			fields[d.Name] = d.Default
		}
	}
}
