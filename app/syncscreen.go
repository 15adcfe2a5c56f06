package app

import (
	"context"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// syncScreen is one button, a progress bar and plain words about what is
// happening; and a way to carry changes on a USB stick when there is no link.
type syncScreen struct {
	u       *UI
	content fyne.CanvasObject
	body    *fyne.Container // content without its scroll, for the overdue screen

	enrolled *widget.Label
	pending  *widget.Label
	start    *widget.Button
	stop     *widget.Button
	progress *widget.ProgressBar
	phase    *widget.Label
	counts   *widget.Label
	message  *widget.Label
	export   *widget.Button
	imp      *widget.Button

	cancelSync context.CancelFunc
}

func newSyncScreen(u *UI) *syncScreen {
	s := &syncScreen{u: u}
	s.enrolled = u.text("")
	s.pending = u.text("")
	s.start = u.button(u.tr.T("sync.start"), theme.ViewRefreshIcon(), s.run)
	s.start.Importance = widget.HighImportance
	s.stop = u.button(u.tr.T("sync.stop"), theme.CancelIcon(), s.cancel)
	s.stop.Hide()
	s.progress = widget.NewProgressBar()
	s.phase = u.heading(u.tr.T(PhaseIdle.key()))
	s.counts = u.text("")
	s.message = u.text("")
	s.export = u.button(u.tr.T("sync.export"), theme.DownloadIcon(), s.chooseExport)
	s.imp = u.button(u.tr.T("sync.import"), theme.UploadIcon(), s.chooseImport)

	s.body = container.NewVBox(
		u.heading(u.tr.T("sync.title")),
		s.enrolled,
		s.pending,
		u.row(s.start, s.stop),
		s.phase,
		s.progress,
		s.counts,
		s.message,
		widget.NewSeparator(),
		u.heading(u.tr.T("sync.bundle_title")),
		u.text(u.tr.T("sync.bundle_hint")),
		u.row(s.export, s.imp),
	)
	s.content = centered(s.body)
	s.refresh()
	return s
}

// refresh shows the enrollment and what waits to be sent.
func (s *syncScreen) refresh() {
	u := s.u
	if u.ws == nil {
		return
	}
	if e, ok, err := u.cfg.Sync.Enrolled(u.ws); err == nil && ok {
		s.enrolled.SetText(u.tr.T("sync.enrolled", e.HQAddr, e.Team))
	} else {
		s.enrolled.SetText(u.tr.T("sync.not_enrolled"))
	}
	if n, err := u.cfg.Sync.Pending(u.ws); err == nil {
		s.pending.SetText(u.tr.T("home.pending", n))
	}
}

// run starts a sync; progress arrives from the sync goroutine through fyne.Do.
func (s *syncScreen) run() {
	u := s.u
	if s.cancelSync != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelSync = cancel
	s.start.Disable()
	s.stop.Show()
	s.message.SetText("")
	s.show(SyncProgress{Phase: PhaseConnecting})
	ws, svc := u.ws, u.cfg.Sync
	u.background(func() func() {
		final, err := svc.Sync(ctx, ws, func(p SyncProgress) { fyne.Do(func() { s.show(p) }) })
		cancel()
		return func() {
			s.cancelSync = nil
			s.start.Enable()
			s.stop.Hide()
			if err != nil {
				final.Phase = PhaseFailed
				s.show(final)
				s.message.Importance = widget.DangerImportance
				s.message.SetText(u.tr.T(svc.ExplainKey(err)))
			} else {
				final.Phase = PhaseDone
				s.show(final)
				s.message.Importance = widget.SuccessImportance
				lines := []string{u.tr.T("sync.summary", final.Sent, final.Received, final.Conflicts)}
				for _, n := range final.Notices {
					lines = append(lines, u.tr.T(n.Key, n.Count))
				}
				s.message.SetText(strings.Join(lines, "\n"))
			}
			s.refresh()
			u.followForms() // it may have brought forms and nothing else
			if u.home != nil {
				u.home.refresh() // the last sync, whether or not records came
			}
			if err == nil {
				u.resumeIfSynced()
			}
		}
	})
}

// cancel stops a running sync (the user, or the app going to the background).
func (s *syncScreen) cancel() {
	if s.cancelSync != nil {
		s.cancelSync()
	}
}

func (s *syncScreen) show(p SyncProgress) {
	u := s.u
	s.phase.SetText(u.tr.T(p.Phase.key()))
	if p.ToSend > 0 {
		s.progress.SetValue(float64(p.Sent) / float64(p.ToSend))
	} else if p.Phase == PhaseDone {
		s.progress.SetValue(1)
	}
	s.counts.SetText(u.tr.T("sync.counts", p.Sent, p.ToSend, p.Received, u.formatBytes(p.BytesSent), u.formatBytes(p.BytesReceived)))
	if p.Phase == PhaseWaiting && p.Err != nil {
		s.message.Importance = widget.WarningImportance
		s.message.SetText(u.tr.T(u.cfg.Sync.ExplainKey(p.Err)))
	}
}

// formatBytes shows a byte count the way the user's language writes it.
func (u *UI) formatBytes(n int64) string {
	switch {
	case n >= 10<<20:
		return u.tr.raw("unit.mb", n>>20)
	case n >= 10<<10:
		return u.tr.raw("unit.kb", n>>10)
	}
	return u.tr.raw("unit.bytes", n)
}

func (s *syncScreen) chooseExport() {
	u := s.u
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		s.exportTo(w)
	}, u.win)
	d.SetFileName("fieldreg-bundle.age")
	d.Show()
}

func (s *syncScreen) chooseImport() {
	u := s.u
	dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		s.importFrom(r)
	}, u.win).Show()
}

// exportTo writes this device's changes to a bundle file, encrypted to HQ.
func (s *syncScreen) exportTo(w io.WriteCloser) {
	u := s.u
	ws, svc := u.ws, u.cfg.Sync
	u.background(func() func() {
		n, err := svc.ExportBundle(ws, w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return func() {
			if err != nil {
				s.message.Importance = widget.DangerImportance
				s.message.SetText(u.tr.T(svc.ExplainKey(err)))
				return
			}
			s.message.Importance = widget.SuccessImportance
			s.message.SetText(u.tr.N("sync.exported", n))
		}
	})
}

// importFrom applies a bundle HQ wrote for this device.
func (s *syncScreen) importFrom(r io.ReadCloser) {
	u := s.u
	ws, svc := u.ws, u.cfg.Sync
	u.background(func() func() {
		n, err := svc.ImportBundle(ws, r)
		r.Close()
		return func() {
			if err != nil {
				s.message.Importance = widget.DangerImportance
				s.message.SetText(u.tr.T(svc.ExplainKey(err)))
				return
			}
			s.message.Importance = widget.SuccessImportance
			s.message.SetText(u.tr.N("sync.imported", n))
			s.refresh()
			u.resumeIfSynced()
		}
	})
}
