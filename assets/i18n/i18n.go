// Package i18n embeds the field app's interface strings: one JSON object per
// language (en.json, fr.json, es.json, ar.json) mapping a message key to its
// text. Form labels are not here: they come from the form schemas.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed *.json
var files embed.FS

// Load returns the messages of one language.
func Load(lang string) (map[string]string, error) {
	data, err := files.ReadFile(lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("load translations %q: %w", lang, err)
	}
	var msgs map[string]string
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, fmt.Errorf("parse translations %q: %w", lang, err)
	}
	return msgs, nil
}
