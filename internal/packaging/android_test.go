// Package packaging checks the files the platform packagers read from the
// repository root.
package packaging

import (
	"bytes"
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

// TestAndroidDataExtractionRules: the Android 12+ rules shipped for the
// post-package step exclude every domain of the app's data from both cloud
// backup and device-to-device transfer, and include none. The manifest
// fyne packages does not name them: fyne tools v1.7.4 fails on
// android:dataExtractionRules (see the README), so the post-package step
// adds it, and the README says how.
func TestAndroidDataExtractionRules(t *testing.T) {
	root := filepath.Join("..", "..")
	const rulesPath = "android/res/xml/data_extraction_rules.xml"
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rulesPath)))
	if err != nil {
		t.Fatalf("no data extraction rules: %v", err)
	}
	type rule struct {
		Domain string `xml:"domain,attr"`
		Path   string `xml:"path,attr"`
	}
	type section struct {
		Include []rule `xml:"include"`
		Exclude []rule `xml:"exclude"`
	}
	var rules struct {
		XMLName        xml.Name  `xml:"data-extraction-rules"`
		CloudBackup    []section `xml:"cloud-backup"`
		DeviceTransfer []section `xml:"device-transfer"`
	}
	if err := xml.Unmarshal(b, &rules); err != nil {
		t.Fatal(err)
	}
	for name, sections := range map[string][]section{"cloud-backup": rules.CloudBackup, "device-transfer": rules.DeviceTransfer} {
		if len(sections) != 1 {
			t.Errorf("%d <%s> sections, want 1", len(sections), name)
			continue
		}
		s := sections[0]
		if len(s.Include) > 0 {
			t.Errorf("<%s> includes %v: an include limits what is backed up to it, but nothing of Fieldreg's may go", name, s.Include)
		}
		excluded := map[string]bool{}
		for _, r := range s.Exclude {
			if r.Path == "" {
				excluded[r.Domain] = true
			}
		}
		for _, d := range []string{"root", "file", "database", "sharedpref", "external"} {
			if !excluded[d] {
				t.Errorf("<%s> does not exclude the whole %q domain", name, d)
			}
		}
	}

	manifest, err := os.ReadFile(filepath.Join(root, "AndroidManifest.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`android:dataExtractionRules\s*=`).Match(manifest) {
		t.Error("AndroidManifest.xml sets android:dataExtractionRules: fyne tools v1.7.4 cannot package it (the README's post-package step adds it)")
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{rulesPath, `android:dataExtractionRules="@xml/data_extraction_rules"`, "apktool b", "apksigner"} {
		if !bytes.Contains(readme, []byte(want)) {
			t.Errorf("the README's Android section does not give the post-package step (%q)", want)
		}
	}
}
