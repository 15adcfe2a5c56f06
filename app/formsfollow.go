package app

import (
	"strings"

	"fieldreg/registry"
)

// currentFormRefs names the form versions the register screen asks:
// the current household, person and assessment forms.
func currentFormRefs(forms *registry.Forms) string {
	var refs []string
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson, registry.KindAssessment} {
		refs = append(refs, forms.CurrentRef(kind))
	}
	return strings.Join(refs, " ")
}

// followForms takes up the form versions the workspace holds now — a sync
// or a bundle may have brought new ones — and, when the register screen
// asks older versions, builds it again with the new ones. A registration
// being typed is not pulled from under the enumerator's fingers: while the
// register tab shows, the rebuild waits until another tab is chosen. The
// draft is kept either way and reopens under the new version with the
// answers that still fit (the screen says how many did not).
func (u *UI) followForms() {
	if u.formSet == nil || u.register == nil || u.tabs == nil {
		return
	}
	u.forms = u.formSet.Forms()
	if u.register.formRefs == currentFormRefs(u.forms) {
		return
	}
	if sel := u.tabs.Selected(); sel != nil && sel.Content == u.register.content {
		u.formsPending = true
		return
	}
	u.rebuildRegister()
}

// rebuildRegister replaces the register screen with one built from the
// current forms, in the same tab.
func (u *UI) rebuildRegister() {
	u.formsPending = false
	old := u.register.content
	u.register.saveDraft()
	u.register = newRegisterScreen(u)
	for _, item := range u.tabs.Items {
		if item.Content == old {
			item.Content = u.register.content
		}
	}
	u.tabs.Refresh()
	u.register.restoreDraft()
}
