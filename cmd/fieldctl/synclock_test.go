package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/store"
)

// TestRegisterRefusedWhileSyncOverdue: fieldctl keeps the lock the app
// keeps. A device that last reached HQ 40 days ago (the default lock is 30)
// registers nothing until a sync succeeds.
func TestRegisterRefusedWhileSyncOverdue(t *testing.T) {
	s, _ := startHQ(t)
	w := newWorkspace(t)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Team: "north", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ok("enroll", code.String())
	w.ok("sync")

	// The last contact, 40 days ago: written by the store at its clock.
	past := func() time.Time { return time.Now().Add(-40 * 24 * time.Hour) }
	ws, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{Now: past, KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	last, err := ws.Meta(store.MetaLastSync)
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.PutMeta(store.MetaLastSync, last); err != nil {
		t.Fatal(err)
	}
	ws.Close()

	households := filepath.Join("testdata", "households.json")
	w.fails(1, []string{"reaching HQ"}, "register", "--file", households)
	if n := w.count("household"); n != 0 {
		t.Fatalf("%d households registered while overdue", n)
	}
	w.ok("sync")
	w.ok("register", "--file", households)
	if n := w.count("household"); n == 0 {
		t.Fatal("nothing registered after the sync lifted the lock")
	}
}
