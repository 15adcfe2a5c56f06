// Package packaging checks the files the platform packagers read from the
// repository root.
package packaging

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

type manifest struct {
	Package     string `xml:"package,attr"`
	VersionCode string `xml:"versionCode,attr"`
	VersionName string `xml:"versionName,attr"`
	Application struct {
		AllowBackup string `xml:"allowBackup,attr"`
		Activity    struct {
			Name     string `xml:"name,attr"`
			MetaData []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"meta-data"`
		} `xml:"activity"`
	} `xml:"application"`
}

// TestAndroidManifestForbidsBackup: the APK's manifest turns Android Auto
// Backup off, so the workspace is not copied where no wipe reaches; it is
// the manifest fyne's packager accepts (a GoNativeActivity with its
// library), and it says the same app, version and build as FyneApp.toml.
func TestAndroidManifestForbidsBackup(t *testing.T) {
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "AndroidManifest.xml"))
	if err != nil {
		t.Fatalf("no Android manifest next to the main package: %v", err)
	}
	var m manifest
	if err := xml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Application.AllowBackup != "false" {
		t.Errorf(`android:allowBackup = %q, want "false"`, m.Application.AllowBackup)
	}
	if m.Application.Activity.Name != "org.golang.app.GoNativeActivity" {
		t.Errorf("activity %q: fyne builds only a GoNativeActivity", m.Application.Activity.Name)
	}
	lib := false
	for _, md := range m.Application.Activity.MetaData {
		lib = lib || md.Name == "android.app.lib_name" && md.Value != ""
	}
	if !lib {
		t.Error("no android.app.lib_name meta-data: fyne's packager refuses the manifest")
	}

	toml, err := os.ReadFile(filepath.Join(root, "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for key, got := range map[string]string{"ID": m.Package, "Version": m.VersionName, "Build": m.VersionCode} {
		re := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"?([^"\s]+)"?`)
		want := re.FindSubmatch(toml)
		if want == nil {
			t.Errorf("FyneApp.toml has no %s", key)
			continue
		}
		if got != string(want[1]) {
			t.Errorf("manifest says %q where FyneApp.toml's %s is %q", got, key, want[1])
		}
	}
}
