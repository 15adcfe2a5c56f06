package cli

import (
	"runtime/debug"
	"strings"
)

// version, when set at link time (-ldflags "-X fieldreg/internal/cli.version=v1.2.0"),
// replaces the module version the build recorded.
var version string

// Version is a program's version line: its name, the module version and
// the VCS revision the binary was built from, as Go records them.
func Version(prog string) string {
	info, _ := debug.ReadBuildInfo()
	return versionLine(prog, version, info)
}

func versionLine(prog, override string, info *debug.BuildInfo) string {
	v := override
	var rev, at string
	modified := false
	if info != nil {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	parts := []string{prog, v}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += "+modified"
		}
		parts = append(parts, "revision "+rev)
	}
	if at != "" {
		parts = append(parts, at)
	}
	return strings.Join(parts, " ")
}
