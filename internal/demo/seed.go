// Package demo fills a workspace with synthetic households, for the demo
// workspace (make demo), screenshots and benchmarks. It uses the duplicate
// matcher's corpus generator, so about one household in twenty is a second
// registration of another, as in the field.
package demo

import (
	"fmt"
	"hash/fnv"
	"time"

	"fieldreg/internal/corpus"
	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/store"
)

// batchSize households commit together: one fsync per batch keeps seeding
// 100k households to seconds.
const batchSize = 500

// Seed registers n generated households (with their members) in ws and
// returns how many persons it wrote. The same seed gives the same people.
// The generator's own site names are mapped onto the household form's site
// choices so every record passes validation. Households are registered as
// the app and fieldctl register them (ops.Register), a batch at a time.
func Seed(ws *store.Workspace, forms *registry.Forms, seed int64, n int) (persons int, err error) {
	households := corpus.Households(seed, n)
	sites := siteCodes(forms)
	now := time.Now()
	var batch []ops.Household
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		r, err := ops.Register(ws, forms, now, batch...)
		if err != nil {
			return fmt.Errorf("seed demo households: %w", err)
		}
		persons += r.Members
		batch = batch[:0]
		return nil
	}
	for i, h := range households {
		f := h.Fields()
		if len(sites) > 0 {
			f[registry.FieldSite] = sites[pick(h.Site, len(sites))]
		}
		oh := ops.Household{Entry: ops.Entry{ID: h.ID, Fields: f}}
		for _, m := range h.Members {
			oh.Members = append(oh.Members, ops.Entry{ID: m.ID, Fields: m.Fields(h.ID)})
		}
		batch = append(batch, oh)
		if (i+1)%batchSize == 0 {
			if err := flush(); err != nil {
				return persons, err
			}
		}
	}
	return persons, flush()
}

// siteCodes returns the site choices of the household form.
func siteCodes(forms *registry.Forms) []string {
	f, ok := forms.Form(registry.KindHousehold)
	if !ok {
		return nil
	}
	d, ok := f.Field(registry.FieldSite)
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
