package store

import (
	"encoding/hex"
	"fmt"
	"slices"

	"fieldreg/store/kv"
)

// Meta and draft values are stored under a keyed hash of their name, with
// the name sealed inside the value: a name chosen by a caller might hold
// personal data, and bucket keys are not encrypted.

func (w *Workspace) putNamed(tx kv.Tx, st *txState, bucket, name string, value []byte) {
	w.put(tx, st, bucket, w.names.key16(bucket+"\x00"+name), encode(storedNamed{Name: name, Value: value}))
}

func (w *Workspace) getNamed(tx kv.Tx, bucket, name string) ([]byte, error) {
	key := w.names.key16(bucket + "\x00" + name)
	plain, err := w.get(tx, bucket, key)
	if err != nil {
		return nil, err
	}
	if plain == nil {
		return nil, ErrNotFound
	}
	var n storedNamed
	if err := decode(plain, &n); err != nil {
		return nil, fmt.Errorf("%s %x: %w", bucket, key, err)
	}
	if n.Name != name {
		return nil, fmt.Errorf("%s %x: name mismatch: %w", bucket, key, ErrCorrupt)
	}
	if n.Value == nil {
		n.Value = []byte{}
	}
	return n.Value, nil
}

// PutMeta stores a named value (a sync cursor, settings) durably.
func (w *Workspace) PutMeta(name string, value []byte) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		w.putNamed(tx, st, bucketMeta, name, value)
		w.noteContact(tx, st, name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("put meta %q: %w", name, err)
	}
	return nil
}

// Meta returns a named value, or ErrNotFound.
func (w *Workspace) Meta(name string) ([]byte, error) {
	return w.readNamed(bucketMeta, "meta", name)
}

func (w *Workspace) readNamed(bucket, what, name string) ([]byte, error) {
	if err := w.rlock(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var v []byte
	err := w.view(func(tx kv.Tx) error {
		var err error
		v, err = w.getNamed(tx, bucket, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", what, name, err)
	}
	return v, nil
}

// SaveDraft stores a half-done registration, encrypted and durable, so a
// flat battery loses nothing typed.
func (w *Workspace) SaveDraft(name string, data []byte) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		w.putNamed(tx, st, bucketDrafts, name, data)
		st.drafts[name] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("save draft %q: %w", name, err)
	}
	return nil
}

// Draft returns a saved draft, or ErrNotFound.
func (w *Workspace) Draft(name string) ([]byte, error) {
	return w.readNamed(bucketDrafts, "draft", name)
}

// DeleteDraft removes a draft; deleting a missing draft is not an error.
func (w *Workspace) DeleteDraft(name string) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		st.drafts[name] = false
		return tx.Bucket(bucketDrafts).Delete(w.names.key16(bucketDrafts + "\x00" + name))
	})
	if err != nil {
		return fmt.Errorf("delete draft %q: %w", name, err)
	}
	return nil
}

// Drafts lists the saved drafts' names, sorted.
func (w *Workspace) Drafts() []string {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	names := make([]string, 0, len(w.drafts))
	for n := range w.drafts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// KeyedDigest returns a digest of name under the workspace's naming key,
// 32 hex digits: the same name gives the same digest in this workspace, and
// the digest tells nothing of the name. An import keeps it on a household
// made from input that has no id (registry.FieldExternalKey), so that
// running the same input again finds what it stored the first time instead
// of making it twice.
func (w *Workspace) KeyedDigest(name string) (string, error) {
	if err := w.rlock(); err != nil {
		return "", err
	}
	defer w.mu.RUnlock()
	return hex.EncodeToString(w.digest.key16("input digest\x00" + name)), nil
}
