package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"fieldreg/internal/formfile"
	"fieldreg/registry"
	"fieldreg/store"
)

// The form commands: an admin imports a form version on a device without
// HQ; anyone lists and shows the versions the workspace holds. Forms HQ
// publishes arrive by sync instead.

// readFormFile reads the forms of a form file, by its extension.
func readFormFile(path string) ([]*registry.Form, error) { return formfile.Read(path) }

func runFormImport(e *env, args []string) error {
	fs := newFlags(e, "form import")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one form file (F.json)")
	}
	path := args[0]
	// A file that is not a form is refused before the passphrase is asked for.
	forms, err := readFormFile(path)
	if err != nil {
		return err
	}
	docs := make([]store.FormDoc, len(forms))
	for i, f := range forms {
		data, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("%s: form %s: %w", path, f.Ref(), err)
		}
		docs[i] = store.FormDoc{Ref: f.Ref(), Kind: f.Kind, JSON: data}
	}
	return e.withWorkspace(func(s *session) error {
		held := map[[2]string]bool{}
		for _, f := range s.forms.All() {
			held[[2]string{f.Ref(), f.Kind}] = true
		}
		if err := s.ws.PutForms(docs); err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		for _, f := range forms {
			what := "imported"
			if held[[2]string{f.Ref(), f.Kind}] {
				what = "already held"
			}
			fmt.Fprintf(e.stdout, "%s %s (%s, %s)\n", what, f.Ref(), f.Kind, plural(len(f.Fields), "question"))
		}
		return nil
	})
}

func runFormList(e *env, args []string) error {
	fs := newFlags(e, "form list")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return e.withWorkspace(func(s *session) error {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REF\tKIND\tTITLE\tQUESTIONS\tCURRENT")
		for _, f := range s.forms.All() {
			cur := ""
			if c, _ := s.forms.Form(f.Kind); c == f {
				cur = "current"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", f.Ref(), f.Kind, formTitle(f), len(f.Fields), cur)
		}
		return tw.Flush()
	})
}

func runFormShow(e *env, args []string) error {
	fs := newFlags(e, "form show")
	asJSON := fs.Bool("json", false, "print the form as JSON (what form import reads)")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one form REF (id@version, or an id for its current version)")
	}
	ref := args[0]
	return e.withWorkspace(func(s *session) error {
		forms := formsOfRef(s.forms, ref)
		if len(forms) == 0 {
			return fmt.Errorf("no form %s in this workspace (fieldctl form list shows those it holds)", ref)
		}
		if *asJSON {
			var v any = forms
			if len(forms) == 1 {
				v = forms[0]
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
		for i, f := range forms {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			if err := showForm(e.stdout, s.forms, f); err != nil {
				return err
			}
		}
		return nil
	})
}

// formsOfRef finds the forms of a ref, one per kind; a bare id names the
// current forms with that id.
func formsOfRef(fs *registry.Forms, ref string) []*registry.Form {
	var out []*registry.Form
	for _, f := range fs.All() {
		switch {
		case strings.Contains(ref, "@"):
			if f.Ref() == ref {
				out = append(out, f)
			}
		case f.ID == ref:
			if cur, _ := fs.Form(f.Kind); cur == f {
				out = append(out, f)
			}
		}
	}
	return out
}

func showForm(w io.Writer, fs *registry.Forms, f *registry.Form) error {
	cur := ""
	if c, _ := fs.Form(f.Kind); c == f {
		cur = ", current"
	}
	fmt.Fprintf(w, "%s: %s (kind %s%s)\n", f.Ref(), formTitle(f), f.Kind, cur)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FIELD\tTYPE\tREQUIRED\tCHOICES\tLABEL")
	for _, d := range f.Fields {
		req, choices := "", ""
		if d.Required || d.MustBeTrue {
			req = "yes"
		}
		if len(d.Choices) > 0 {
			choices = fmt.Sprint(len(d.Choices))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", d.Name, d.Type, req, choices, oneLineLabel(d.Label))
	}
	return tw.Flush()
}

// formTitle is the form's title in English, else in any language it has.
func formTitle(f *registry.Form) string {
	if t := f.Title.In("en"); t != "" {
		return t
	}
	for _, t := range f.Title {
		return t
	}
	return ""
}

func oneLineLabel(l registry.Labels) string {
	return strings.Join(strings.Fields(l.In("en")), " ")
}
