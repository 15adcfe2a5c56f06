package hq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// Forms are versioned data HQ publishes (docs/design.md, FORMS): an admin
// publishes a version (fieldreg-hq form publish), HQ stores it in its store
// under the next publish seq, and every device receives the versions
// published after its form cursor in its next sync, or in a return bundle.
// HQ's forms are the built-ins plus what it published, the last published
// of a kind its current form: what HQ validates pushed changes with, what
// exports read, and what enrollment and scope check sites against.

// FormInfo describes one form version HQ holds.
type FormInfo struct {
	Ref       string // id@version
	Kind      string
	Title     string // in English, else any language the form has
	Questions int    // its fields
	Seq       uint64 // publish seq at HQ; 0 for a built-in form
	Current   bool   // the kind's current form
}

// withForms gives a Config without Forms a set of its own, so that what HQ
// lists, exports and checks sites against follows what it publishes even
// when the caller validates with something else.
func (c Config) withForms() (Config, error) {
	if c.Forms == nil {
		base, err := registry.BuiltinForms()
		if err != nil {
			return c, err
		}
		c.Forms = store.NewFormSet(base)
	}
	return c, nil
}

// forms returns HQ's forms: the built-ins and what was published.
func (s *Server) forms() (*registry.Forms, error) { return s.cfg.Forms.Forms(), nil }

// published returns the form versions published at HQ, in publish order.
func (s *Server) published() []store.FormDoc {
	if p := s.formDocs.Load(); p != nil {
		return *p
	}
	return nil
}

// loadPublished reads the published forms from the store, at open and after
// a publish; a store that does not keep Config.Forms current itself (not a
// *store.Workspace given it in its options) gets it loaded here.
func (s *Server) loadPublished() error {
	docs, err := s.ws.FormDocs()
	if err != nil {
		return fmt.Errorf("published forms: %w", err)
	}
	if s.cfg.Forms != nil {
		if err := s.cfg.Forms.Load(docs); err != nil {
			return fmt.Errorf("published forms: %w", err)
		}
	}
	s.formDocs.Store(&docs)
	return nil
}

