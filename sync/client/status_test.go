package client_test

import (
	"context"
	"errors"
	"testing"

	"fieldreg/sync/client"
)

func TestStatusReportsProgressAndNeverBlocks(t *testing.T) {
	s := newHQ(t, nil, nil)
	w := newDevice(t, "amal", nil)
	enr := enrollInProcess(t, s, w, "tablet", "camp_north")
	registerHousehold(t, w, "camp_north", 3)
	fails := 2
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		if fails > 0 {
			fails--
			return nil, errors.New("no signal")
		}
		return s.Sync(ctx, enr.Device, body)
	})
	c, err := client.New(client.Config{Workspace: w, Transport: tr, Backoff: noBackoff})
	if err != nil {
		t.Fatal(err)
	}
	status := make(chan client.Status, 100)
	if _, err := c.Sync(context.Background(), status); err != nil {
		t.Fatal(err)
	}
	close(status)
	var phases []client.Phase
	var last client.Status
	for st := range status {
		phases = append(phases, st.Phase)
		last = st
	}
	want := map[client.Phase]bool{client.Connecting: false, client.Sending: false, client.Waiting: false, client.Done: false}
	for _, p := range phases {
		if _, ok := want[p]; ok {
			want[p] = true
		}
	}
	for p, seen := range want {
		if !seen {
			t.Errorf("no %v status in %v", p, phases)
		}
	}
	if last.Phase != client.Done || last.Sent != 4 || last.ToSend != 4 || last.Attempt != 2 || last.BytesSent == 0 {
		t.Errorf("last status %+v", last)
	}

	// Nobody reading an unbuffered channel: Sync still finishes.
	registerHousehold(t, w, "camp_north", 1)
	if _, err := c.Sync(context.Background(), make(chan client.Status)); err != nil {
		t.Fatal(err)
	}
}
