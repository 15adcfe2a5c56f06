package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store/kv"
)

// Forms travel as data (docs/design.md, FORMS): a published form version is
// its canonical JSON, kept sealed in the forms bucket under its publish
// sequence. The store does not read the JSON (registry.ParseForm does, in
// the binaries); it keeps the versions, in order, and holds them immutable:
// a ref+kind once stored never changes its body.
//
// Who may write them: an admin on the device (PutForms, fieldctl form
// import), or sync (ReceiveForms) with forms that came from HQ over the
// enrolled connection or in a bundle HQ signed. ReceiveForms, like
// ApplyRemote, has no role check: whoever syncs the device receives what HQ
// publishes; the trust is in where the forms came from, which the caller
// (sync/client) checked.

const bucketForms = "forms"

// lateBuckets were added after the database format was first written: a
// workspace made before them has none, so they are created by their first
// write and read as empty while absent (unlock does not require them).
var lateBuckets = []string{bucketForms}

// ErrFormChanged is a form version offered with a body other than the one
// stored under its ref and kind: versions are immutable, a changed form is a
// new version.
var ErrFormChanged = errors.New("a different form is already stored under this version")

// FormDoc is one stored form version: Ref is "id@version", Kind the kind it
// describes, Seq its position in this workspace's publish order (assigned by
// the store), JSON the form as registry.ParseForm reads it.
type FormDoc struct {
	Ref, Kind string
	Seq       uint64
	JSON      []byte
}

type storedForm struct {
	Ref  string `cbor:"1,keyasint"`
	Kind string `cbor:"2,keyasint"`
	JSON []byte `cbor:"3,keyasint"`
}

// MaxFormBytes caps one form's JSON: a real-sized form (300 questions,
// 5,000 choices in three languages) is a few MB at most.
const MaxFormBytes = 16 << 20

// PutForms stores form versions in the order given, each after the ones
// already held. Admins only. A ref+kind already held with the same bytes is
// skipped (importing a file twice is fine); one held with other bytes
// refuses the whole call with ErrFormChanged, nothing written. The act is
// audited, one entry per version stored.
func (w *Workspace) PutForms(docs []FormDoc) error {
	if !w.role.atLeast(RoleAdmin) {
		return fmt.Errorf("store forms: only an admin imports forms: %w", ErrForbidden)
	}
	return w.putForms(docs, nil, "form-import")
}

// ReceiveForms is PutForms for forms received from HQ (a sync response, a
// return bundle), for any role, with meta entries (the form cursor) written
// in the same transaction.
func (w *Workspace) ReceiveForms(docs []FormDoc, meta map[string][]byte) error {
	return w.putForms(docs, meta, "form-received")
}

func (w *Workspace) putForms(docs []FormDoc, meta map[string][]byte, action string) error {
	for _, d := range docs {
		if err := checkFormDoc(d); err != nil {
			return fmt.Errorf("store forms: %w", err)
		}
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	var loaded *registry.Forms
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		b := tx.Bucket(bucketForms)
		if b == nil { // a workspace made before forms were stored
			var err error
			if b, err = tx.CreateBucket(bucketForms); err != nil {
				return fmt.Errorf("forms bucket: %w", err)
			}
		}
		held, err := w.readForms(tx)
		if err != nil {
			return err
		}
		var next uint64
		if k, _ := b.Cursor().Last(); k != nil {
			next = binary.BigEndian.Uint64(k)
		}
		byRef := make(map[[2]string][]byte, len(held))
		for _, h := range held {
			byRef[[2]string{h.Ref, h.Kind}] = h.JSON
		}
		all := held
		for _, d := range docs {
			k := [2]string{d.Ref, d.Kind}
			if old, ok := byRef[k]; ok {
				if bytes.Equal(old, d.JSON) {
					continue
				}
				return fmt.Errorf("form %s (%s): %w", d.Ref, d.Kind, ErrFormChanged)
			}
			byRef[k] = d.JSON
			next++
			d.Seq = next
			all = append(all, d)
			w.put(tx, st, bucketForms, seqKey(next), encode(storedForm{Ref: d.Ref, Kind: d.Kind, JSON: d.JSON}))
			w.appendAudit(tx, st, action, uuid.Nil, d.Kind, nil, d.Ref)
		}
		if w.opts.Forms != nil {
			// What is stored must load: refused here, a bad form never
			// reaches the file.
			if loaded, err = w.opts.Forms.with(all); err != nil {
				return err
			}
		}
		for name, value := range meta {
			w.putNamed(tx, st, bucketMeta, name, value)
			w.noteContact(tx, st, name)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store forms: %w", err)
	}
	if loaded != nil {
		w.opts.Forms.cur.Store(loaded)
		w.opts.Forms.setErr(nil)
	}
	return nil
}

// reloadForms brings Options.Forms up to the stored versions, at unlock.
// Unlock goes on whatever it finds: a form that does not read leaves the
// set as it was (FormSet.Err says why), never the workspace closed to
// everything else.
func (w *Workspace) reloadForms() {
	if w.opts.Forms == nil {
		return
	}
	var docs []FormDoc
	err := w.view(func(tx kv.Tx) error {
		var err error
		docs, err = w.readForms(tx)
		return err
	})
	var forms *registry.Forms
	if err == nil {
		forms, err = w.opts.Forms.with(docs)
	}
	if err == nil {
		w.opts.Forms.cur.Store(forms)
	}
	w.opts.Forms.setErr(err)
}

func checkFormDoc(d FormDoc) error {
	switch {
	case d.Ref == "" || d.Kind == "":
		return fmt.Errorf("form %q of kind %q: ref and kind are required", d.Ref, d.Kind)
	case len(d.JSON) == 0:
		return fmt.Errorf("form %s (%s): empty", d.Ref, d.Kind)
	case len(d.JSON) > MaxFormBytes:
		return fmt.Errorf("form %s (%s): %d bytes, limit %d: %w", d.Ref, d.Kind, len(d.JSON), MaxFormBytes, ErrRecordTooLarge)
	}
	return nil
}

// FormDocs returns the stored form versions in publish order. A value that
// does not open is ErrCorrupt naming its key: a form is not something to
// use half-read.
func (w *Workspace) FormDocs() ([]FormDoc, error) {
	if err := w.rlock(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var docs []FormDoc
	err := w.view(func(tx kv.Tx) error {
		var err error
		docs, err = w.readForms(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read forms: %w", err)
	}
	return docs, nil
}

// readForms reads the forms bucket; a workspace made before forms were
// stored has none yet.
func (w *Workspace) readForms(tx kv.Tx) ([]FormDoc, error) {
	b := tx.Bucket(bucketForms)
	if b == nil {
		return nil, nil
	}
	var docs []FormDoc
	err := b.ForEach(func(k, v []byte) error {
		if len(k) != 8 {
			return fmt.Errorf("forms: key %x: %w", k, ErrCorrupt)
		}
		var s storedForm
		if err := w.openValue(bucketForms, k, v, &s, fmt.Sprintf("form %d", binary.BigEndian.Uint64(k))); err != nil {
			return err
		}
		docs = append(docs, FormDoc{Ref: s.Ref, Kind: s.Kind, Seq: binary.BigEndian.Uint64(k), JSON: s.JSON})
		return nil
	})
	return docs, err
}