// PublishForms publishes form versions, each given as its JSON (what
// registry.ParseForm reads; the CLI converts an XLSForm first). They are
// checked here, whoever sent them: a form that does not parse, or names a
// version already held with other content (versions are immutable: a
// changed form is a new version), is refused with ErrInvalidRequest and
// nothing is published. A version already published as given is no error,
// and not published twice. Returns what HQ holds of each.
func (s *Server) PublishForms(ctx context.Context, docs [][]byte) ([]FormInfo, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("publish forms: %w: no form given", ErrInvalidRequest)
	}
	held, err := s.forms()
	if err != nil {
		return nil, fmt.Errorf("publish forms: %w", err)
	}
	var parsed []*registry.Form
	var put []store.FormDoc
	for i, data := range docs {
		f, err := registry.ParseForm(data)
		if err != nil {
			return nil, fmt.Errorf("publish forms: form %d of %d: %w: %w", i+1, len(docs), ErrInvalidRequest, err)
		}
		canon, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("publish forms: form %s (%s): %w", f.Ref(), f.Kind, err)
		}
		parsed = append(parsed, f)
		if old, ok := held.Version(f.Ref(), f.Kind); ok {
			same, err := json.Marshal(old)
			if err != nil || !bytes.Equal(same, canon) {
				return nil, fmt.Errorf("publish forms: %w: %s (%s) is already published with other content: give the changed form a new version", ErrInvalidRequest, f.Ref(), f.Kind)
			}
			continue
		}
		put = append(put, store.FormDoc{Ref: f.Ref(), Kind: f.Kind, JSON: canon})
	}
	if len(put) > 0 {
		if _, err := held.Add(formsOf(parsed, put)...); err != nil {
			return nil, fmt.Errorf("publish forms: %w: %w", ErrInvalidRequest, err)
		}
		// On the ingest goroutine, like every write: a sync answered at the
		// same time sees the forms before or after, never half.
		err = s.run(ctx, func(*state) error {
			if err := s.ws.PutForms(put); err != nil {
				if errors.Is(err, store.ErrFormChanged) || errors.Is(err, registry.ErrBadForm) {
					return fmt.Errorf("%w: %w", ErrInvalidRequest, err)
				}
				return err
			}
			return s.loadPublished()
		})
		if err != nil {
			return nil, fmt.Errorf("publish forms: %w", err)
		}
		refs := make([]string, len(put))
		for i, d := range put {
			refs[i] = d.Ref + " (" + d.Kind + ")"
		}
		if err := s.auditAdmin(ctx, "form publish", strings.Join(refs, ", ")); err != nil {
			return nil, err
		}
		s.releaseVersions(ctx)
	}
	all, err := s.Forms()
	if err != nil {
		return nil, err
	}
	var out []FormInfo
	for _, f := range parsed {
		i := slices.IndexFunc(all, func(fi FormInfo) bool { return fi.Ref == f.Ref() && fi.Kind == f.Kind })
		if i >= 0 {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// releaseVersions tries again the changes HQ held because they named a
// form version it did not hold (registry.ErrUnknownFormVersion), now that
// it holds more: those of a version just published are stored (each with
// its unit) unless that version refuses them, and the rest stay held. What
// it cannot release is logged; the publish stands either way. The held
// change does not say its version apart from the reason's text, so every
// such change is tried: a release checks it again whatever it says.
func (s *Server) releaseVersions(ctx context.Context) {
	held, err := s.Quarantine()
	if err != nil {
		s.logf("after publishing forms: list the quarantine: %v", err)
		return
	}
	units := map[uint64]bool{}
	for _, h := range held {
		unit := h.Unit
		if unit == 0 {
			unit = h.ID
		}
		if units[unit] || !strings.Contains(h.Reason, registry.ErrUnknownFormVersion.Error()) {
			continue
		}
		units[unit] = true
		if _, err := s.ReleaseQuarantine(ctx, h.ID); err != nil && !errors.Is(err, ErrStillRefused) {
			s.logf("after publishing forms: change %d stays held: %v", h.ID, err)
		}
	}
}

// formsOf picks, from parsed, the forms that put will publish.
func formsOf(parsed []*registry.Form, put []store.FormDoc) []*registry.Form {
	var out []*registry.Form
	for _, f := range parsed {
		if slices.ContainsFunc(put, func(d store.FormDoc) bool { return d.Ref == f.Ref() && d.Kind == f.Kind }) {
			out = append(out, f)
		}
	}
	return out
}

// Forms lists every form version HQ holds, built-ins first, then the
// published ones in publish order.
func (s *Server) Forms() ([]FormInfo, error) {
	forms, err := s.forms()
	if err != nil {
		return nil, fmt.Errorf("forms: %w", err)
	}
	seqs := map[[2]string]uint64{}
	for _, d := range s.published() {
		seqs[[2]string{d.Ref, d.Kind}] = d.Seq
	}
	var out []FormInfo
	for _, f := range forms.All() {
		cur, _ := forms.Form(f.Kind)
		out = append(out, FormInfo{
			Ref: f.Ref(), Kind: f.Kind, Title: title(f), Questions: len(f.Fields),
			Seq: seqs[[2]string{f.Ref(), f.Kind}], Current: cur == f,
		})
	}
	return out, nil
}

func title(f *registry.Form) string {
	if t := f.Title.In("en"); t != "" {
		return t
	}
	for _, t := range f.Title {
		return t
	}
	return ""
}

// formsWithin returns, for a device's sync, the forms published after its
// form cursor, as many as fit budget bytes (at least one), and whether
// more are left for its next round.
func (s *Server) formsWithin(after uint64, budget int) ([]wire.Form, bool) {
	var out []wire.Form
	size := 0
	for _, d := range s.published() {
		if d.Seq <= after {
			continue
		}
		if len(out) > 0 && size+len(d.JSON) > budget {
			return out, true
		}
		size += len(d.JSON)
		out = append(out, wire.Form{Ref: d.Ref, Kind: d.Kind, Seq: d.Seq, JSON: d.JSON})
	}
	return out, false
}

// formsAfter returns the forms published after a form cursor: what a
// return bundle carries.
func (s *Server) formsAfter(after uint64) []wire.Form {
	var out []wire.Form
	for _, d := range s.published() {
		if d.Seq > after {
			out = append(out, wire.Form{Ref: d.Ref, Kind: d.Kind, Seq: d.Seq, JSON: d.JSON})
		}
	}
	return out
}

// checkSites refuses sites the current household form does not list among
// its site choices, naming them: a device scoped to a site no form knows
// would receive nothing and register nothing. AllSites is always allowed.
func (s *Server) checkSites(sites []string) error {
	forms, err := s.forms()
	if err != nil {
		return err
	}
	hh, ok := forms.Form(registry.KindHousehold)
	if !ok {
		return nil
	}
	site, ok := hh.Field(registry.FieldSite)
	if !ok || len(site.Choices) == 0 {
		return nil // a free-text site: nothing to check against
	}
	var unknown []string
	for _, name := range sites {
		if _, ok := site.Choice(name); !ok && name != AllSites {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	var known []string
	for _, c := range site.Choices {
		if len(known) == 10 {
			known = append(known, fmt.Sprintf("and %d more", len(site.Choices)-10))
			break
		}
		known = append(known, c.Name)
	}
	return fmt.Errorf("%w: %s not among the sites of the household form %s (%s); publish a form that lists %s first",
		ErrInvalidRequest, strings.Join(unknown, ", "), hh.Ref(), strings.Join(known, ", "), them(len(unknown)))
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
