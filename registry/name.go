package registry

import "strings"

// DisplayName is how a screen names a person: the given and family names,
// either alone when only one is known.
func DisplayName(person Record) string {
	return joinNames(person.Value(FieldGivenName), person.Value(FieldFamilyName))
}

// FullName is how a list or a search hit names a person, where telling
// people apart matters more than room: the given, family and other names.
func FullName(person Record) string {
	return joinNames(person.Value(FieldGivenName), person.Value(FieldFamilyName), person.Value(FieldOtherNames))
}

func joinNames(names ...string) string {
	parts := names[:0:0]
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, " ")
}
