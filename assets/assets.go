// Package assets holds the files Fieldreg embeds in its binaries: the
// built-in form schemas (forms/*.json) and the validation messages in every
// language (forms/messages.json). It has no code beyond the embedding, so any
// package may import it.
package assets

import "embed"

// Forms holds forms/*.json: one form schema per record kind, plus
// messages.json. registry.BuiltinForms parses them.
//
//go:embed forms/*.json
var Forms embed.FS
