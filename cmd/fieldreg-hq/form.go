package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"fieldreg/hq"
	"fieldreg/internal/formfile"
	"fieldreg/registry"
)

// The form commands: publishing a form version to every device, and what
// versions HQ holds.

// readFormFile reads the forms of a form file, by its extension.
func readFormFile(path string) ([]*registry.Form, error) { return formfile.Read(path) }

func runFormPublish(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "form publish")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one form file (F.json)")
	}
	// The file is read and checked here, before HQ is reached; HQ checks
	// the forms again, whoever sends them.
	forms, err := readFormFile(args[0])
	if err != nil {
		return err
	}
	docs := make([][]byte, len(forms))
	for i, f := range forms {
		if docs[i], err = json.Marshal(f); err != nil {
			return fmt.Errorf("%s: form %s: %w", args[0], f.Ref(), err)
		}
	}
	published, err := withAdmin(e, func(a hq.Admin) ([]hq.FormInfo, error) { return a.PublishForms(ctx, docs) })
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	for _, f := range published {
		fmt.Fprintf(e.stdout, "published %s (%s, %d questions, seq %d); devices receive it at their next sync\n", f.Ref, f.Kind, f.Questions, f.Seq)
	}
	return nil
}

func runFormList(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "form list")
	asJSON := fs.Bool("json", false, "print one JSON object per form version")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	forms, err := withAdmin(e, hq.Admin.Forms)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, f := range forms {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
		return nil
	}
	return printForms(e.stdout, forms)
}

func printForms(w io.Writer, forms []hq.FormInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tKIND\tTITLE\tQUESTIONS\tPUBLISHED\tCURRENT")
	for _, f := range forms {
		seq, cur := "built in", ""
		if f.Seq != 0 {
			seq = fmt.Sprintf("#%d", f.Seq)
		}
		if f.Current {
			cur = "current"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", f.Ref, f.Kind, f.Title, f.Questions, seq, cur)
	}
	return tw.Flush()
}
