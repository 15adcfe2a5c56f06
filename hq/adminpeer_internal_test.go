package hq

import (
	"errors"
	"testing"
)

// TestAdmitPeer: only the server's own user, or root, may use the socket.
func TestAdmitPeer(t *testing.T) {
	for _, tc := range []struct {
		peer, server int
		ok           bool
	}{
		{1000, 1000, true},
		{0, 1000, true},
		{1001, 1000, false},
		{1000, 0, false},
	} {
		err := admitPeer(tc.peer, tc.server)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, errPeerRefused)) {
			t.Errorf("peer %d, server %d: %v", tc.peer, tc.server, err)
		}
	}
}
