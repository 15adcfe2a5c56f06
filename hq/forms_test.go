package hq_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"fieldreg/hq"
	"fieldreg/registry"
)

// withSite is the built-in household form as version v, listing one more site.
func withSite(t *testing.T, v, site string) []byte {
	t.Helper()
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := base.Form(registry.KindHousehold)
	data, _ := json.Marshal(f)
	next, err := registry.ParseForm(data)
	if err != nil {
		t.Fatal(err)
	}
	next.Version = v
	for i, d := range next.Fields {
		if d.Name == registry.FieldSite {
			next.Fields[i].Choices = append(slices.Clone(d.Choices), registry.Choice{Name: site, Label: registry.Labels{"en": site}})
		}
	}
	out, err := json.Marshal(next)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPublishForms(t *testing.T) {
	s := newHQ(t)
	ctx := context.Background()
	got, err := s.PublishForms(ctx, [][]byte{withSite(t, "2", "camp_east")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Ref != "household@2" || got[0].Seq != 1 || !got[0].Current {
		t.Fatalf("published %+v", got)
	}
	// Again: no error, no second copy.
	if got, err := s.PublishForms(ctx, [][]byte{withSite(t, "2", "camp_east")}); err != nil || got[0].Seq != 1 {
		t.Fatalf("publishing the same version again: %+v %v", got, err)
	}
	for _, tt := range []struct {
		name string
		doc  []byte
		says string
	}{
		{"a changed version", withSite(t, "2", "camp_west"), "household@2 (household) is already published with other content"},
		{"a changed built-in", withSite(t, "1", "camp_west"), "household@1"},
		{"not a form", []byte(`{"kind":"household"}`), "form 1 of 1"},
	} {
		if _, err := s.PublishForms(ctx, [][]byte{tt.doc}); !errors.Is(err, hq.ErrInvalidRequest) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v, want ErrInvalidRequest saying %q", tt.name, err, tt.says)
		}
	}
	list, err := s.Forms()
	if err != nil {
		t.Fatal(err)
	}
	var households []string
	for _, f := range list {
		if f.Kind == registry.KindHousehold {
			households = append(households, f.Ref+map[bool]string{true: " current"}[f.Current])
		}
	}
	if !slices.Equal(households, []string{"household@1", "household@2 current"}) {
		t.Errorf("household versions: %v", households)
	}
	// The new site may be enrolled now; an unknown one still not.
	if _, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "tablet", Sites: []string{"camp_east"}}); err != nil {
		t.Errorf("enrolling at the published site: %v", err)
	}
	if _, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "tablet", Sites: []string{"camp_west"}}); !errors.Is(err, hq.ErrInvalidRequest) {
		t.Errorf("enrolling at an unknown site: %v", err)
	}
}
