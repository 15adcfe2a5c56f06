package main

import (
	"strings"
	"testing"
)

// TestEveryCommandAnswersHelp: each command prints its usage and options on
// stdout for -h and --help and does nothing else (no HQ exists here, so any
// command that went on to work would fail), and refuses a flag it does not
// know with exit 2 and one line naming its usage, as fieldctl's commands do.
func TestEveryCommandAnswersHelp(t *testing.T) {
	global := []string{"-data", "-passphrase-file"}
	flags := map[string][]string{
		"init":               {"-addr", "-hosts", "-db"},
		"serve":              {"-addr", "-analytics", "-analytics-min-cell", "-analytics-persons"},
		"enroll":             {"-device", "-sites", "-team", "-qr", "-addr", "-ttl"},
		"devices":            nil,
		"revoke":             nil,
		"unrevoke":           nil,
		"wipe":               nil,
		"anchor reset":       {"-reason"},
		"scope":              {"-sites"},
		"conflicts":          nil,
		"duplicates":         {"-json"},
		"export":             {"-format", "-out"},
		"bundle import":      nil,
		"bundle export":      {"-device", "-out"},
		"erase":              nil,
		"stats":              nil,
		"migrate":            {"-to"},
		"pulled":             nil,
		"quarantine":         {"-json"},
		"quarantine release": nil,
		"quarantine drop":    nil,
		"version":            nil,
		"form publish":       nil,
		"form list":          {"-json"},
	}
	c := newCLI(t)
	for _, cmd := range commandTable() {
		want, ok := flags[cmd.name]
		if !ok {
			t.Errorf("%s: no row in this test", cmd.name)
			continue
		}
		words := strings.Fields(cmd.name)
		for _, asked := range [][]string{append(words[:len(words):len(words)], "-h"), append(words[:len(words):len(words)], "--help"), {"help", cmd.name}} {
			code, out, errs := c.run(strings.Fields(strings.Join(asked, " "))...)
			if code != exitOK || errs != "" {
				t.Errorf("fieldreg-hq %s: exit %d, stderr %q; want 0 and nothing", strings.Join(asked, " "), code, errs)
				continue
			}
			if !strings.HasPrefix(out, "usage: fieldreg-hq "+cmd.name) {
				t.Errorf("fieldreg-hq %s: stdout does not start with its usage line:\n%s", strings.Join(asked, " "), out)
			}
			for _, f := range append(want, global...) {
				if !strings.Contains(out, "  "+f+" ") && !strings.HasSuffix(strings.TrimSpace(out), f) && !strings.Contains(out, "  "+f+"\n") {
					t.Errorf("fieldreg-hq %s: the help does not name %s:\n%s", strings.Join(asked, " "), f, out)
				}
			}
		}
		bogus := append(words[:len(words):len(words)], "--bogus")
		code, out, errs := c.run(bogus...)
		if code != exitUsage || out != "" || strings.Count(errs, "\n") != 1 ||
			!strings.HasPrefix(errs, "fieldreg-hq: "+cmd.name+": ") || !strings.Contains(errs, "usage: fieldreg-hq "+cmd.name) {
			t.Errorf("fieldreg-hq %s: exit %d, stdout %q, stderr %q; want 2 and one line with the usage", strings.Join(bogus, " "), code, out, errs)
		}
	}
}

// TestArgumentsCommandsRefuse: extra or missing arguments exit 2 with one
// line, before anything is opened; "--" lets an argument start with "-".
func TestArgumentsCommandsRefuse(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"stats", "extra"},
		{"devices", "extra"},
		{"revoke"},
		{"revoke", "a", "b"},
		{"wipe"},
		{"quarantine", "extra"},
		{"quarantine", "release"},
		{"quarantine", "release", "x"},
		{"quarantine", "drop", "0"},
		{"quarantine", "drop", "1", "2"},
		{"unrevoke"},
		{"pulled"},
		{"pulled", "a", "b"},
		{"unrevoke", "a", "b"},
		{"scope", "tablet-1"},
		{"scope", "--sites", "camp_north"},
		{"scope", "a", "b", "--sites", "camp_north"},
		{"form", "publish"},
		{"form", "publish", "a.json", "b.json"},
		{"form", "list", "extra"},
		{"erase"},
		{"erase", "not-an-id"},
		{"erase", "0190a1b2-0000-7000-8000-000000000001", "extra"},
		{"bundle"},
		{"bundle", "frobnicate"},
		{"bundle", "import"},
		{"bundle", "import", "a", "b"},
		{"bundle", "export", "--device", "d"},
		{"export", "--format", "pdf", "--out", "x"},
		{"export", "--format", "csv"},
		{"enroll", "--device", "x"},
		{"serve", "extra"},
		{"init", "extra"},
		{"version", "extra"},
		{"help", "frobnicate"},
		{"--bogus"},
	} {
		code, _, errs := c.run(args...)
		if code != exitUsage || !strings.HasPrefix(errs, "fieldreg-hq: ") || strings.Count(errs, "\n") != 1 {
			t.Errorf("fieldreg-hq %s: exit %d, %q; want 2 and one line", strings.Join(args, " "), code, errs)
		}
	}
	// After "--", "-h" is a device name: the command looks for it (and finds
	// no HQ here), it does not print help.
	if code, out, errs := c.run("revoke", "--", "-h"); code != exitFailure || out != "" || !strings.Contains(errs, "init") {
		t.Errorf("revoke -- -h: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestVersion(t *testing.T) {
	c := newCLI(t)
	_, long, _ := c.run("--version")
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errs := c.run(args...)
		if code != exitOK || errs != "" || !strings.HasPrefix(out, "fieldreg-hq ") || strings.Count(out, "\n") != 1 || out != long {
			t.Errorf("fieldreg-hq %s: exit %d, stdout %q, stderr %q; want 0 and one version line", args[0], code, out, errs)
		}
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, out, errs := c.run(args...)
		if code != exitOK || errs != "" || !strings.HasPrefix(out, "usage: fieldreg-hq") {
			t.Errorf("fieldreg-hq %s: exit %d, stderr %q", args[0], code, errs)
		}
		for _, cmd := range commandTable() {
			if !strings.Contains(out, "\n  "+strings.TrimPrefix(usageLine(cmd), "fieldreg-hq ")+"\n") {
				t.Errorf("fieldreg-hq %s does not list %q:\n%s", args[0], cmd.name, out)
			}
		}
	}
}
