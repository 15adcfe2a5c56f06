package hq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"
)

// SocketName is the admin socket's name in the data directory.
const SocketName = "admin.sock"

// maxAdminMessage bounds one admin request or response.
const maxAdminMessage = 64 << 20

type adminRequest struct {
	Args []string `json:"args"`
}

type adminResponse struct {
	Out   string `json:"out"`
	Err   string `json:"err,omitempty"`
	Usage bool   `json:"usage,omitempty"`
}

// ServeAdmin answers admin commands on the socket in the data directory
// until ctx ends. The socket is owner-only: whoever can open it could as
// well read the data directory.
func (s *Server) ServeAdmin(ctx context.Context) error {
	path := filepath.Join(s.cfg.Dir, SocketName)
	// This process holds the store's lock, so a socket left here is stale.
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	defer os.Remove(path)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("admin socket: %w", err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("admin socket: %w", err)
		}
		go s.answerAdmin(ctx, c)
	}
}

func (s *Server) answerAdmin(ctx context.Context, c net.Conn) {
	defer c.Close()
	var req adminRequest
	if err := json.NewDecoder(io.LimitReader(c, maxAdminMessage)).Decode(&req); err != nil {
		return
	}
	var out bytes.Buffer
	err := s.RunAdmin(ctx, req.Args, &out)
	resp := adminResponse{Out: out.String()}
	if err != nil {
		resp.Err = err.Error()
		var u UsageError
		resp.Usage = errors.As(err, &u)
	}
	s.logf("admin: %s: %v", firstWord(req.Args), errOrOK(err))
	json.NewEncoder(c).Encode(resp)
}

func firstWord(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func errOrOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

// CallAdmin runs an admin command on the server running on dir, writing
// its output to out. It returns ErrNoServer when none runs; a refusal by
// the server comes back as an error (a UsageError for a bad command line).
func CallAdmin(ctx context.Context, dir string, args []string, out io.Writer) error {
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := d.DialContext(dctx, "unix", filepath.Join(dir, SocketName))
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrNoServer, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if err := json.NewEncoder(c).Encode(adminRequest{Args: args}); err != nil {
		return fmt.Errorf("admin socket: %w", err)
	}
	var resp adminResponse
	if err := json.NewDecoder(io.LimitReader(c, maxAdminMessage)).Decode(&resp); err != nil {
		return fmt.Errorf("admin socket: no answer from the server: %w", err)
	}
	io.WriteString(out, resp.Out)
	switch {
	case resp.Usage:
		return UsageError{Msg: resp.Err}
	case resp.Err != "":
		return errors.New(resp.Err)
	}
	return nil
}
