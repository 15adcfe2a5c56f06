package hq

import (
	"context"
	"fmt"
	"time"

	"fieldreg/change"
	"fieldreg/store"
)

// maxBatchJobs bounds a group commit: a batch takes whatever is queued, up
// to this many jobs.
const maxBatchJobs = 128

// job is one unit of work for the ingest goroutine. prepare runs on a
// private copy of the state and returns the changes to store; it must leave
// the copy untouched when it returns an error, so that a refused job does
// not disturb the others of its batch.
type job struct {
	prepare func(st *state) ([]change.Change, error)
	// exec, when set, is the whole job instead: it runs alone on a private
	// copy of the state, writes it to the store itself (with what it does
	// there, in one transaction), and the copy is published if it succeeds.
	exec    func(st *state) error
	changes []change.Change
	results []store.Result
	err     error
	done    chan struct{}
}

// submit queues a job and waits for it to be stored (or refused).
func (s *Server) submit(ctx context.Context, prepare func(st *state) ([]change.Change, error)) ([]change.Change, []store.Result, error) {
	if err := s.enter(); err != nil {
		return nil, nil, err
	}
	defer s.inflight.Done()
	j := &job{prepare: prepare, done: make(chan struct{})}
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	// Once queued, the job will run: wait for it even if ctx ends, so the
	// caller never reports failure for work that was stored.
	<-j.done
	return j.changes, j.results, j.err
}

// ingest is the only writer of HQ's store. It commits queued jobs together:
// one transaction, one fsync, for many devices at once.
func (s *Server) ingest() {
	defer close(s.stopped)
	tick := time.NewTicker(clockCheck)
	defer tick.Stop()
	for {
		var first *job
		select {
		case <-tick.C:
			s.releaseDue()
			continue
		case first = <-s.jobs:
		case <-s.quit:
			// enter() refuses new work before quit closes, so the queue is
			// final: finish it.
			for {
				select {
				case j := <-s.jobs:
					s.commit([]*job{j})
				default:
					return
				}
			}
		}
		batch := []*job{first}
	drain:
		for len(batch) < maxBatchJobs {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		s.commit(batch)
	}
}

// run queues an exec job and waits for it.
func (s *Server) run(ctx context.Context, exec func(st *state) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.inflight.Done()
	j := &job{exec: exec, done: make(chan struct{})}
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	}
	<-j.done
	return j.err
}

func (s *Server) commit(batch []*job) {
	var pushes []*job
	for _, j := range batch {
		if j.exec == nil {
			pushes = append(pushes, j)
			continue
		}
		next := s.state().clone()
		if j.err = j.exec(next); j.err == nil {
			s.mu.Lock()
			s.st = next
			s.mu.Unlock()
		}
		close(j.done)
	}
	batch = pushes
	next := s.state().clone()
	next.expire(s.cfg.now())
	var all []change.Change
	var units []uint64
	var ok []*job
	for _, j := range batch {
		changes, err := j.prepare(next)
		if err != nil {
			j.err = err
			close(j.done)
			continue
		}
		j.changes = changes
		all = append(all, changes...)
		units = append(units, s.units(len(ok)+1, changes)...)
		ok = append(ok, j)
	}
	if len(ok) == 0 {
		return
	}
	fail := func(err error) {
		for _, j := range ok {
			j.err = err
			close(j.done)
		}
	}
	enc, err := encodeState(next)
	if err != nil {
		fail(err)
		return
	}
	results, err := s.ws.ApplyRemoteUnits(all, units, map[string][]byte{metaState: enc})
	if err != nil {
		s.logf("store a batch of %d changes: %v", len(all), err)
		fail(fmt.Errorf("store changes: %w", err))
		return
	}
	s.log.add(all, results)
	s.mu.Lock()
	s.st = next
	s.mu.Unlock()
	s.stats.batches.Add(1)
	for _, j := range ok {
		j.results, results = results[:len(j.changes)], results[len(j.changes):]
		close(j.done)
	}
}
