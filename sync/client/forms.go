package client

import (
	"errors"
	"fmt"

	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// receiveForms stores the form versions HQ sent (in a sync answer or a
// return bundle) with the new form cursor, and returns how many there were
// and the ones refused. Forms come only from HQ: over the enrolled, mutual
// TLS connection, or in a bundle whose signature by HQ's CA was checked.
//
// A version this device already holds with another body (an admin imported
// a different file under the same id and version), or one this build cannot
// read (a newer HQ's), is refused and named, and the rest are stored: the
// versions a device holds never change under it, and one such form must not
// stop the sync of everything else. The cursor moves past it either way; HQ
// does not send it again.
func receiveForms(w Workspace, forms []wire.Form, after uint64) (int, []string, error) {
	if len(forms) == 0 {
		return 0, nil, nil
	}
	docs := make([]store.FormDoc, 0, len(forms))
	last := after
	for _, f := range forms {
		if f.Seq <= after {
			continue // an older answer, or an older bundle: held already
		}
		docs = append(docs, store.FormDoc{Ref: f.Ref, Kind: f.Kind, JSON: f.JSON})
		last = max(last, f.Seq)
	}
	if len(docs) == 0 {
		return 0, nil, nil
	}
	cursor := map[string][]byte{metaForms: u64(last)}
	err := w.ReceiveForms(docs, cursor)
	if err == nil {
		return len(docs), nil, nil
	}
	if !refusable(err) {
		return 0, nil, fmt.Errorf("store the forms HQ published: %w", err)
	}
	// One by one, to keep all but the changed ones.
	var refused []string
	n := 0
	for _, d := range docs {
		switch err := w.ReceiveForms([]store.FormDoc{d}, nil); {
		case refusable(err):
			refused = append(refused, fmt.Sprintf("%s (%s): %v", d.Ref, d.Kind, err))
		case err != nil:
			return n, refused, fmt.Errorf("store form %s (%s) HQ published: %w", d.Ref, d.Kind, err)
		default:
			n++
		}
	}
	if err := w.PutMeta(metaForms, u64(last)); err != nil {
		return n, refused, fmt.Errorf("store the form cursor: %w", err)
	}
	return n, refused, nil
}

// refusable says a form is refused for what it is, not for a failure of
// this device to store it.
func refusable(err error) bool {
	return errors.Is(err, store.ErrFormChanged) || errors.Is(err, registry.ErrBadForm)
}
