package hq

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strconv"
)

// HQ's workspace has one key slot, "hq", so its audit log cannot tell
// operators apart by slot. An admin action names instead the operating
// system user who asked for it: the kernel's word for the admin socket's
// peer, or the user running the command in-process.

type actorKey struct{}

// withActor is ctx carrying who asked for the admin action run under it.
func withActor(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, actorKey{}, who)
}

// actorIn is who asked for the action run under ctx: the admin socket's
// peer, or else this process's user.
func actorIn(ctx context.Context) string {
	if who, ok := ctx.Value(actorKey{}).(string); ok {
		return who
	}
	return currentActor()
}

// currentActor names this process's user.
func currentActor() string {
	return actorOf(os.Getuid())
}

// actorOf names the user uid as "hq admin (uid 1000, alice)"; the name is
// left out where the system has none for uid (or no uids: Windows).
func actorOf(uid int) string {
	if uid < 0 {
		if u, err := user.Current(); err == nil {
			return fmt.Sprintf("hq admin (%s)", u.Username)
		}
		return "hq admin"
	}
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("hq admin (uid %d, %s)", uid, u.Username)
	}
	return fmt.Sprintf("hq admin (uid %d)", uid)
}

// auditAdmin records an admin action with who asked for it.
func (s *Server) auditAdmin(ctx context.Context, action, detail string) error {
	if detail != "" {
		detail = "; " + detail
	}
	if err := s.ws.AuditEvent(action, "by "+actorIn(ctx)+detail); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}
