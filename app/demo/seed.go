// Package demo fills a workspace with synthetic households, for the demo
// workspace (make demo), screenshots and benchmarks. It uses the duplicate
// matcher's corpus generator, so about one household in twenty is a second
// registration of another, as in the field.
package demo

import (
	"fmt"
	"hash/fnv"
	"time"

	"fieldreg/registry"
	"fieldreg/registry/match/corpus"
	"fieldreg/store"
)

// batchSize households commit together: one fsync per batch keeps seeding
// 100k households to seconds.
const batchSize = 500

// Seed registers n generated households (with their members) in ws and
// returns how many persons it wrote. The same seed gives the same people.
// now is the day of registration: no one is born after it.
// The generator's own site names are mapped onto the household form's site
// choices so every record passes validation.
func Seed(ws *store.Workspace, forms *registry.Forms, seed int64, n int, now time.Time) (persons int, err error) {
	today := now.Format("2006-01-02")
	households := corpus.Households(seed, n)
	sites := siteCodes(forms)
	hhForm, _ := forms.Form(registry.KindHousehold)
	personForm, _ := forms.Form(registry.KindPerson)
	var edits []store.Edit
	flush := func() error {
		if len(edits) == 0 {
			return nil
		}
		if _, err := ws.Commit(edits...); err != nil {
			return fmt.Errorf("seed demo households: %w", err)
		}
		edits = edits[:0]
		return nil
	}
	for i, h := range households {
		f := h.Fields()
		if len(sites) > 0 {
			f["site"] = sites[pick(h.Site, len(sites))]
		}
		edits = append(edits, store.Edit{Record: h.ID, Kind: registry.KindHousehold, Set: canonical(hhForm, f)})
		for _, m := range h.Members {
			f := canonical(personForm, m.Fields(h.ID))
			if f["birth_date"] > today {
				// The generator draws birth dates over its whole year.
				f["birth_date"] = today
			}
			edits = append(edits, store.Edit{Record: m.ID, Kind: registry.KindPerson, Set: f})
			persons++
		}
		if (i+1)%batchSize == 0 {
			if err := flush(); err != nil {
				return persons, err
			}
		}
	}
	return persons, flush()
}

// canonical writes values as the form's types spell them ("0.171", not
// "0.17100"): the generator writes numbers its own way.
func canonical(form *registry.Form, f map[string]string) map[string]string {
	if form == nil {
		return f
	}
	for name, v := range f {
		if d, ok := form.Field(name); ok && d.Type == registry.TypeGeopoint {
			if c, err := registry.CanonicalValue(d.Type, v); err == nil {
				f[name] = c
			}
		}
	}
	return f
}

// siteCodes returns the site choices of the household form.
func siteCodes(forms *registry.Forms) []string {
	f, ok := forms.Form(registry.KindHousehold)
	if !ok {
		return nil
	}
	d, ok := f.Field("site")
	if !ok {
		return nil
	}
	var codes []string
	for _, c := range d.Choices {
		codes = append(codes, c.Name)
	}
	return codes
}

func pick(s string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() % uint32(n))
}
